"""The guidelines panel on the member dashboard."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from wagtail import hooks

from core.dashboard import DashboardPanel
from members import permissions as member_permissions

from . import permissions, queries
from .models import AUDIENCES, Acknowledgement, Adoption

PANEL_LIMIT = 5


@hooks.register("network_dashboard_panels")
def guidelines_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not member_permissions.is_approved_member(user):
        return None
    index = queries.guideline_index()
    if index is None:
        return None
    audience_field = {group: field for group, field, _label in AUDIENCES}.get(user.staff_group)
    unread_queryset = (
        queries.live_guidelines(index)
        .filter(current_version_id__isnull=False)
        .annotate(
            acknowledged=Exists(
                Acknowledgement.objects.filter(user=user, version_id=OuterRef("current_version_id"))
            )
        )
        .filter(acknowledged=False)
    )
    if audience_field:
        unread_queryset = unread_queryset.filter(**{audience_field: True})
    unread = list(unread_queryset.order_by("-current_endorsed_at", "title"))
    led = list(user.led_organisations.order_by("name"))
    unrecorded = []
    if led:
        guideline_count = queries.live_guidelines(index).count()
        recorded = dict(
            Adoption.objects.filter(organisation__in=led, guideline__live=True)
            .values("organisation")
            .annotate(n=Count("pk", filter=~Q(status="not_reviewed")))
            .values_list("organisation", "n")
        )
        unrecorded = [
            (organisation, guideline_count - recorded.get(organisation.pk, 0))
            for organisation in led
            if guideline_count - recorded.get(organisation.pk, 0) > 0
        ]
    return DashboardPanel(
        order=30,
        template="guidelines/panels/guidelines.html",
        context={
            "index": index,
            "unread": unread[:PANEL_LIMIT],
            "unread_count": len(unread),
            "unrecorded": unrecorded,
            "review_count": (
                queries.guidelines_due_for_review().count()
                if permissions.can_view_review_report(user)
                else 0
            ),
        },
    )
