"""The learning panel on the member dashboard: where to continue."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from core.dashboard import DashboardPanel
from members import permissions as member_permissions

from . import queries
from .models import TrackPage
from .progress import my_learning_sections

PANEL_LIMIT = 3


@hooks.register("network_dashboard_panels")
def learning_panel(request: HttpRequest) -> DashboardPanel | None:
    if not member_permissions.is_approved_member(request.user):
        return None
    index = queries.learning_index()
    if index is None:
        return None
    tracks = list(TrackPage.objects.child_of(index).live().public().order_by("path"))
    sections = my_learning_sections(request.user, tracks)
    unfinished = [
        entry
        for _label, entries in sections
        for entry in entries
        if not entry.is_complete and (entry.started or entry.for_you)
    ]
    unfinished.sort(key=lambda entry: not entry.started)
    return DashboardPanel(
        order=20,
        template="learning/panels/learning.html",
        context={"index": index, "entries": unfinished[:PANEL_LIMIT]},
    )
