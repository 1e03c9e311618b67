"""Who may see and change data returns. Each organisation sees only its own."""

from __future__ import annotations

from typing import Any

from members import permissions as member_permissions

from .models import OrganisationReturn


def can_manage_returns(user: Any) -> bool:
    """Coordinators keep templates, send returns, query and accept them."""
    return member_permissions.is_coordinator(user)


def can_edit_return(user: Any, organisation_return: OrganisationReturn) -> bool:
    """Only a lead of the organisation fills in its return."""
    return member_permissions.is_organisation_lead(user, organisation_return.organisation)


def can_view_return(user: Any, organisation_return: OrganisationReturn) -> bool:
    return can_manage_returns(user) or can_edit_return(user, organisation_return)


def can_view_summary(user: Any) -> bool:
    """Coordinators, and the executive committee (who see only cells of five or more)."""
    return can_manage_returns(user) or member_permissions.is_executive(user)
