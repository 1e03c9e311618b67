from django.utils import timezone
from wagtail import hooks

from core.dashboard import DashboardPanel

from .models import Case, Registration


@hooks.register("network_dashboard_panels")
def upcoming_sessions_panel(request):
    registrations = (
        Registration.objects.filter(member=request.user, occurrence__end__gte=timezone.now())
        .active()
        .filter(occurrence__cancelled=False)
        .select_related("occurrence")
        .order_by("occurrence__start")[:5]
    )
    cases = Case.objects.filter(presenter=request.user).order_by("-submitted_at")[:5]
    return DashboardPanel(
        order=20,
        template="events/panels/upcoming.html",
        context={"registrations": list(registrations), "cases": list(cases)},
    )
