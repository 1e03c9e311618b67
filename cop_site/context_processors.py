from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from members import permissions

# The main navigation, in order: a URL name, or the dotted path of a function returning
# the URL of a Wagtail page (or None). A section appears once its app provides it.
MAIN_NAVIGATION = [
    (_("Sessions"), "events:calendar"),
    (_("Learning"), "learning.queries.learning_index_url"),
    (_("Guidelines"), "guidelines.queries.guideline_index_url"),
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


# What the shell reads from the page tree is the same for everyone: it is kept in the cache
# and forgotten whenever a page is published, unpublished, moved or deleted (`signals.py`).
PAGE_TREE_CACHE_KEY = "cop_site:shell:page-tree"
PAGE_TREE_CACHE_SECONDS = 60 * 60


def forget_page_tree(**_kwargs) -> None:
    cache.delete(PAGE_TREE_CACHE_KEY)


def _page_tree() -> dict:
    tree = cache.get(PAGE_TREE_CACHE_KEY)
    if tree is None:
        tree = {
            "navigation": {target: _resolvable(target) for _label, target in MAIN_NAVIGATION},
            "footer": footer_links(),
        }
        cache.set(PAGE_TREE_CACHE_KEY, tree, PAGE_TREE_CACHE_SECONDS)
    return tree


def main_navigation(request: HttpRequest, tree: dict | None = None) -> list[dict]:
    tree = tree if tree is not None else _page_tree()
    links = []
    for label, url_name in MAIN_NAVIGATION:
        url = tree["navigation"].get(url_name)
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


def footer_links() -> list[dict]:
    """Public live pages in the menu under the home page: titles and addresses only."""
    from wagtail.models import Page

    pages = Page.objects.live().public().in_menu().filter(depth=3).order_by("path")
    return [{"title": page.title, "url": page.url} for page in pages]


def site_shell(request: HttpRequest) -> dict:
    tree = _page_tree()
    return {
        "footer_links": tree["footer"],
        "SITE_NAME": settings.SITE_NAME,
        "main_navigation": main_navigation(request, tree),
        "search_url": tree["navigation"].get("search:search"),
        "is_member": permissions.is_approved_member(request.user),
    }
