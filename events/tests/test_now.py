"""Case services take `now`: a case's history is made through them, each step dated then."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from events import services
from events.exceptions import CaseError
from events.models import CaseStatus, EventKind
from events.scheduling import Recurrence
from members.tests.factories import UserFactory

from .factories import first_occurrence, make_event, soon

pytestmark = pytest.mark.django_db

CASE = services.CaseData(
    title="Breathlessness at home in a teenager with DMD",
    age_band="12_17",
    condition_group="act3",
    summary="A 15-year-old with Duchenne muscular dystrophy, increasingly breathless by day.",
    question="How should we plan for escalating breathlessness at home?",
)


@pytest.fixture
def past_session(facilitator):
    """An ECHO session held a month ago, in a programme whose hub team is `facilitator`."""
    start = soon(days=-30)
    event = make_event(
        title="Breathlessness ECHO",
        kind=EventKind.ECHO_SESSION,
        start=start,
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=(start + datetime.timedelta(days=20)).date(),
    )
    services.create_programme(
        name="Breathlessness ECHO",
        slug="breathlessness-echo",
        description="Case discussion about breathlessness.",
        series=event,
        cycle_start=start.date(),
        cycle_end=(start + datetime.timedelta(days=20)).date(),
        hub_team=[facilitator],
    )
    return first_occurrence(event)


def test_a_case_is_submitted_as_of_now_before_its_session(past_session):
    submitted = past_session.start - datetime.timedelta(days=16, hours=5)

    case = services.submit_case(UserFactory(), past_session, CASE, now=submitted)

    case.refresh_from_db()
    assert case.submitted_at == submitted
    assert case.status == CaseStatus.SUBMITTED


@pytest.mark.parametrize(
    "after_start",
    [datetime.timedelta(0), datetime.timedelta(minutes=1), datetime.timedelta(days=40)],
)
def test_no_case_as_of_a_moment_the_session_had_started(past_session, after_start):
    with pytest.raises(CaseError):
        services.submit_case(
            UserFactory(), past_session, CASE, now=past_session.start + after_start
        )


def test_review_recommendations_and_sending_are_dated_now(past_session, facilitator):
    start, end = past_session.start, past_session.end
    case = services.submit_case(
        UserFactory(), past_session, CASE, now=start - datetime.timedelta(days=16)
    )
    reviewed = start - datetime.timedelta(days=9, hours=3)
    written = [end - datetime.timedelta(minutes=35), end - datetime.timedelta(minutes=30)]
    sent = end + datetime.timedelta(days=1, hours=2)

    services.review_case(case, by=facilitator, decision="accept", now=reviewed)
    recommendations = [
        services.add_recommendation(case, by=facilitator, body=body, now=when)
        for body, when in zip(
            ("Start a breathlessness plan.", "Offer a fan."), written, strict=True
        )
    ]
    services.send_recommendations(case, by=facilitator, now=sent)

    case.refresh_from_db()
    assert (case.status, case.reviewed_at, case.recommendations_sent_at) == (
        CaseStatus.PRESENTED,
        reviewed,
        sent,
    )
    for recommendation in recommendations:
        recommendation.refresh_from_db()
    assert [r.created_at for r in recommendations] == written


def test_without_now_each_step_is_dated_the_present(session, facilitator):
    before = timezone.now()

    case = services.submit_case(UserFactory(), session, CASE)
    services.review_case(case, by=facilitator, decision="accept")
    recommendation = services.add_recommendation(case, by=facilitator, body="Offer a fan.")
    services.send_recommendations(case, by=facilitator)

    after = timezone.now()
    case.refresh_from_db()
    recommendation.refresh_from_db()
    for moment in (
        case.submitted_at,
        case.reviewed_at,
        case.recommendations_sent_at,
        recommendation.created_at,
    ):
        assert before <= moment <= after
