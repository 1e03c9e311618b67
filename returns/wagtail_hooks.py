"""Returns on the dashboard: leads see what their organisation has to fill in, and
coordinators the returns' progress."""

from __future__ import annotations

from django.http import HttpRequest
from wagtail import hooks

from cop_site.dashboard import DashboardPanel

from . import permissions
from .models import OrganisationReturn, ReturnStatus, ReturnTemplate, TemplateStatus


@hooks.register("network_dashboard_panels")
def returns_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not user.is_authenticated:
        return None
    to_fill = list(
        OrganisationReturn.objects.filter(
            organisation__leads=user,
            status__in=[ReturnStatus.NOT_STARTED, ReturnStatus.DRAFT, ReturnStatus.QUERIED],
        )
        .select_related("template", "organisation")
        .order_by("due_date")
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
