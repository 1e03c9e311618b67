"""The guidelines panel on the member dashboard."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from wagtail import hooks

from core.dashboard import Counted, DashboardPanel
from core.pagecache import page_tree_cached
from members import permissions as member_permissions
from members.panels import led_organisations

from . import permissions, queries
from .models import AUDIENCES, Adoption, AdoptionStatus

PANEL_LIMIT = 5


@hooks.register("network_dashboard_panels")
def guidelines_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not member_permissions.is_approved_member(user):
        return None
    index = page_tree_cached("guidelines:index", queries.guideline_index, request)
    if index is None:
        return None
    audience_field = {group: field for group, field, _label in AUDIENCES}.get(user.staff_group)
    led = led_organisations(request)
    # Every live guideline anyone may read, in one query: those the member has not read
    # (in their current version, written for their staff group) come from it, and for
    # leads whether each organisation they lead has recorded its position on it.
    recorded = {
        f"recorded_{organisation.pk}": Exists(
            Adoption.objects.filter(guideline=OuterRef("pk"), organisation=organisation).exclude(
                status=AdoptionStatus.NOT_REVIEWED
            )
        )
        for organisation in led
    }
    guidelines = list(
        queries.with_acknowledged(queries.live_guidelines(index), user)
        .annotate(**recorded)
        .order_by("-current_endorsed_at", "title")
    )
    unread = [
        guideline
        for guideline in guidelines
        if guideline.current_version_id is not None
        and not guideline.acknowledged
        and (not audience_field or getattr(guideline, audience_field))
    ]
    unrecorded = [
        (organisation, count)
        for organisation in led
        if (
            count := sum(
                1
                for guideline in guidelines
                if not getattr(guideline, f"recorded_{organisation.pk}")
            )
        )
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
                Counted("guidelines:due-for-review", queries.guidelines_due_for_review())
                if permissions.can_view_review_report(user)
                else 0
            ),
        },
    )
