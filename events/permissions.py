"""Who may do what with events, sessions and cases. One predicate per rule."""

from __future__ import annotations

from typing import Any

from schedule.models import Occurrence

from members import permissions as members
from members.models import User

from .models import Case, CaseStatus, EventKind, Registration, RegistrationStatus


def can_view_calendar(user: Any) -> bool:
    return members.is_approved_member(user)


def can_manage_events(user: Any) -> bool:
    """Create, edit, cancel and move events."""
    return members.is_coordinator(user)


def programme_of(occurrence: Occurrence):
    return getattr(occurrence.event, "echo_programme", None)


_HUB_TEAM_CACHE = "_network_hub_team_ids"


def hub_team_ids(programme) -> frozenset[int]:
    """Ids of the programme's hub team, read once per programme object: a page asks
    several predicates about the same session. Objects live for one request (a consumer
    reads its occurrence afresh); `forget_hub_team` drops the ids after the team changes."""
    cached = getattr(programme, _HUB_TEAM_CACHE, None)
    if cached is None:
        cached = frozenset(programme.hub_team.values_list("pk", flat=True))
        setattr(programme, _HUB_TEAM_CACHE, cached)
    return cached


def forget_hub_team(programme) -> None:
    if hasattr(programme, _HUB_TEAM_CACHE):
        delattr(programme, _HUB_TEAM_CACHE)


def is_session_facilitator(user: Any, occurrence: Occurrence) -> bool:
    """A facilitator in the hub team of the occurrence's ECHO programme."""
    programme = programme_of(occurrence)
    if programme is None or not members.is_facilitator(user):
        return False
    return user.pk in hub_team_ids(programme)


def can_manage_programme(user: Any, programme) -> bool:
    """Coordinators, and the programme's own facilitators, plan its curriculum."""
    if members.is_coordinator(user):
        return True
    return members.is_facilitator(user) and user.pk in hub_team_ids(programme)


def can_take_register(user: Any, occurrence: Occurrence) -> bool:
    """Coordinators mark attendance for any event; facilitators for their own sessions."""
    return members.is_coordinator(user) or is_session_facilitator(user, occurrence)


def is_echo_session(occurrence: Occurrence) -> bool:
    details = getattr(occurrence.event, "details", None)
    return details is not None and details.kind == EventKind.ECHO_SESSION


def can_submit_case(user: Any, occurrence: Occurrence) -> bool:
    return members.is_approved_member(user) and is_echo_session(occurrence)


def can_review_cases_for(user: Any, occurrence: Occurrence) -> bool:
    return members.is_coordinator(user) or is_session_facilitator(user, occurrence)


def can_review_case(user: Any, case: Case) -> bool:
    return can_review_cases_for(user, case.occurrence)


def can_view_case(user: Any, case: Case) -> bool:
    """The presenter and the session's reviewers see a case in full."""
    if not members.is_approved_member(user):
        return False
    return case.presenter_id == user.pk or can_review_case(user, case)


def can_edit_case(user: Any, case: Case) -> bool:
    return (
        members.is_approved_member(user)
        and case.presenter_id == user.pk
        and case.status in {CaseStatus.SUBMITTED, CaseStatus.CHANGES_REQUESTED}
    )


def can_see_joining_link(user: Any, occurrence: Occurrence) -> bool:
    """The video-call link goes to those registered, the session's reviewers and coordinators."""
    if can_manage_events(user) or can_review_cases_for(user, occurrence):
        return True
    return (
        members.is_approved_member(user)
        and Registration.objects.filter(
            occurrence=occurrence, member=user, status=RegistrationStatus.REGISTERED
        ).exists()
    )


def can_see_session_cases(user: Any, occurrence: Occurrence) -> bool:
    """Accepted cases on the agenda are shown to those taking part in the session."""
    if can_review_cases_for(user, occurrence):
        return True
    return (
        members.is_approved_member(user)
        and Registration.objects.filter(
            occurrence=occurrence, member=user, status=RegistrationStatus.REGISTERED
        ).exists()
    )


def case_reviewers(occurrence: Occurrence) -> list[User]:
    """Who is told about a new case: the programme's facilitators, else the coordinators."""
    programme = programme_of(occurrence)
    facilitators = (
        list(programme.hub_team.filter(approval_status="approved", is_active=True))
        if programme
        else []
    )
    if facilitators:
        return facilitators
    return list(
        User.objects.filter(groups__name="Coordinators", approval_status="approved", is_active=True)
    )
