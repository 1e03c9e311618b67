"""Who may see which evaluation figures. Individual responses: coordinators only."""

from __future__ import annotations

from typing import Any

from events.models import EchoProgramme
from members import permissions as member_permissions
from members.models import Organisation


def can_view_evaluation(user: Any) -> bool:
    """The network-wide dashboard, the impact report and their CSVs."""
    return member_permissions.is_coordinator(user) or member_permissions.is_executive(user)


def can_view_programme_evaluation(user: Any, programme: EchoProgramme) -> bool:
    """A programme's own figures: the network's leaders and the programme's hub team."""
    if can_view_evaluation(user):
        return True
    return (
        member_permissions.is_approved_member(user)
        and programme.hub_team.filter(pk=user.pk).exists()
    )


def can_view_organisation_evaluation(user: Any, organisation: Organisation) -> bool:
    """An organisation's figures beside the network's: its leads and the network's leaders."""
    return can_view_evaluation(user) or member_permissions.is_organisation_lead(user, organisation)


def can_see_individual_responses(user: Any) -> bool:
    return member_permissions.is_coordinator(user)
