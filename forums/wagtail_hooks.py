"""The forums panel on the member dashboard, and the discussion section of guideline and
session pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import DISCUSSION_PANELS, Counted, DashboardPanel
from members import permissions as member_permissions

from . import discussions, queries
from .models import Category
from .queries import visible_threads

RECENT_LIMIT = 5


@hooks.register("network_dashboard_panels")
def forums_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not member_permissions.is_approved_member(user):
        return None
    recent = visible_threads(user).select_related("category").order_by("-last_post_at", "-pk")
    return DashboardPanel(
        order=40,
        template="forums/panels/forums.html",
        context={
            "unread_count": Counted(queries.UNREAD_COUNT_KEY, queries.unread(user)),
            "recent": list(recent[:RECENT_LIMIT]),
        },
    )


@hooks.register(DISCUSSION_PANELS)
def discussion_panel(request: HttpRequest, obj) -> DashboardPanel | None:
    from guidelines.models import GuidelinePage

    key = "guideline" if isinstance(obj, GuidelinePage) else "occurrence"
    found = discussions.discussions(request.user, **{key: obj})
    if not found["show"]:
        return None
    return DashboardPanel(order=10, template="forums/panels/discussions.html", context=found)


class CategoryViewSet(SnippetViewSet):
    """Coordinators keep the forum categories in the CMS (/cms/snippets/)."""

    model = Category
    icon = "group"
    menu_label = _("Forum categories")
    add_to_admin_menu = True
    list_display = ["name", "slug", "position"]
    ordering = ["position", "name"]


register_snippet(CategoryViewSet)
