"""Places on an occurrence: registering, cancelling, the waiting list and reminders."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from schedule.models import Occurrence

from core.emails import send_templated_email_on_commit
from members import permissions as member_permissions
from members.models import ApprovalStatus, User

from ..exceptions import RegistrationError
from ..models import Registration, RegistrationStatus
from ._mail import base_url, ics_attachment

REMINDER_LEAD = datetime.timedelta(hours=24)


def _lock_occurrence(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event__details")
        .get(pk=occurrence.pk)
    )


@transaction.atomic
def register_for_occurrence(member: User, occurrence: Occurrence) -> Registration:
    """Give the member a place, or a place on the waiting list when the event is full."""
    if not member_permissions.is_approved_member(member):
        raise PermissionDenied
    occurrence = _lock_occurrence(occurrence)
    if occurrence.cancelled:
        raise RegistrationError(_("This event has been cancelled."))
    if occurrence.start <= timezone.now():
        raise RegistrationError(_("Registration has closed: this event has already started."))
    registration = Registration.objects.filter(occurrence=occurrence, member=member).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise RegistrationError(
            _("You are already registered for this event.")
            if registration.status == RegistrationStatus.REGISTERED
            else _("You are already on the waiting list for this event.")
        )
    details = getattr(occurrence.event, "details", None)
    taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
    full = details is not None and details.capacity is not None and taken >= details.capacity
    if full and not getattr(details, "waiting_list", False):
        raise RegistrationError(_("This event is full and has no waiting list."))
    now = timezone.now()
    status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    if registration is None:
        registration = Registration(occurrence=occurrence, member=member)
    registration.status = status
    registration.registered_at = now
    registration.queued_at = now if full else None
    registration.cancelled_at = None
    registration.reminder_sent_for = None
    registration.save()
    template = "events/email/waiting" if full else "events/email/registered"
    send_templated_email_on_commit(
        [member.email],
        template,
        {"member": member, "occurrence": occurrence, "base_url": base_url()},
        attachments=None if full else [ics_attachment(occurrence)],
    )
    return registration


@transaction.atomic
def cancel_registration(member: User, occurrence: Occurrence) -> Registration:
    """Give up a place (or a place in the queue); the first in the queue moves up."""
    occurrence = _lock_occurrence(occurrence)
    registration = (
        Registration.objects.select_for_update()
        .filter(occurrence=occurrence, member=member)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        raise RegistrationError(_("You are not registered for this event."))
    if occurrence.start <= timezone.now():
        raise RegistrationError(_("This event has already started."))
    had_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.queued_at = None
    registration.save(update_fields=["status", "cancelled_at", "queued_at"])
    if had_place:
        promote_waiting_list(occurrence)
    return registration


def promote_waiting_list(occurrence: Occurrence) -> list[Registration]:
    """Fill free places from the waiting list, first come first served. Caller holds the lock."""
    details = getattr(occurrence.event, "details", None)
    waiting = Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).order_by("queued_at", "pk")
    if details is None or details.capacity is None:
        free = waiting.count()
    else:
        taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
        free = max(details.capacity - taken, 0)
    promoted = list(waiting.select_related("member")[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at"])
        send_templated_email_on_commit(
            [registration.member.email],
            "events/email/promoted",
            {"member": registration.member, "occurrence": occurrence, "base_url": base_url()},
            attachments=[ics_attachment(occurrence)],
        )
    return promoted


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """E-mail everyone registered for an occurrence starting within the next 24 hours.

    Safe to run every few minutes and from several workers: each registration is
    claimed with a conditional update, so nobody gets the same reminder twice. A
    moved occurrence gets a new reminder for its new time.
    """
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            occurrence__cancelled=False,
            occurrence__start__gt=now,
            occurrence__start__lte=now + REMINDER_LEAD,
            member__is_active=True,
            member__approval_status=ApprovalStatus.APPROVED,
        )
        .exclude(reminder_sent_for=F("occurrence__start"))
        .select_related("member", "occurrence__event__details")
    )
    sent = 0
    for registration in due:
        occurrence = registration.occurrence
        with transaction.atomic():
            claimed = (
                Registration.objects.filter(pk=registration.pk)
                .exclude(reminder_sent_for=occurrence.start)
                .update(reminder_sent_for=occurrence.start)
            )
            if not claimed:
                continue
            send_templated_email_on_commit(
                [registration.member.email],
                "events/email/reminder",
                {"member": registration.member, "occurrence": occurrence, "base_url": base_url()},
                attachments=[ics_attachment(occurrence)],
            )
        sent += 1
    return sent
