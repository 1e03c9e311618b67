"""Fixtures for the evaluation tests: events, attendance and answers built through the services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from evaluation import services
from evaluation.models import SurveyKind
from events import services as events
from events.models import AttendanceStatus, EventKind
from events.scheduling import Recurrence
from events.tests.conftest import (  # noqa: F401  (fixtures re-exposed to these tests)
    LONDON,
    echo,
    facilitator,
    first_occurrence,
    london,
    make_event,
    occurrence,
    session,
    soon,
    webinar,
)
from members import roles
from tests.factories import UserFactory


def days_ago(days: int, hour: int = 12, minute: int = 30) -> datetime.datetime:
    """A local time `days` before today, at hour:minute UK time."""
    return soon(days=-days, hour=hour, minute=minute)


def past_event(days: int, *, title: str = "Pain assessment webinar", **kwargs):
    """A one-off event that started `days` ago and has ended; returns its occurrence."""
    return first_occurrence(make_event(title=title, start=days_ago(days), **kwargs))


def attend(held, member, *, by, status=AttendanceStatus.PRESENT, minutes=None):
    """Mark `member` on the register of `held` (present for its whole length by default)."""
    return events.record_attendance(held, member, status=status, minutes=minutes, by=by)


def register_in_the_past(member, held):
    """Register `member` as they could have done the day before `held` started."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: held.start - datetime.timedelta(days=1))
        return events.register_for_occurrence(member, held)


@pytest.fixture
def coordinator(db):
    """A coordinator outside any organisation, so network figures count only the test's own."""
    return UserFactory(
        full_name="Cora Coordinator",
        email="cora@test.example",
        organisation=None,
        roles=[roles.COORDINATORS],
    )


@pytest.fixture
def ended_session(db):
    """An ECHO session (no programme) that started 3 days ago and has ended."""
    return past_event(3, title="Case discussion ECHO", kind=EventKind.ECHO_SESSION)


@pytest.fixture
def feedback_ask(member, coordinator, ended_session):
    attend(ended_session, member, by=coordinator)
    return services.occurrence_ask(member, ended_session)


@pytest.fixture
def past_echo(facilitator):  # noqa: F811  (the re-exposed fixture)
    """A monthly ECHO programme whose cycle ran from ~150 to ~20 days ago."""
    start = days_ago(150)
    until = days_ago(20).date()
    event = make_event(
        title="Symptom management ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=until,
    )
    return events.create_programme(
        name="Symptom management ECHO",
        slug="symptom-management-echo",
        description="Monthly case discussion for community teams.",
        series=event,
        cycle_start=start.date(),
        cycle_end=until,
        hub_team=[facilitator],
    )


def post_ask(member, programme, now=None):
    return services.cycle_ask(member, programme, SurveyKind.POST_CONFIDENCE, now)
