"""Every change to guidelines, endorsements and uptake, as verbs.

Publishing happens only through the Wagtail workflow "Guideline endorsement".
`record_endorsement` runs when that workflow finishes; `submit_for_endorsement`,
`approve_step` and `request_changes` drive the workflow the same way the admin
does, for commands, demo data and tests.
"""

from __future__ import annotations

import contextvars
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Revision, TaskState, WorkflowState

from core.emails import send_templated_email_on_commit
from members import roles
from members.models import Organisation, User

from . import permissions, queries
from .models import (
    Acknowledgement,
    Adoption,
    AdoptionChange,
    AdoptionStatus,
    EndorsedVersion,
    EndorsementApproval,
    GuidelinePage,
    ReviewReminder,
)

WORKFLOW_NAME = "Guideline endorsement"
REASON_MAX_LENGTH = 2000


class GuidelineError(Exception):
    """A request the rules refuse; the message is fit to show the member."""


# The endorsement workflow


def endorsement_workflow():
    from wagtail.models import Workflow

    return Workflow.objects.get(name=WORKFLOW_NAME)


@transaction.atomic
def submit_for_endorsement(page: GuidelinePage, user: User) -> WorkflowState:
    """Save the page's current content as a revision and start the workflow on it."""
    if page.workflow_in_progress:
        raise GuidelineError(_("This guideline is already in review."))
    current = page.current_workflow_state
    if current is not None and current.status == WorkflowState.STATUS_NEEDS_CHANGES:
        # Resubmitted after changes were asked for: every step reviews it again, in order.
        page.save_revision(user=user)
        current.resume(user)
        return current
    workflow = page.get_workflow()
    if workflow is None:
        raise GuidelineError(_("No endorsement workflow is assigned to this guideline."))
    page.save_revision(user=user)
    return workflow.start(page, user)


def _current_task_state(page: GuidelinePage) -> TaskState:
    workflow_state = page.current_workflow_state
    if workflow_state is None or workflow_state.status != WorkflowState.STATUS_IN_PROGRESS:
        raise GuidelineError(_("This guideline is not in review."))
    return workflow_state.current_task_state.specific


def _act(page: GuidelinePage, user: User, action: str, comment: str) -> TaskState:
    task_state = _current_task_state(page)
    task = task_state.task.specific
    if action not in {name for name, _label, _modal in task.get_actions(page, user)}:
        raise GuidelineError(_("You cannot act on this step of the review."))
    task.on_action(task_state, user, action, comment=comment)
    return task_state


# When the step being approved was approved, for `record_endorsement`, which Wagtail's
# workflow_approved signal calls while `approve_step` is acting (a signal passes no time).
_approving_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "guidelines_approving_at", default=None
)


@transaction.atomic
def approve_step(
    page: GuidelinePage,
    user: User,
    comment: str = "",
    *,
    now: datetime.datetime | None = None,
) -> TaskState:
    """Approve the current step, as its reviewer would in the admin.

    `now` (default: the clock) is when it was approved: if this approval finishes the
    workflow, the endorsement and its record of this approval are dated then. Wagtail
    stamps its own rows (task state, revision, log entries) with the clock.
    """
    token = _approving_at.set(now)
    try:
        return _act(page, user, "approve", comment)
    finally:
        _approving_at.reset(token)


@transaction.atomic
def request_changes(page: GuidelinePage, user: User, comment: str) -> TaskState:
    return _act(page, user, "reject", comment)


REQUIRED_BODIES = (roles.CLINICAL_STEERING_GROUP, roles.EXECUTIVE_COMMITTEE)


def current_approvals(workflow_state: WorkflowState, revision: Revision) -> list[TaskState]:
    """The latest approval of each step given after `revision` was saved, in order.

    Approvals of earlier content (a step approved, then the draft edited) do not count.
    """
    states = (
        TaskState.objects.filter(
            workflow_state=workflow_state,
            status=TaskState.STATUS_APPROVED,
            finished_at__gte=revision.created_at,
        )
        .select_related("finished_by", "task")
        .order_by("finished_at", "pk")
    )
    latest: dict[int, TaskState] = {}
    for state in states:
        latest.pop(state.task_id, None)
        latest[state.task_id] = state
    return list(latest.values())


