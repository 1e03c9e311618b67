"""Calendar files round-trip through `icalendar`: the public feed, downloads, personal feeds."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from events import ical, scheduling, services
from events.models import CalendarFeed, RegistrationStatus
from events.scheduling import Recurrence
from members.tests.factories import UserFactory

from .factories import LONDON, first_occurrence, london, make_event

pytestmark = pytest.mark.django_db

# The series runs January to June of next year, so it is always ahead (registration needs
# that) and always spans the switch to BST on the last Sunday of March. In 2026 this is the
# 2027 series starting on 12 January.
YEAR = timezone.now().year + 1
SECRET_LINK = "https://meet.jit.si/network-commons-secret-room-4821"
NETWORK_FEED = "/events/calendar.ics"


def second_tuesday(month: int) -> datetime.date:
    eighth = datetime.date(YEAR, month, 8)
    return eighth + datetime.timedelta(days=(1 - eighth.weekday()) % 7)


def monthly_series(**details):
    """Second Tuesday of each month at 12:30, January to June of next year."""
    return make_event(
        title="Symptom management ECHO",
        start=london(YEAR, 1, second_tuesday(1).day, 12, 30),
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=datetime.date(YEAR, 6, 30),
        **details,
    )


def occurrences_of(event):
    return list(event.occurrence_set.order_by("start"))


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents_by_uid(calendar: Calendar) -> dict[str, object]:
    vevents = calendar.walk("VEVENT")
    by_uid = {str(vevent["UID"]): vevent for vevent in vevents}
    assert len(by_uid) == len(vevents), "UIDs must be unique"
    return by_uid


def unfolded(content: bytes) -> str:
    """The calendar text with RFC 5545 line folding undone, so long values can be searched."""
    return content.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def member_text(vevent) -> str:
    return f"{vevent.get('DESCRIPTION', '')} {vevent.get('LOCATION', '')}"


def feed_url(token: str) -> str:
    return reverse("events:personal_feed", args=[token])


# --- The network feed -------------------------------------------------------------------------


def test_network_feed_lists_each_occurrence_at_local_time_across_dst(client):
    event = monthly_series()
    occurrences = occurrences_of(event)
    assert len(occurrences) == 6

    calendar = parse(client.get(NETWORK_FEED))

    by_uid = vevents_by_uid(calendar)
    assert set(by_uid) == {ical.occurrence_uid(o) for o in occurrences}
    starts = []
    for occurrence in occurrences:
        vevent = by_uid[ical.occurrence_uid(occurrence)]
        assert vevent["DTSTART"].params["TZID"] == "Europe/London"
        assert vevent["DTEND"].params["TZID"] == "Europe/London"
        start = vevent.decoded("DTSTART")
        assert start == occurrence.start
        assert str(vevent["SUMMARY"]) == "Symptom management ECHO"
        starts.append(start)
    assert [s.date() for s in starts] == [second_tuesday(month) for month in range(1, 7)]
    assert {(s.hour, s.minute) for s in starts} == {(12, 30)}
    # March is still GMT, April is BST: same wall-clock time, different offsets.
    assert starts[2].utcoffset() == datetime.timedelta(0)
    assert starts[3].utcoffset() == datetime.timedelta(hours=1)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_network_feed_uids_are_stable_between_fetches(client):
    monthly_series()

    first = vevents_by_uid(parse(client.get(NETWORK_FEED)))
    second = vevents_by_uid(parse(client.get(NETWORK_FEED)))

    assert len(first) == 6
    assert set(first) == set(second)


def test_network_feed_shows_cancelled_and_moved_occurrences(client, coordinator):
    event = monthly_series()
    january, february, march, *_rest = occurrences_of(event)
    services.cancel_occurrence(february, by=coordinator, reason="Study leave")
    new_start = london(YEAR, 3, second_tuesday(3).day + 7, 14, 0)
    services.move_occurrence(
        march, by=coordinator, start=new_start, end=new_start + datetime.timedelta(minutes=90)
    )

    by_uid = vevents_by_uid(parse(client.get(NETWORK_FEED)))

    assert len(by_uid) == 6
    assert str(by_uid[ical.occurrence_uid(january)]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[ical.occurrence_uid(february)]["STATUS"]) == "CANCELLED"
    moved = by_uid[ical.occurrence_uid(march)]
    assert str(moved["STATUS"]) == "CONFIRMED"
    assert moved.decoded("DTSTART") == new_start
    assert moved.decoded("DTEND") == new_start + datetime.timedelta(minutes=90)
    assert moved["DTSTART"].params["TZID"] == "Europe/London"


# --- The video link stays with members -----------------------------------------------------


def test_network_feed_never_contains_the_video_link(client):
    monthly_series(video_link=SECRET_LINK)

    response = client.get(NETWORK_FEED)

    assert "meet.jit.si" not in unfolded(response.content)
    for vevent in parse(response).walk("VEVENT"):
        assert "meet.jit.si" not in member_text(vevent)


def test_occurrence_download_keeps_the_video_link_for_those_registered(member_client, member):
    occurrence = first_occurrence(monthly_series(video_link=SECRET_LINK))
    url = reverse("events:occurrence_ics", args=[occurrence.pk])
    (unregistered,) = parse(member_client.get(url)).walk("VEVENT")
    assert SECRET_LINK not in str(unregistered["DESCRIPTION"])
    services.register_for_occurrence(member, occurrence)

    response = member_client.get(url)

    assert 'filename="event-' in response["Content-Disposition"]
    (vevent,) = parse(response).walk("VEVENT")
    assert str(vevent["UID"]) == ical.occurrence_uid(occurrence)
    assert SECRET_LINK in str(vevent["DESCRIPTION"])
    assert vevent.decoded("DTSTART") == occurrence.start
    assert vevent.decoded("DTSTART").astimezone(LONDON).time() == datetime.time(12, 30)


def test_occurrence_download_sends_visitors_to_log_in(client):
    occurrence = first_occurrence(monthly_series(video_link=SECRET_LINK))

    response = client.get(reverse("events:occurrence_ics", args=[occurrence.pk]))

    assert response.status_code == 302
    assert response.url.startswith(reverse("members:login"))
    assert SECRET_LINK.encode() not in response.content


@pytest.mark.parametrize("fixture", ["pending_user", "declined_user"])
def test_occurrence_download_refuses_unapproved_accounts(client, request, fixture):
    occurrence = first_occurrence(monthly_series(video_link=SECRET_LINK))
    client.force_login(request.getfixturevalue(fixture))

    response = client.get(reverse("events:occurrence_ics", args=[occurrence.pk]))

    assert response.status_code == 403
    assert SECRET_LINK.encode() not in response.content


# --- Personal feeds ---------------------------------------------------------------------------


def test_personal_feed_lists_only_occurrences_with_a_place(client, member):
    occurrences = occurrences_of(monthly_series(video_link=SECRET_LINK))
    registered, cancelled, not_registered = occurrences[0], occurrences[1], occurrences[2]
    services.register_for_occurrence(member, registered)
    services.register_for_occurrence(member, cancelled)
    services.cancel_registration(member, cancelled)
    full = first_occurrence(
        make_event(title="Full study day", start=london(YEAR, 2, 3, 9, 30), capacity=1)
    )
    services.register_for_occurrence(UserFactory(), full)
    waiting = services.register_for_occurrence(member, full)
    assert waiting.status == RegistrationStatus.WAITING

    response = client.get(feed_url(services.feed_for(member).token))

    by_uid = vevents_by_uid(parse(response))
    assert set(by_uid) == {ical.occurrence_uid(registered)}
    assert ical.occurrence_uid(not_registered) not in by_uid
    vevent = by_uid[ical.occurrence_uid(registered)]
    assert SECRET_LINK in str(vevent["DESCRIPTION"])
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"


def test_personal_feed_shows_a_cancelled_occurrence_as_cancelled(client, member, coordinator):
    occurrence = first_occurrence(monthly_series())
    services.register_for_occurrence(member, occurrence)
    services.cancel_occurrence(occurrence, by=coordinator)

    by_uid = vevents_by_uid(parse(client.get(feed_url(services.feed_for(member).token))))

    assert str(by_uid[ical.occurrence_uid(occurrence)]["STATUS"]) == "CANCELLED"


def test_personal_feed_of_someone_else_is_not_mixed_in(client, member):
    other = UserFactory()
    mine, theirs = occurrences_of(monthly_series())[:2]
    services.register_for_occurrence(member, mine)
    services.register_for_occurrence(other, theirs)

    by_uid = vevents_by_uid(parse(client.get(feed_url(services.feed_for(member).token))))

    assert set(by_uid) == {ical.occurrence_uid(mine)}


@pytest.mark.parametrize(
    "token",
    [
        "unknown-token",
        "a" * 43,
        "a" * 65,
        "a" * 1000,
        "' OR '1'='1",
        "%00",
    ],
)
def test_unknown_personal_feed_token_is_not_found(client, member, token):
    services.feed_for(member)

    response = client.get(feed_url(token))

    assert response.status_code == 404


def test_over_long_token_that_starts_with_a_real_one_is_not_found(client, member):
    token = services.feed_for(member).token

    assert client.get(feed_url(token + "x" * (65 - len(token)))).status_code == 404
    assert client.get(feed_url(token + "x" * 200)).status_code == 404
    assert client.get(feed_url(token)).status_code == 200


def test_resetting_the_feed_retires_the_old_address(member_client, member):
    old_token = services.feed_for(member).token
    assert member_client.get(feed_url(old_token)).status_code == 200

    response = member_client.post(reverse("events:reset_feed"))

    assert response.status_code == 302
    new_token = CalendarFeed.objects.get(member=member).token
    assert new_token != old_token
    assert member_client.get(feed_url(old_token)).status_code == 404
    assert member_client.get(feed_url(new_token)).status_code == 200


def test_resetting_the_feed_needs_a_post(member_client, member):
    token = services.feed_for(member).token

    response = member_client.get(reverse("events:reset_feed"))

    assert response.status_code == 405
    assert CalendarFeed.objects.get(member=member).token == token


@pytest.mark.parametrize("fixture", ["pending_user", "declined_user"])
def test_feed_of_an_unapproved_account_is_not_found(client, request, fixture):
    user = request.getfixturevalue(fixture)

    assert client.get(feed_url(services.feed_for(user).token)).status_code == 404


def test_feed_of_a_deactivated_member_is_not_found(client, member):
    token = services.feed_for(member).token
    member.is_active = False
    member.save(update_fields=["is_active"])

    assert client.get(feed_url(token)).status_code == 404


# --- The registration e-mail ------------------------------------------------------------------


@pytest.mark.parametrize(
    "start",
    [london(YEAR, 1, 12, 12, 30), london(YEAR, 7, 13, 12, 30)],
    ids=["GMT", "BST"],
)
def test_registration_email_carries_a_calendar_file(
    member, django_capture_on_commit_callbacks, start
):
    occurrence = first_occurrence(make_event(start=start, video_link=SECRET_LINK))

    with django_capture_on_commit_callbacks(execute=True):
        services.register_for_occurrence(member, occurrence)

    (message,) = mail.outbox
    assert message.to == [member.email]
    attachments = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attachments) == 1
    filename, content, mimetype = attachments[0]
    assert mimetype == "text/calendar"
    (vevent,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["UID"]) == ical.occurrence_uid(occurrence)
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    dtstart = vevent.decoded("DTSTART")
    assert dtstart == start
    assert (dtstart.astimezone(LONDON).hour, dtstart.astimezone(LONDON).minute) == (12, 30)
    assert SECRET_LINK in str(vevent["DESCRIPTION"])
    assert scheduling.local(start).strftime("%H:%M") in message.body
