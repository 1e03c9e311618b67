"""The member dashboard on the home page, which apps extend with panels.

An app adds a panel with a Wagtail hook::

    @hooks.register("network_dashboard_panels")
    def my_panel(request):
        return DashboardPanel(order=20, template="guidelines/panels/unread.html",
                              context={...})

Return None to show nothing for this member. Panels are shown by `order`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from wagtail import hooks

HOOK_NAME = "network_dashboard_panels"


@dataclass(frozen=True)
class DashboardPanel:
    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def dashboard_panels(request: HttpRequest) -> list[DashboardPanel]:
    panels = [panel for fn in hooks.get_hooks(HOOK_NAME) if (panel := fn(request)) is not None]
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
