"""What several dashboard panels need of the signed-in member's organisations: read in one
query, once per request (the greeting names the member's own organisation; the feedback,
guidelines and returns panels each list the organisations the member leads)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpRequest

from core.perrequest import once_per_request

from .models import Organisation


@dataclass(frozen=True)
class MemberOrganisations:
    own: Organisation | None
    led: list[Organisation]  # by name, as `user.led_organisations.order_by("name")`


def _read(user) -> MemberOrganisations:
    if not getattr(user, "is_authenticated", False):
        return MemberOrganisations(own=None, led=[])
    wanted = Q(leads=user)
    if user.organisation_id is not None:
        wanted |= Q(pk=user.organisation_id)
    # The count uses the filter's join to the leads: 1 for an organisation the member
    # leads, 0 for their own organisation if they do not.
    organisations = list(
        Organisation.objects.filter(wanted)
        .annotate(is_led=Count("leads", filter=Q(leads=user)))
        .order_by("name")
    )
    own = next((org for org in organisations if org.pk == user.organisation_id), None)
    return MemberOrganisations(own=own, led=[org for org in organisations if org.is_led])


def member_organisations(request: HttpRequest) -> MemberOrganisations:
    return once_per_request(request, "members:organisations", lambda: _read(request.user))


def led_organisations(request: HttpRequest) -> list[Organisation]:
    """The organisations the signed-in member leads, by name."""
    return member_organisations(request).led
