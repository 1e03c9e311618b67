"""Reminders go out once per registration and start time, within 24 hours of the start."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from icalendar import Calendar

from events import ical, services
from events.models import Registration, RegistrationStatus
from members.tests.factories import UserFactory

from .factories import LONDON, first_occurrence, make_event, soon

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def next_local(month: int, day: int, hour: int = 12, minute: int = 30) -> datetime.datetime:
    """The next `day` of `month` at least a week away, at hour:minute UK time."""
    today = timezone.now().astimezone(LONDON).date()
    for year in (today.year, today.year + 1):
        candidate = datetime.date(year, month, day)
        if candidate - today >= datetime.timedelta(days=7):
            return datetime.datetime.combine(candidate, datetime.time(hour, minute), tzinfo=LONDON)
    raise AssertionError("unreachable")


def reminders():
    return [m for m in mail.outbox if m.subject.startswith("Reminder")]


@pytest.fixture
def upcoming():
    return first_occurrence(make_event(title="Pain assessment webinar", start=soon(days=3)))


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`send(now)` runs the reminders at `now` and delivers the e-mails they queue."""

    def run(now: datetime.datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.send_due_reminders(now=now)

    return run


def test_registered_member_gets_exactly_one_reminder(member, upcoming, send):
    services.register_for_occurrence(member, upcoming)

    assert send(upcoming.start - 23 * HOUR) == 1
    assert send(upcoming.start - 23 * HOUR) == 0
    assert send(upcoming.start - 2 * HOUR) == 0
    assert send(upcoming.start - datetime.timedelta(minutes=1)) == 0

    (reminder,) = reminders()
    assert reminder.to == [member.email]
    assert "Pain assessment webinar" in reminder.subject
    registration = Registration.objects.get(member=member, occurrence=upcoming)
    assert registration.reminder_sent_for == upcoming.start


def test_only_members_with_a_place_are_reminded(member, send):
    occurrence = first_occurrence(make_event(start=soon(days=3), capacity=1))
    has_place = UserFactory(full_name="Has Place")
    cancelled = UserFactory(full_name="Changed Mind")
    services.register_for_occurrence(has_place, occurrence)
    services.register_for_occurrence(cancelled, occurrence)  # waiting, then cancels
    services.cancel_registration(cancelled, occurrence)
    waiting = services.register_for_occurrence(member, occurrence)
    assert waiting.status == RegistrationStatus.WAITING

    assert send(occurrence.start - 23 * HOUR) == 1

    assert [m.to for m in reminders()] == [[has_place.email]]


def test_member_who_cancelled_a_place_is_not_reminded(member, upcoming, send):
    services.register_for_occurrence(member, upcoming)
    services.cancel_registration(member, upcoming)

    assert send(upcoming.start - 23 * HOUR) == 0
    assert reminders() == []


def test_inactive_member_is_not_reminded(member, upcoming, send):
    services.register_for_occurrence(member, upcoming)
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert send(upcoming.start - 23 * HOUR) == 0


@pytest.mark.parametrize(
    ("before_start", "expected"),
    [
        (datetime.timedelta(days=3), 0),
        (datetime.timedelta(hours=24, seconds=1), 0),
        (datetime.timedelta(hours=24), 1),
        (datetime.timedelta(minutes=1), 1),
        (datetime.timedelta(0), 0),
        (-datetime.timedelta(minutes=5), 0),
        (-datetime.timedelta(days=2), 0),
    ],
    ids=["3-days", "just-over-24h", "exactly-24h", "1-minute", "at-start", "started", "past"],
)
def test_reminder_window_is_the_24_hours_before_the_start(
    member, upcoming, send, before_start, expected
):
    services.register_for_occurrence(member, upcoming)

    assert send(upcoming.start - before_start) == expected
    assert len(reminders()) == expected


def test_cancelled_occurrence_gets_no_reminder(member, coordinator, upcoming, send):
    services.register_for_occurrence(member, upcoming)
    services.cancel_occurrence(upcoming, by=coordinator, reason="Speaker unwell")

    assert send(upcoming.start - 23 * HOUR) == 0
    assert reminders() == []


def test_moved_occurrence_gets_one_new_reminder_for_the_new_time(
    member, coordinator, upcoming, send
):
    services.register_for_occurrence(member, upcoming)
    assert send(upcoming.start - 23 * HOUR) == 1
    new_start = upcoming.start + 3 * HOUR
    services.move_occurrence(
        upcoming, by=coordinator, start=new_start, end=new_start + datetime.timedelta(minutes=90)
    )

    assert send(new_start - 23 * HOUR) == 1
    assert send(new_start - 23 * HOUR) == 0
    assert send(new_start - HOUR) == 0

    first, second = reminders()
    assert f"{upcoming.start.astimezone(LONDON):%H:%M}" in first.subject
    assert f"{new_start.astimezone(LONDON):%H:%M}" in second.subject
    assert f"{new_start.astimezone(LONDON):%H:%M}" in second.body


def test_occurrence_moved_before_its_reminder_is_reminded_once_at_the_new_time(
    member, coordinator, upcoming, send
):
    services.register_for_occurrence(member, upcoming)
    new_start = upcoming.start + datetime.timedelta(days=2)
    services.move_occurrence(
        upcoming, by=coordinator, start=new_start, end=new_start + datetime.timedelta(minutes=90)
    )

    assert send(upcoming.start - 23 * HOUR) == 0
    assert send(new_start - 23 * HOUR) == 1
    assert send(new_start - 22 * HOUR) == 0


def test_registering_again_after_cancelling_brings_a_reminder(member, upcoming, send):
    services.register_for_occurrence(member, upcoming)
    assert send(upcoming.start - 23 * HOUR) == 1
    services.cancel_registration(member, upcoming)
    services.register_for_occurrence(member, upcoming)

    assert send(upcoming.start - 22 * HOUR) == 1
    assert send(upcoming.start - 21 * HOUR) == 0


def test_each_registered_member_gets_their_own_reminder(upcoming, send):
    members = UserFactory.create_batch(3)
    for member in members:
        services.register_for_occurrence(member, upcoming)

    assert send(upcoming.start - 23 * HOUR) == 3
    assert send(upcoming.start - 23 * HOUR) == 0

    assert sorted(m.to[0] for m in reminders()) == sorted(m.email for m in members)


def test_management_command_sends_due_reminders_and_reports_the_count(
    member, django_capture_on_commit_callbacks
):
    start = timezone.now() + 2 * HOUR
    occurrence = first_occurrence(make_event(start=start))
    services.register_for_occurrence(member, occurrence)

    first, second = StringIO(), StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_event_reminders", stdout=first)
        call_command("send_event_reminders", stdout=second)

    assert first.getvalue().strip() == "1 reminder(s) sent."
    assert second.getvalue().strip() == "0 reminder(s) sent."
    assert [m.to for m in reminders()] == [[member.email]]


@pytest.mark.parametrize(("month", "utc_hour"), [(7, "11:30"), (1, "12:30")], ids=["BST", "GMT"])
def test_reminder_shows_uk_time_and_attaches_the_calendar_file(member, send, month, utc_hour):
    start = next_local(month, 15)
    occurrence = first_occurrence(make_event(start=start, minutes=60))
    services.register_for_occurrence(member, occurrence)

    assert send(start - 23 * HOUR) == 1

    (reminder,) = reminders()
    assert "12:30" in reminder.subject
    assert "12:30 to 13:30 (UK time)" in reminder.body
    assert f"{start:%-d %B %Y}" in reminder.body
    if utc_hour != "12:30":
        assert utc_hour not in reminder.body
        assert utc_hour not in reminder.subject
    (attachment,) = [a for a in reminder.attachments if a[0].endswith(".ics")]
    assert attachment[2] == "text/calendar"
    (vevent,) = Calendar.from_ical(attachment[1]).walk("VEVENT")
    assert str(vevent["UID"]) == ical.occurrence_uid(occurrence)
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert vevent.decoded("DTSTART") == start
