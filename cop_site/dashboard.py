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