def check_endorsement(workflow_state: WorkflowState, revision: Revision) -> list[TaskState]:
    """Refuse to publish unless each required body approved this revision, by different people.

    The workflow itself enforces this; this is the second line of defence against a
    workflow edited in the admin (a step removed or deactivated, groups changed).
    """
    approvals = current_approvals(workflow_state, revision)
    approvers: set[int] = set()
    for body in REQUIRED_BODIES:
        found = [
            state
            for state in approvals
            if state.finished_by is not None
            and state.finished_by_id not in approvers
            and state.task.specific.groups.filter(name=body).exists()
            and state.finished_by.groups.filter(name=body).exists()
        ]
        if not found:
            raise PermissionDenied(
                _("A guideline is published only when the %(body)s has approved it.")
                % {"body": body}
            )
        approvers.add(found[-1].finished_by_id)
    return approvals


@transaction.atomic
def record_endorsement(
    workflow_state: WorkflowState, *, now: datetime.datetime | None = None
) -> EndorsedVersion | None:
    """Record the version the workflow has just published. Idempotent per workflow run.

    Endorsed at `now`, else at the time given to `approve_step`, else the clock; the
    approval that finished the workflow is dated the same, earlier ones as Wagtail
    recorded them."""
    page = workflow_state.content_object
    if page is None:
        return None
    page = page.specific
    if not isinstance(page, GuidelinePage):
        return None
    existing = EndorsedVersion.objects.filter(workflow_state=workflow_state).first()
    if existing is not None:
        return existing
    # Lock the page row so two finishing workflows cannot take the same number.
    GuidelinePage.objects.select_for_update().filter(pk=page.pk).first()
    revision = page.get_latest_revision()
    endorsed = revision.as_object()
    last = page.endorsed_versions.aggregate(last=Max("number"))["last"] or 0
    approvals = current_approvals(workflow_state, revision)
    endorsing = [state for state in approvals if state.task.specific.endorsing_body]
    endorsing_body = (
        ", ".join(group.name for group in endorsing[-1].task.specific.groups.all())
        if endorsing
        else roles.EXECUTIVE_COMMITTEE
    )
    given = now or _approving_at.get()
    now = given or timezone.now()
    version = EndorsedVersion.objects.create(
        guideline=page,
        number=last + 1,
        endorsed_at=now,
        endorsing_body=endorsing_body,
        revision=revision,
        title=endorsed.title,
        change_summary=endorsed.change_summary,
        review_due=endorsed.review_due,
        attachments=attachment_snapshot(endorsed),
        workflow_state=workflow_state,
    )
    EndorsementApproval.objects.bulk_create(
        EndorsementApproval(
            version=version,
            step=state.task.name,
            approved_by=state.finished_by,
            approver_name=(state.finished_by.get_full_name() if state.finished_by else ""),
            approved_at=(
                now
                if given is not None and state.pk == workflow_state.current_task_state_id
                else state.finished_at or now
            ),
            comment=state.comment,
        )
        for state in approvals
    )
    return version


def attachment_snapshot(page: GuidelinePage) -> list[dict]:
    """The attached documents as endorsed, so a file replaced later can be told apart."""
    snapshot = []
    for block in page.attachments:
        document = block.value.get("document")
        if document is not None:
            snapshot.append(
                {"id": document.pk, "title": document.title, "file_hash": document.file_hash}
            )
    return snapshot


