from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from members import permissions

# The main navigation, in order: a URL name, or the dotted path of a function returning
# the URL of a Wagtail page (or None). A section appears once its app provides it.
MAIN_NAVIGATION = [
    (_("Sessions"), "events:calendar"),
    (_("Learning"), "learning.services.learning_index_url"),
    (_("Guidelines"), "guidelines.services.guideline_index_url"),
    (_("Forums"), "forums:index"),
    (_("Search"), "search:search"),
]


def _resolvable(target: str) -> str | None:
    if ":" not in target:
        try:
            return import_string(target)()
        except ImportError:
            return None
    try:
        return reverse(target)
    except NoReverseMatch:
        return None


def main_navigation(request: HttpRequest) -> list[dict]:
    links = []
    for label, url_name in MAIN_NAVIGATION:
        url = _resolvable(url_name)
        if url is not None:
            links.append({"label": label, "url": url, "current": request.path.startswith(url)})
    if permissions.is_approved_member(request.user):
        url = reverse("members:organisation_directory")
        links.append(
            {"label": _("Organisations"), "url": url, "current": request.path.startswith(url)}
        )
    if permissions.can_approve_members(request.user):
        url = reverse("members:approval_queue")
        links.append({"label": _("Approvals"), "url": url, "current": request.path.startswith(url)})
    return links


def footer_links() -> list:
    from wagtail.models import Page

    return list(Page.objects.live().public().in_menu().filter(depth=3).order_by("path"))


def site_shell(request: HttpRequest) -> dict:
    return {
        "footer_links": footer_links(),
        "SITE_NAME": settings.SITE_NAME,
        "main_navigation": main_navigation(request),
        "search_url": _resolvable("search:search"),
        "is_member": permissions.is_approved_member(request.user),
    }
