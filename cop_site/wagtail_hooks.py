from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from core.dashboard import Counted, DashboardPanel
from members import permissions


@hooks.register("network_dashboard_panels")
def sections_panel(request):
    return DashboardPanel(order=90, template="cop_site/panels/sections.html")


@hooks.register("network_dashboard_panels")
def coordinator_panel(request):
    if not permissions.is_coordinator(request.user):
        return None
    from members.models import ApprovalStatus, User

    pending = User.objects.filter(approval_status=ApprovalStatus.PENDING)
    return DashboardPanel(
        order=10,
        template="cop_site/panels/coordinator.html",
        context={
            "pending_count": Counted("members:pending-approval", pending),
            "approval_url": reverse("members:approval_queue"),
            "title": _("Coordinator tasks"),
        },
    )


@hooks.register("before_serve_document")
def members_only_documents(document, request):
    """Documents in the "Members only" collection are served to approved members only."""
    from members.documents import guard_document

    return guard_document(document, request)
