"""The feedback panel on the dashboard, feedback links on session pages, surveys in the CMS."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.dashboard import LIVE_ROOM_END_PANELS, OCCURRENCE_PANELS, DashboardPanel
from members import permissions as member_permissions
from members.panels import led_organisations

from . import permissions, services
from .models import Survey


@hooks.register("network_dashboard_panels")
def feedback_panel(request: HttpRequest) -> DashboardPanel | None:
    user = request.user
    if not member_permissions.is_approved_member(user):
        return None
    unanswered = [ask for ask in services.open_asks(user) if ask.response is None]
    led = led_organisations(request)
    evaluation_url = (
        reverse("evaluation:dashboard") if permissions.can_view_evaluation(user) else None
    )
    if not unanswered and not led and evaluation_url is None:
        return None
    return DashboardPanel(
        order=15,
        template="evaluation/panels/surveys.html",
        context={"unanswered": unanswered, "led": led, "evaluation_url": evaluation_url},
    )


def _feedback_panel_for(request: HttpRequest, occurrence, template: str) -> DashboardPanel | None:
    user = request.user
    if not member_permissions.is_approved_member(user):
        return None
    ask = services.occurrence_ask(user, occurrence)
    figures_url = None
    programme = getattr(occurrence.event, "echo_programme", None)
    if permissions.can_view_evaluation(user) or (
        programme is not None and permissions.can_view_programme_evaluation(user, programme)
    ):
        figures_url = reverse("evaluation:session", args=[occurrence.pk])
    if ask is None and figures_url is None:
        return None
    return DashboardPanel(
        order=10,
        template=template,
        context={
            "ask": ask,
            "ask_open": ask is not None and ask.is_open(),
            "respond_url": reverse("evaluation:respond_occurrence", args=[occurrence.pk]),
            "figures_url": figures_url,
        },
    )


@hooks.register(OCCURRENCE_PANELS)
def occurrence_feedback(request: HttpRequest, occurrence) -> DashboardPanel | None:
    return _feedback_panel_for(request, occurrence, "evaluation/panels/occurrence.html")


@hooks.register(LIVE_ROOM_END_PANELS)
def live_room_feedback(request: HttpRequest, occurrence) -> DashboardPanel | None:
    """The live room's end screen links to the feedback form. The member's attendance is
    written when the session ends, so the link is offered to everyone in the room; the form
    itself answers only those whose attendance was recorded."""
    if not member_permissions.is_approved_member(request.user):
        return None
    return DashboardPanel(
        order=10,
        template="evaluation/panels/live_end.html",
        context={"respond_url": reverse("evaluation:respond_occurrence", args=[occurrence.pk])},
    )


@hooks.register("before_delete_snippet")
def keep_answered_surveys(request: HttpRequest, instances):
    """A survey with answers is not deleted (singly or in bulk): the figures are counted from
    those answers. Closing it ("in use" unticked) is the way to stop it."""
    answered = [
        instance
        for instance in instances
        if isinstance(instance, Survey) and instance.responses.exists()
    ]
    if not answered:
        return None
    messages.error(
        request,
        _(
            "These surveys have answers, so they cannot be deleted: %(surveys)s. Untick “in use” "
            "to close a survey instead."
        )
        % {"surveys": ", ".join(f"“{survey}”" for survey in answered)},
    )
    return HttpResponseRedirect(reverse("wagtailsnippets_evaluation_survey:list"))


class SurveyViewSet(SnippetViewSet):
    """Coordinators keep the surveys in the CMS (/cms/snippets/evaluation/survey/)."""

    model = Survey
    icon = "form"
    menu_label = _("Surveys")
    add_to_admin_menu = True
    list_display = ["title", "kind", "programme", "is_active"]
    list_filter = ["kind", "is_active"]


register_snippet(SurveyViewSet)
