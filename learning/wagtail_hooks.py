"""The learning panel on the member dashboard: where to continue."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from core.dashboard import DashboardPanel
from core.pagecache import page_tree_cached, public
from members import permissions as member_permissions

from . import queries
from .models import LearningIndexPage, ModulePage, TrackPage
from .progress import live_modules, my_learning_sections

PANEL_LIMIT = 3


def _tracks_and_modules() -> tuple[LearningIndexPage | None, list[TrackPage], list[ModulePage]]:
    """The learning index, its live tracks anyone may read and their live modules: the same
    for everyone, so kept until the page tree changes. Without the pages' text, which the
    panel does not show: the cache holds a tenth as much."""
    index = queries.learning_index()
    if index is None:
        return None, [], []
    tracks = list(
        public(TrackPage.objects.child_of(index).live()).defer("description").order_by("path")
    )
    modules = list(live_modules(tracks).defer("body", "quiz", "learning_outcomes"))
    return index, tracks, modules


@hooks.register("network_dashboard_panels")
def learning_panel(request: HttpRequest) -> DashboardPanel | None:
    if not member_permissions.is_approved_member(request.user):
        return None
    index, tracks, modules = page_tree_cached(
        "learning:tracks-and-modules", _tracks_and_modules, request
    )
    if index is None:
        return None
    sections = my_learning_sections(request.user, tracks, modules=modules, with_certificates=False)
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