def notify_earlier_reviewers(task_state: TaskState, user: User | None) -> None:
    """A later step asked for changes: tell whoever approved the earlier steps (Wagtail #10196)."""
    page = task_state.workflow_state.content_object.specific
    if not isinstance(page, GuidelinePage):
        return
    earlier = (
        TaskState.objects.filter(
            workflow_state_id=task_state.workflow_state_id,
            status=TaskState.STATUS_APPROVED,
            finished_at__lte=task_state.finished_at or timezone.now(),
        )
        .exclude(finished_by=None)
        .select_related("finished_by")
    )
    recipients = {
        state.finished_by.email
        for state in earlier
        if state.finished_by_id != getattr(user, "pk", None) and state.finished_by.is_active
    }
    if not recipients:
        return
    context = {
        "page": page,
        "step": task_state.task.name,
        "by": user.get_full_name() if user else "",
        "comment": task_state.comment,
        "edit_url": _absolute(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }
    for email in sorted(recipients):
        send_templated_email_on_commit([email], "guidelines/email/changes_requested", context)


def notify_author_of_approval(task_state: TaskState, user: User | None) -> None:
    """A step was approved: the author hears, with the reviewer's comment (Wagtail #7542)."""
    workflow_state = task_state.workflow_state
    # Read afresh: the final approval has just published it.
    page = GuidelinePage.objects.filter(pk=workflow_state.object_id).first()
    if page is None:
        return
    author = workflow_state.requested_by
    if author is None or not author.is_active or author.pk == getattr(user, "pk", None):
        return
    context = {
        "page": page,
        "step": task_state.task.name,
        "by": user.get_full_name() if user else "",
        "comment": task_state.comment,
        "finished": workflow_state.status == WorkflowState.STATUS_APPROVED,
        "page_url": _absolute(page.url) if page.live and page.url else "",
        "edit_url": _absolute(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }
    send_templated_email_on_commit([author.email], "guidelines/email/step_approved", context)


def _absolute(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# Acknowledgements


@transaction.atomic
def acknowledge(
    user: User,
    guideline: GuidelinePage,
    version_number: int,
    *,
    now: datetime.datetime | None = None,
) -> Acknowledgement:
    """Record that `user` has read `version_number`, which must be the current version,
    at `now` (default: the clock). Acknowledging again changes nothing."""
    if not permissions.can_acknowledge(user):
        raise GuidelineError(_("Only approved members can acknowledge guidelines."))
    if not guideline.live:
        raise GuidelineError(_("This guideline is not published."))
    current = guideline.endorsed_versions.order_by("-number").first()
    if current is None or current.number != version_number:
        raise GuidelineError(
            _("Version %(number)s is not the current version of this guideline.")
            % {"number": version_number}
        )
    acknowledgement, _created = Acknowledgement.objects.get_or_create(
        version=current,
        user=user,
        defaults={"guideline": guideline, "acknowledged_at": now or timezone.now()},
    )
    return acknowledgement


# Adoption


@transaction.atomic
def record_adoption(
    user: User,
    guideline: GuidelinePage,
    organisation: Organisation,
    status: str,
    reason: str = "",
    *,
    now: datetime.datetime | None = None,
) -> Adoption:
    """An organisation lead records the organisation's position; history is kept. `now`
    (default the present) is when it is recorded."""
    if not permissions.can_record_adoption(user, organisation):
        raise GuidelineError(_("Only a lead of this organisation can record its adoption."))
    if not guideline.live:
        raise GuidelineError(_("This guideline is not published."))
    if status not in AdoptionStatus.values:
        raise GuidelineError(_("Choose a valid adoption status."))
    reason = strip_direction_controls(reason).strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise GuidelineError(
            _("Keep the reason under %(max)s characters.") % {"max": REASON_MAX_LENGTH}
        )
    if status == AdoptionStatus.NOT_ADOPTED and not reason:
        raise GuidelineError(_("Give the reason your organisation has not adopted it."))
    if status == AdoptionStatus.ADOPTED_WITH_CHANGES and not reason:
        raise GuidelineError(_("Describe the local changes your organisation made."))
    at = now or timezone.now()
    adoption, created = Adoption.objects.select_for_update().get_or_create(
        guideline=guideline,
        organisation=organisation,
        defaults={"status": status, "reason": reason, "updated_at": at, "updated_by": user},
    )
    if not created:
        if adoption.status == status and adoption.reason == reason:
            return adoption
        adoption.status = status
        adoption.reason = reason
        adoption.updated_at = at
        adoption.updated_by = user
        adoption.save(update_fields=["status", "reason", "updated_at", "updated_by"])
    AdoptionChange.objects.create(
        adoption=adoption,
        status=status,
        reason=reason,
        version=guideline.endorsed_versions.order_by("-number").first(),
        changed_by=user,
        changed_at=at,
    )
    return adoption


DIRECTION_CONTROLS = dict.fromkeys(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def strip_direction_controls(text: str) -> str:
    """Remove invisible text-direction controls, which can make a date read backwards."""
    return text.translate(DIRECTION_CONTROLS)


# Review dates


def send_review_reminders(today: datetime.date | None = None) -> int:
    """E-mail each owner whose guideline is due within 90 days or overdue.

    A reminder is claimed by inserting its row first, under a unique constraint on
    (guideline, review-due date), so running this twice, or in two processes at
    once, sends nothing twice. A new review-due date earns a new reminder.
    """
    today = today or timezone.localdate()
    sent = 0
    for page in queries.guidelines_due_for_review(today):
        owner = page.guideline_owner
        if owner is None or not owner.is_active or not owner.email:
            continue
        try:
            with transaction.atomic():
                ReviewReminder.objects.create(
                    guideline=page, review_due=page.review_due, sent_to=owner.email
                )
                send_templated_email_on_commit(
                    [owner.email],
                    "guidelines/email/review_reminder",
                    {
                        "page": page,
                        "owner": owner,
                        "overdue": page.is_review_overdue(today),
                        "days": (page.review_due - today).days,
                        "page_url": _absolute(page.url or ""),
                        "edit_url": _absolute(reverse("wagtailadmin_pages:edit", args=[page.pk])),
                    },
                )
        except IntegrityError:
            continue
        sent += 1
    return sent
