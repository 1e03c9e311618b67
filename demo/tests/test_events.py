"""The events demo data: a believable calendar, history on both sides of DST, and idempotence."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core.pii import find_identifiers
from demo.loaders import events as demo_network
from events import queries, services
from events.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Case,
    CaseStatus,
    EchoProgramme,
    EventDetails,
    EventKind,
    Registration,
    RegistrationStatus,
)
from members.models import User
from members.tests.factories import UserFactory

from .factories import LONDON, load, snapshot

pytestmark = pytest.mark.django_db


def test_running_twice_gives_exactly_the_same_data(loaded_demo):
    first_output = loaded_demo
    first = snapshot()
    second_output = load()
    second = snapshot()

    assert second == first
    assert first_output == second_output
    # The evaluation demo adds one more ECHO series and programme, whose cycle has ended.
    assert len(first["events"]) == len(demo_network.EVENTS) + 1
    assert len(first["programmes"]) == len(demo_network.PROGRAMMES) + 1
    assert first["registrations"] and first["attendance"] and first["cases"]
    # One summary line per step.
    for line in ("events,", "registrations (", "attendance records (", "cases ("):
        assert line in first_output


def test_a_rerun_restores_the_demo_events_and_programmes(loaded_demo):
    expected = snapshot()
    details = EventDetails.objects.get(kind=EventKind.STUDY_DAY)
    details.capacity = 10
    details.description = "<p>Changed by hand.</p>"
    details.save()
    programme = EchoProgramme.objects.get(slug="symptom-management-echo")
    programme.description = "Changed by hand."
    programme.save()
    programme.hub_team.clear()

    load()

    assert snapshot() == expected


def test_echo_sessions_stay_at_1230_london_time_past_and_future_across_dst(loaded_demo):
    now = timezone.now()
    slugs = [spec.slug for spec in demo_network.PROGRAMMES]
    for programme in EchoProgramme.objects.filter(slug__in=slugs).select_related("series__details"):
        assert programme.series.details.kind == EventKind.ECHO_SESSION
        assert programme.series.details.video_link.startswith("https://")
        assert programme.series.details.cpd_hours == 1.5
        assert programme.hub_team.filter(email="facilitator@demo.example").exists()
        assert programme.hub_team.count() == 2
        sessions = list(queries.programme_sessions(programme))
        assert len(sessions) == 12
        local_starts = [s.start.astimezone(LONDON) for s in sessions]
        assert {(s.hour, s.minute) for s in local_starts} == {(12, 30)}
        assert {s.end - s.start for s in sessions} == {datetime.timedelta(minutes=90)}
        # Sessions in both GMT and BST, so the series crosses a clock change.
        assert {s.utcoffset() for s in local_starts} == {
            datetime.timedelta(0),
            datetime.timedelta(hours=1),
        }
        assert any(s.end <= now for s in sessions)
        assert any(s.start > now for s in sessions)
        # Every session that takes place has its didactic topic.
        for session in sessions:
            if not session.cancelled:
                assert session.session_plan.didactic_topic


def test_the_calendar_has_every_kind_of_event(loaded_demo):
    kinds = set(EventDetails.objects.values_list("kind", flat=True))
    assert kinds == set(EventKind.values)
    study_day = EventDetails.objects.get(kind=EventKind.STUDY_DAY)
    assert study_day.venue.startswith("Brackenfield Special School")
    assert study_day.capacity == 40
    conference = EventDetails.objects.get(kind=EventKind.CONFERENCE)
    assert (conference.attendance_mode, conference.capacity) == ("hybrid", 150)


def test_there_is_a_waiting_list(loaded_demo):
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITING)
    assert waiting.count() == 2
    occurrence = waiting.first().occurrence
    confirmed = Registration.objects.filter(occurrence=occurrence).confirmed().count()
    assert confirmed == occurrence.event.details.capacity
    positions = sorted(queries.waiting_position(r) for r in waiting)
    assert positions == [1, 2]


def test_the_demo_nurse_attended_most_past_symptom_sessions(loaded_demo):
    nurse = User.objects.get(email="nurse@demo.example")
    programme = EchoProgramme.objects.get(slug="symptom-management-echo")
    summary = queries.cycle_summary(nurse, programme)

    assert queries.attended_minutes(nurse) > 0
    assert summary.held >= 1
    assert summary.attended > summary.held / 2
    # Present, absent and excused all appear, and one record was corrected with a reason.
    statuses = set(Attendance.objects.values_list("status", flat=True))
    assert statuses == set(AttendanceStatus.values)
    assert AttendanceChange.objects.exclude(old_status="").filter(reason__gt="").exists()
    assert Attendance.objects.present().filter(minutes__lt=90).exists()


def test_cases_in_every_state_of_review(loaded_demo):
    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        CaseStatus.SUBMITTED,
        CaseStatus.ACCEPTED,
        CaseStatus.CHANGES_REQUESTED,
        CaseStatus.PRESENTED,
    } <= statuses

    presented = Case.objects.filter(status=CaseStatus.PRESENTED)
    now = timezone.now()
    for case in presented:
        assert case.occurrence.end <= now
        assert 2 <= case.recommendations.count() <= 3
        assert case.recommendations_sent_at is not None
        assert case.recommendations_sent_at > case.occurrence.end
        assert case.agenda_position == 1
        assert case.presenter.attendance.filter(
            occurrence=case.occurrence, status=AttendanceStatus.PRESENT
        ).exists()

    nurse_case = Case.objects.get(presenter__email="nurse@demo.example")
    assert nurse_case.status == CaseStatus.SUBMITTED
    assert nurse_case.occurrence.event.title == "Symptom management ECHO"
    assert nurse_case.occurrence.start > now
    accepted = Case.objects.get(status=CaseStatus.ACCEPTED)
    assert accepted.occurrence == nurse_case.occurrence
    assert accepted.agenda_position == 1
    assert Case.objects.get(status=CaseStatus.CHANGES_REQUESTED).review_note
    # Presenters of upcoming cases have a place at their session.
    for case in Case.objects.filter(occurrence__start__gt=now):
        assert Registration.objects.filter(
            occurrence=case.occurrence, member=case.presenter
        ).exists()


def test_every_case_passes_the_identifier_check(loaded_demo):
    texts = [
        getattr(case, field) for case in Case.objects.all() for field in services.CASE_TEXT_FIELDS
    ]
    texts += [
        getattr(spec.data, field)
        for spec in demo_network.CASES
        for field in services.CASE_TEXT_FIELDS
    ]
    assert texts
    for text in texts:
        assert find_identifiers(text) == [], text


def test_only_demo_accounts_take_part():
    UserFactory(email="real.person@nhs.example")  # approved, clinical, not a demo account
    load()
    assert not Registration.objects.exclude(member__email__endswith="@demo.example").exists()
    assert not Attendance.objects.exclude(member__email__endswith="@demo.example").exists()
