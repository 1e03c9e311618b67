"""Fixtures for the events tests: series built through the services, never by hand."""

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
from tests.factories import UserFactory

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
