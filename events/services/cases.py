"""Cases for ECHO sessions: submitting, editing, review, the agenda and recommendations."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from schedule.models import Occurrence

from core.emails import send_templated_email_on_commit
from core.pii import refuse_identifiers
from members.models import User

from .. import permissions
from ..exceptions import CaseError
from ..models import Case, CaseStatus, Recommendation
from ..queries import occurrence_is_open
from ._mail import base_url

CASE_TEXT_FIELDS = ("title", "summary", "question")


@dataclass(frozen=True)
class CaseData:
    title: str
    age_band: str
    condition_group: str
    summary: str
    question: str


def check_case_text(data: CaseData) -> None:
    """Refuse text with identifiers (IdentifiableTextError lists every finding by field)."""
    refuse_identifiers({field: getattr(data, field) for field in CASE_TEXT_FIELDS})


@transaction.atomic
def submit_case(
    member: User,
    occurrence: Occurrence,
    data: CaseData,
    *,
    now: datetime.datetime | None = None,
) -> Case:
    """Submit a de-identified case for an ECHO session; reviewers are told.

    `now` is the moment of submitting (the present by default): the session must not have
    started by then, and the case is dated then."""
    now = now or timezone.now()
    if not permissions.can_submit_case(member, occurrence):
        raise PermissionDenied
    if not occurrence_is_open(occurrence, now) or occurrence.start <= now:
        raise CaseError(_("Cases can only be submitted for sessions that have not started."))
    check_case_text(data)
    case = Case.objects.create(
        occurrence=occurrence,
        presenter=member,
        title=data.title.strip(),
        age_band=data.age_band,
        condition_group=data.condition_group,
        summary=data.summary.strip(),
        question=data.question.strip(),
        submitted_at=now,
    )
    reviewers = permissions.case_reviewers(occurrence)
    if reviewers:
        send_templated_email_on_commit(
            [reviewer.email for reviewer in reviewers],
            "events/email/case_submitted",
            {"case": case, "occurrence": occurrence, "base_url": base_url()},
        )
    return case


@transaction.atomic
def update_case(case: Case, data: CaseData, *, by: User) -> Case:
    """The presenter edits a case still under review; it goes back to "submitted"."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_edit_case(by, case):
        raise PermissionDenied
    if not occurrence_is_open(case.occurrence) or case.occurrence.start <= timezone.now():
        raise CaseError(_("This session has started, so the case can no longer be changed."))
    check_case_text(data)
    case.title = data.title.strip()
    case.age_band = data.age_band
    case.condition_group = data.condition_group
    case.summary = data.summary.strip()
    case.question = data.question.strip()
    case.status = CaseStatus.SUBMITTED
    case.save()
    return case


class ReviewDecision:
    ACCEPT = "accept"
    REQUEST_CHANGES = "request_changes"
    DECLINE = "decline"
    ALL = (ACCEPT, REQUEST_CHANGES, DECLINE)


@transaction.atomic
def review_case(
    case: Case,
    *,
    by: User,
    decision: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Case:
    """Accept (onto the end of the agenda), ask for changes or decline; the presenter is told.

    The review is dated `now` (the present by default)."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    if decision not in ReviewDecision.ALL:
        raise CaseError(_("Choose accept, ask for changes or decline."))
    if case.status not in {CaseStatus.SUBMITTED, CaseStatus.CHANGES_REQUESTED}:
        raise CaseError(_("This case has already been decided."))
    note = note.strip()
    if decision != ReviewDecision.ACCEPT and not note:
        raise CaseError(_("Tell the presenter what to change or why the case is declined."))
    if decision == ReviewDecision.ACCEPT:
        last = Case.objects.filter(occurrence=case.occurrence).aggregate(
            last=Max("agenda_position")
        )["last"]
        case.status = CaseStatus.ACCEPTED
        case.agenda_position = (last or 0) + 1
    elif decision == ReviewDecision.REQUEST_CHANGES:
        case.status = CaseStatus.CHANGES_REQUESTED
    else:
        case.status = CaseStatus.DECLINED
    case.review_note = note
    case.reviewed_by = by
    case.reviewed_at = now or timezone.now()
    case.save()
    send_templated_email_on_commit(
        [case.presenter.email],
        "events/email/case_reviewed",
        {"case": case, "base_url": base_url()},
    )
    return case


@transaction.atomic
def move_case_on_agenda(case: Case, *, by: User, offset: int) -> None:
    """Swap an accepted case with its neighbour (offset -1 earlier, +1 later)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    if case.agenda_position is None or offset not in (-1, 1):
        raise CaseError(_("Only accepted cases can be moved on the agenda."))
    agenda = list(
        Case.objects.select_for_update()
        .filter(occurrence_id=case.occurrence_id, agenda_position__isnull=False)
        .order_by("agenda_position")
    )
    index = next(i for i, item in enumerate(agenda) if item.pk == case.pk)
    other = index + offset
    if not 0 <= other < len(agenda):
        return
    agenda[index], agenda[other] = agenda[other], agenda[index]
    Case.objects.filter(pk__in=[item.pk for item in agenda]).update(agenda_position=None)
    for position, item in enumerate(agenda, start=1):
        Case.objects.filter(pk=item.pk).update(agenda_position=position)


@transaction.atomic
def add_recommendation(
    case: Case, *, by: User, body: str, now: datetime.datetime | None = None
) -> Recommendation:
    """A facilitator records what the panel recommends for the case, dated `now` (the present
    by default)."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise CaseError(_("Write the recommendation."))
    if len(body) > 2000:
        raise CaseError(_("A recommendation can be at most 2,000 characters."))
    if case.status not in {CaseStatus.ACCEPTED, CaseStatus.PRESENTED}:
        raise CaseError(_("Recommendations can only be added to accepted cases."))
    refuse_identifiers({"body": body})
    return Recommendation.objects.create(
        case=case, author=by, body=body, created_at=now or timezone.now()
    )


@transaction.atomic
def send_recommendations(case: Case, *, by: User, now: datetime.datetime | None = None) -> Case:
    """Mark the case presented and e-mail the presenter the panel's recommendations.

    They are dated as sent `now` (the present by default)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    recommendations = list(case.recommendations.all())
    if not recommendations:
        raise CaseError(_("Add at least one recommendation before sending them."))
    case.status = CaseStatus.PRESENTED
    case.recommendations_sent_at = now or timezone.now()
    case.save(update_fields=["status", "recommendations_sent_at", "updated_at"])
    send_templated_email_on_commit(
        [case.presenter.email],
        "events/email/recommendations",
        {"case": case, "recommendations": recommendations, "base_url": base_url()},
    )
    return case
