"""Who may do what with guidelines. One predicate per rule."""

from __future__ import annotations

from typing import Any

from members import permissions as member_permissions
from members.models import Organisation


def can_acknowledge(user: Any) -> bool:
    return member_permissions.is_approved_member(user)


def can_record_adoption(user: Any, organisation: Organisation) -> bool:
    """Only a lead of the organisation speaks for it."""
    return member_permissions.is_approved_member(user) and member_permissions.is_organisation_lead(
        user, organisation
    )


def can_view_uptake(user: Any) -> bool:
    """Uptake by organisation and staff group is for the coordinators and the executive."""
    return member_permissions.is_coordinator(user) or member_permissions.is_executive(user)


def can_view_review_report(user: Any) -> bool:
    return member_permissions.is_coordinator(user) or member_permissions.is_executive(user)


def can_view_organisation_adoption(user: Any, organisation: Organisation) -> bool:
    return can_record_adoption(user, organisation) or can_view_uptake(user)
