"""Builders for events' tests and for other apps' tests that need events objects: series
and ECHO programmes built through the services, never by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from events import services
from events.models import AttendanceMode, EventKind
from events.scheduling import Recurrence
from members import roles
from members.tests.factories import UserFactory

LONDON = ZoneInfo("Europe/London")


def london(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


def soon(days: int = 7, hour: int = 12, minute: int = 30) -> datetime.datetime:
    """A local time `days` from today, at hour:minute UK time."""
    day = (timezone.now() + datetime.timedelta(days=days)).astimezone(LONDON).date()
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=LONDON)


def make_event(
    *,
    title: str = "Pain assessment webinar",
    kind: str = EventKind.WEBINAR,
    start: datetime.datetime | None = None,
    minutes: int = 90,
    recurrence: str = Recurrence.NONE,
    repeat_until: datetime.date | None = None,
    **details,
):
    start = start or soon()
    data = services.EventData(
        title=title,
        kind=kind,
        start=start,
        end=start + datetime.timedelta(minutes=minutes),
        recurrence=recurrence,
        repeat_until=repeat_until,
        attendance_mode=details.pop("attendance_mode", AttendanceMode.ONLINE),
        video_link=details.pop("video_link", "https://meet.jit.si/network-commons-test"),
        cpd_hours=details.pop("cpd_hours", Decimal("1.5")),
        **details,
    )
    return services.create_event(data, by=None)


def first_occurrence(event):
    return event.occurrence_set.order_by("start").first()


def build_room(start_in=datetime.timedelta(minutes=5)):
    """An ECHO session opening now: a facilitator, two registered members, an accepted case."""
    facilitator = UserFactory(full_name="Fola Facilitator", roles=[roles.FACILITATORS])
    start = (timezone.now() + start_in).replace(second=0, microsecond=0)
    series = make_event(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        recurrence=Recurrence.NONE,
    )
    services.create_programme(
        name="Symptom management ECHO",
        slug="symptom-echo",
        description="",
        series=series,
        cycle_start=start.date(),
        cycle_end=start.date(),
        hub_team=[facilitator],
    )
    occurrence = series.occurrence_set.get()
    amy, ben = UserFactory(full_name="Amy Member"), UserFactory(full_name="Ben Member")
    for person in (amy, ben):
        services.register_for_occurrence(person, occurrence)
    case = services.submit_case(
        amy,
        occurrence,
        services.CaseData(
            title="Agitation at night",
            age_band="5_11",
            condition_group="act3",
            summary="A 9-year-old with Batten disease, agitated at night.",
            question="What can we add at home?",
        ),
    )
    services.review_case(case, by=facilitator, decision="accept")
    other_case = services.submit_case(
        ben,
        occurrence,
        services.CaseData(
            title="Not accepted",
            age_band="5_11",
            condition_group="act1",
            summary="Pending review.",
            question="?",
        ),
    )
    return {
        "occurrence": occurrence,
        "facilitator": facilitator,
        "amy": amy,
        "ben": ben,
        "case": case,
        "other_case": other_case,
    }


def events_for(member, coordinator):
    """An ECHO programme with a session, a registration and a case, for the events pages."""
    start = soon(days=5)
    series = make_event(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=(start + datetime.timedelta(days=100)).date(),
        description="<p>Monthly case discussion.</p>",
    )
    programme = services.create_programme(
        name="Symptom management ECHO",
        slug="symptom-echo",
        description="Monthly case discussion.",
        series=series,
        cycle_start=start.date(),
        cycle_end=(start + datetime.timedelta(days=100)).date(),
        hub_team=[coordinator],
    )
    session = series.occurrence_set.order_by("start").first()
    services.plan_session(session, didactic_topic="Breathlessness at home")
    services.register_for_occurrence(member, session)
    case = services.submit_case(
        member,
        session,
        services.CaseData(
            title="Breathlessness at home",
            age_band="12_17",
            condition_group="act3",
            summary="A 15-year-old with DMD, breathless at home.",
            question="How should we plan for escalation?",
        ),
    )
    return {"programme": programme, "session": session, "case": case}


def make_programme(
    name: str,
    *,
    start: datetime.datetime,
    until: datetime.date,
    recurrence: str = Recurrence.WEEKLY,
    minutes: int = 60,
    description: str = "Case discussion.",
    hub_team=(),
):
    """An ECHO programme named `name` whose sessions repeat from `start` to `until`; its
    slug is the name in lower case with hyphens."""
    series = make_event(
        title=name,
        kind=EventKind.ECHO_SESSION,
        start=start,
        minutes=minutes,
        recurrence=recurrence,
        repeat_until=until,
    )
    return services.create_programme(
        name=name,
        slug=name.lower().replace(" ", "-"),
        description=description,
        series=series,
        cycle_start=start.date(),
        cycle_end=until,
        hub_team=list(hub_team),
    )


def submit_sample_case(presenter, occurrence, title: str, **fields):
    """A de-identified case that `presenter` brings to `occurrence`, titled `title`."""
    data = {
        "age_band": "5_11",
        "condition_group": "act3",
        "summary": "A 7-year-old with a progressive neurological condition.",
        "question": "What next?",
        **fields,
    }
    return services.submit_case(presenter, occurrence, services.CaseData(title=title, **data))


# Shared fixtures, imported into events' conftest and into the tests of other apps that
# need an event (evaluation's conftest).


@pytest.fixture
def webinar():
    return make_event()


@pytest.fixture
def occurrence(webinar):
    return first_occurrence(webinar)


@pytest.fixture
def facilitator(db):
    return UserFactory(full_name="Fola Facilitator", roles=[roles.FACILITATORS])


@pytest.fixture
def echo(facilitator):
    """A monthly ECHO programme whose hub team is `facilitator`; returns the programme."""
    start = soon(days=10)
    event = make_event(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=(start + datetime.timedelta(days=150)).date(),
    )
    return services.create_programme(
        name="Symptom management ECHO",
        slug="symptom-management-echo",
        description="Monthly case discussion for community teams.",
        series=event,
        cycle_start=start.date(),
        cycle_end=(start + datetime.timedelta(days=150)).date(),
        hub_team=[facilitator],
    )


@pytest.fixture
def session(echo):
    return echo.series.occurrence_set.order_by("start").first()
