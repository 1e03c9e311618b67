"""Fixtures for the evaluation tests: events, attendance and answers built through the
services (the builders are in `factories.py`)."""

from __future__ import annotations

import pytest

from evaluation import services
from events import services as events
from events.models import EventKind
from events.scheduling import Recurrence
from events.tests.factories import (  # noqa: F401  (fixtures re-exposed to these tests)
    echo,
    facilitator,
    make_event,
    occurrence,
    session,
    webinar,
)
from members import roles
from members.tests.factories import UserFactory

from .factories import attend, days_ago, past_event


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
