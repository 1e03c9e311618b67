"""Returns on the dashboard: leads see what their organisation has to fill in, and
coordinators the returns' progress. The evaluation dashboard and impact report show how
far the latest returns have got and the network's figures from them."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from core.dashboard import EVALUATION_PANELS, DashboardPanel
from members.panels import led_organisations

from . import permissions, services
from .models import OrganisationReturn, ReturnStatus, ReturnTemplate, TemplateStatus


@hooks.register("network_dashboard_panels")
def returns_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    led = led_organisations(request)
    to_fill = (
        list(
            OrganisationReturn.objects.filter(
                organisation__in=led,
                status__in=[ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.QUERIED],
            )
            .select_related("template", "organisation")
            .order_by("due_date")
        )
        if led
        else []
    )
    open_templates = (
        list(ReturnTemplate.objects.filter(status=TemplateStatus.OPEN))
        if permissions.can_manage_returns(user)
        else []
    )
    if not to_fill and not open_templates:
        return None
    return DashboardPanel(
        order=18,
        template="returns/panels/dashboard.html",
        context={"to_fill": to_fill, "open_templates": open_templates},
    )


@hooks.register(EVALUATION_PANELS)
def returns_evaluation_panel(request: HttpRequest, filters) -> DashboardPanel | None:
    """Whoever may see the evaluation sees completion and the network summary; only
    coordinators see cells over fewer than five organisations."""
    overviews = services.overview_for_evaluation(full=permissions.can_manage_returns(request.user))
    if not overviews:
        return None
    return DashboardPanel(
        order=50,
        template="returns/panels/evaluation.html",
        context={
            "overviews": overviews,
            "min_organisations": services.MIN_ORGANISATIONS,
            "can_view_summary": permissions.can_view_summary(request.user),
        },
    )
