"""Every change to members and organisations, as verbs.

Views, commands and tests call these; none of them write these models directly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.emails import send_templated_email_on_commit
from core.text import unique_slug

from . import permissions, roles
from .models import ApprovalStatus, Organisation, User


class RegistrationError(ValidationError):
    pass


@transaction.atomic
def register_member(
    *,
    email: str,
    password: str,
    full_name: str,
    staff_group: str,
    profession: str,
    job_title: str = "",
    organisation: Organisation | None = None,
    unlisted_organisation_name: str = "",
) -> User:
    """Create a pending registration and tell the coordinators it is waiting."""
    if organisation is None and not unlisted_organisation_name.strip():
        raise RegistrationError(
            _("Choose your organisation, or give its name if it is not listed.")
        )
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise RegistrationError(_("An account with this e-mail address already exists."))
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name.strip(),
        staff_group=staff_group,
        profession=profession,
        job_title=job_title.strip(),
        organisation=organisation,
        unlisted_organisation_name="" if organisation else unlisted_organisation_name.strip(),
        approval_status=ApprovalStatus.PENDING,
    )
    coordinator_emails = list(
        User.objects.filter(
            groups__name="Coordinators",
            approval_status=ApprovalStatus.APPROVED,
            is_active=True,
        ).values_list("email", flat=True)
    ) or [settings.COORDINATOR_EMAIL]
    send_templated_email_on_commit(
        coordinator_emails,
        "members/email/registration_received",
        {"member": user, "base_url": settings.WAGTAILADMIN_BASE_URL},
    )
    return user


def _lock_pending(member_id: int) -> User:
    member = User.objects.select_for_update().get(pk=member_id)
    if member.approval_status != ApprovalStatus.PENDING:
        raise ValidationError(_("This registration has already been decided."))
    return member


@transaction.atomic
def approve_member(member: User, *, by: User, organisation: Organisation | None = None) -> User:
    """Approve a pending registration and e-mail the member.

    A registration made with an unlisted organisation needs `organisation`:
    the coordinator adds it to the directory first, or picks the existing one.
    """
    if not permissions.can_approve_members(by):
        raise PermissionDenied
    member = _lock_pending(member.pk)
    if organisation is not None:
        member.organisation = organisation
        member.unlisted_organisation_name = ""
    if member.organisation_id is None:
        raise ValidationError(_("Choose the member's organisation before approving them."))
    member.approval_status = ApprovalStatus.APPROVED
    member.decided_at = timezone.now()
    member.decided_by = by
    member.decline_reason = ""
    member.save(
        update_fields=[
            "organisation",
            "unlisted_organisation_name",
            "approval_status",
            "decided_at",
            "decided_by",
            "decline_reason",
        ]
    )
    send_templated_email_on_commit(
        [member.email],
        "members/email/approved",
        {"member": member, "base_url": settings.WAGTAILADMIN_BASE_URL},
    )
    return member


@transaction.atomic
def decline_member(member: User, *, by: User, reason: str = "") -> User:
    """Decline a pending registration and e-mail the member with the reason."""
    if not permissions.can_approve_members(by):
        raise PermissionDenied
    member = _lock_pending(member.pk)
    member.approval_status = ApprovalStatus.DECLINED
    member.decided_at = timezone.now()
    member.decided_by = by
    member.decline_reason = reason.strip()
    member.save(update_fields=["approval_status", "decided_at", "decided_by", "decline_reason"])
    send_templated_email_on_commit(
        [member.email],
        "members/email/declined",
        {"member": member, "base_url": settings.WAGTAILADMIN_BASE_URL},
    )
    return member


@transaction.atomic
def update_profile(
    member: User,
    *,
    full_name: str,
    job_title: str,
    profession: str,
    staff_group: str,
) -> User:
    """Change the details a member may edit themselves (not e-mail, organisation or status)."""
    member.full_name = full_name.strip()
    member.job_title = job_title.strip()
    member.profession = profession
    member.staff_group = staff_group
    member.save(update_fields=["full_name", "job_title", "profession", "staff_group"])
    return member


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: str,
    is_nhs: bool,
    network_role: str,
    locality: str,
    rurality: str,
    hub: Organisation | None = None,
    by: User | None = None,
) -> Organisation:
    """Add an organisation to the directory (coordinators, or the demo loader with by=None)."""
    if by is not None and not permissions.is_coordinator(by):
        raise PermissionDenied
    return Organisation.objects.create(
        name=name.strip(),
        slug=unique_slug(Organisation, name, "organisation"),
        kind=kind,
        is_nhs=is_nhs,
        network_role=network_role,
        locality=locality.strip(),
        rurality=rurality,
        hub=hub,
    )


@transaction.atomic
def set_roles(member: User, role_names: list[str]) -> None:
    """Give the member exactly these network roles; other groups (a forum community of
    practice, say) are left as they are."""
    unknown = set(role_names) - set(roles.ALL_ROLES)
    if unknown:
        raise ValueError(f"Not network roles: {sorted(unknown)}")
    member.groups.remove(
        *Group.objects.filter(name__in=roles.ALL_ROLES).exclude(name__in=role_names)
    )
    member.groups.add(*Group.objects.filter(name__in=role_names))
    permissions.forget_roles(member)
