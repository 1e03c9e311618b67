"""The member dashboard on the home page, which apps extend with panels.

An app adds a panel with a Wagtail hook::

    @hooks.register("network_dashboard_panels")
    def my_panel(request):
        return DashboardPanel(order=20, template="guidelines/panels/unread.html",
                              context={...})

Return None to show nothing for this member. Panels are shown by `order`.

A number a panel shows goes in its context as `Counted(key, queryset)`: the numbers of
every panel are counted together, in one query, and each panel's template gets the number
in its place. `key` names the number for the request (`core.perrequest`), so the header,
or anything else asking for the same key in the same request, does not count it again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from wagtail import hooks

from .perrequest import counted_once_per_request

HOOK_NAME = "network_dashboard_panels"


@dataclass(frozen=True)
class DashboardPanel:
    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Counted:
    """A number a panel shows: how many rows `queryset` has, counted with the others."""

    key: str  # named after the app, as `core.perrequest` keys are: "forums:unread-count"
    queryset: QuerySet


def dashboard_panels(request: HttpRequest) -> list[DashboardPanel]:
    panels = [panel for fn in hooks.get_hooks(HOOK_NAME) if (panel := fn(request)) is not None]
    counts = counted_once_per_request(
        request,
        {
            value.key: value.queryset
            for panel in panels
            for value in panel.context.values()
            if isinstance(value, Counted)
        },
    )
    panels = [
        replace(
            panel,
            context={
                name: counts[value.key] if isinstance(value, Counted) else value
                for name, value in panel.context.items()
            },
        )
        for panel in panels
    ]
    return sorted(panels, key=lambda panel: panel.order)


def object_panels(hook_name: str, request: HttpRequest, obj: Any) -> list[DashboardPanel]:
    """Panels that apps add to another app's page about `obj` (e.g. a session page), so the
    page's app need not import theirs. Hooks take (request, obj) and return a panel or None."""
    panels = [panel for fn in hooks.get_hooks(hook_name) if (panel := fn(request, obj)) is not None]
    return sorted(panels, key=lambda panel: panel.order)


OCCURRENCE_PANELS = "occurrence_page_panels"
LIVE_ROOM_END_PANELS = "live_room_end_panels"
EVALUATION_PANELS = "evaluation_panels"  # (request, filters): the dashboard and impact report
DISCUSSION_PANELS = "discussion_panels"  # (request, obj): a guideline page or a session page
