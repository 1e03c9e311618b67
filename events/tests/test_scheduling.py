"""Recurring series stay at their local time across daylight saving, in the database and feeds."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from schedule.models import Occurrence

from events import scheduling, services
from events.models import EventKind
from events.scheduling import Recurrence
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def monthly_echo(start=None, until=datetime.date(2027, 6, 30), **overrides):
    start = start or london(2027, 1, 12, 12, 30)  # the second Tuesday of January 2027
    data = services.EventData(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        end=start + datetime.timedelta(minutes=90),
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=until,
        **overrides,
    )
    return services.create_event(data, by=None)


def test_second_tuesday_series_keeps_1230_local_time_across_dst():
    event = monthly_echo()
    occurrences = list(Occurrence.objects.filter(event=event).order_by("start"))
    local_starts = [o.start.astimezone(LONDON) for o in occurrences]
    assert [s.date() for s in local_starts] == [
        datetime.date(2027, 1, 12),
        datetime.date(2027, 2, 9),
        datetime.date(2027, 3, 9),
        datetime.date(2027, 4, 13),  # first session in BST (clocks change 28 March 2027)
        datetime.date(2027, 5, 11),
        datetime.date(2027, 6, 8),
    ]
    assert {(s.hour, s.minute) for s in local_starts} == {(12, 30)}
    assert {o.end - o.start for o in occurrences} == {datetime.timedelta(minutes=90)}
    # In UTC the BST sessions start an hour earlier.
    utc = [o.start.astimezone(datetime.UTC) for o in occurrences]
    assert (utc[2].hour, utc[3].hour) == (12, 11)


def test_series_crossing_back_into_gmt():
    event = monthly_echo(start=london(2027, 9, 14, 12, 30), until=datetime.date(2027, 12, 31))
    starts = [
        o.start.astimezone(LONDON) for o in Occurrence.objects.filter(event=event).order_by("start")
    ]
    assert [s.date().month for s in starts] == [9, 10, 11, 12]
    assert {(s.hour, s.minute) for s in starts} == {(12, 30)}


def test_materialising_twice_adds_nothing():
    event = monthly_echo()
    count = Occurrence.objects.filter(event=event).count()
    assert scheduling.materialise(event) == 0
    assert Occurrence.objects.filter(event=event).count() == count


def test_weekly_and_monthly_date_rules():
    weekly = services.create_event(
        services.EventData(
            title="Weekly huddle",
            kind=EventKind.WEBINAR,
            start=london(2027, 3, 22, 9, 0),
            end=london(2027, 3, 22, 9, 30),
            recurrence=Recurrence.WEEKLY,
            repeat_until=datetime.date(2027, 4, 5),
        ),
        by=None,
    )
    starts = [o.start.astimezone(LONDON) for o in weekly.occurrence_set.order_by("start")]
    assert [(s.day, s.hour) for s in starts] == [(22, 9), (29, 9), (5, 9)]


def test_last_weekday_of_month():
    # 30 March 2027 is the fifth (last) Tuesday of March.
    assert scheduling.week_of_month(datetime.date(2027, 3, 30)) == -1
    assert scheduling.rule_params(Recurrence.MONTHLY_WEEKDAY, london(2027, 3, 30, 12, 30)) == (
        "MONTHLY",
        "byweekday:TU;bysetpos:-1",
    )


def test_open_ended_series_is_materialised_to_the_horizon():
    event = monthly_echo(until=None)
    last = Occurrence.objects.filter(event=event).order_by("-start").first()
    assert last.start > london(2027, 12, 1)
    assert last.start.astimezone(LONDON).hour == 12


def test_describe_event():
    event = monthly_echo()
    assert scheduling.describe_event(event) == "Second Tuesday of each month, 12:30–14:00"


def test_changing_the_series_time_keeps_registrations_and_skips_moved_sessions():
    coordinator = UserFactory(roles=["Coordinators"])
    event = monthly_echo(start=london(2027, 1, 12, 12, 30), until=datetime.date(2027, 4, 30))
    first, second, third, fourth = event.occurrence_set.order_by("start")
    member = UserFactory()
    services.register_for_occurrence(member, second)
    services.move_occurrence(
        third, by=coordinator, start=london(2027, 3, 10, 15, 0), end=london(2027, 3, 10, 16, 30)
    )
    data = services.EventData(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=london(2027, 1, 12, 13, 0),
        end=london(2027, 1, 12, 14, 30),
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=datetime.date(2027, 4, 30),
    )
    services.update_event(event, data, by=coordinator)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.start.astimezone(LONDON).hour == 13
    assert second.registrations.filter(member=member).exists()
    assert third.start.astimezone(LONDON).hour == 15  # moved by hand, left alone
    starts = sorted(o.start.astimezone(LONDON) for o in event.occurrence_set.all())
    assert len(starts) == 4


def test_a_series_with_occurrences_can_be_deleted():
    event = monthly_echo()
    assert Occurrence.objects.filter(event=event).count() == 6
    event.delete()
    assert not Occurrence.objects.exists()
