"""The Wagtail site a page request is for, found in the cached list of sites.

Wagtail's page view asks the database which site a request's host and port belong to on
every page (`Site.find_for_request`, one query). The sites are the same for everyone and
change almost never, so `CachedSiteMiddleware` reads them from the page-tree cache
(`core.pagecache`, forgotten when a site or a page changes) and chooses among them as
Wagtail's `get_site_for_hostname` does, before Wagtail's view runs. Wagtail keeps the
site it found on the request (`request._wagtail_site`, as its `find_for_request`
documents); this puts the same site there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)
from wagtail.views import serve as wagtail_serve

from .pagecache import page_tree_cached


def _all_sites() -> list[Site]:
    """Every site, each with its root page as its specific type and knowing its parent,
    as Wagtail's page view and the editors' bar would read them on every page."""
    sites = list(Site.objects.select_related("root_page").order_by("pk"))
    for site in sites:
        root_page = site.root_page.specific
        root_page._cached_parent_obj = root_page.get_parent()
        site.root_page = root_page
    return sites


def _match(site: Site, hostname: str, port: int) -> int:
    if site.hostname == hostname and site.port == port:
        return MATCH_HOSTNAME_PORT
    if site.hostname == hostname and site.is_default_site:
        return MATCH_HOSTNAME_DEFAULT
    if site.is_default_site:
        return MATCH_DEFAULT
    return MATCH_HOSTNAME


def choose_site(sites: list[Site], hostname: str, port: int) -> Site | None:
    """The site of `sites` Wagtail's `get_site_for_hostname(hostname, port)` returns, or None
    where it finds none."""
    candidates = sorted(
        (site for site in sites if site.hostname == hostname or site.is_default_site),
        key=lambda site: _match(site, hostname, port),
    )
    if not candidates:
        return None
    best = _match(candidates[0], hostname, port)
    if len(candidates) == 1 or best in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return candidates[0]
    if best == MATCH_DEFAULT:
        # The default, unless exactly one site has the hostname (on another port).
        return candidates[len(candidates) == 2]
    return None  # several sites with the hostname, none on this port, and no default


def find_site(request: HttpRequest) -> Site | None:
    """`Site.find_for_request(request)` without a query while the sites are cached."""
    hostname = split_domain_port(request._get_raw_host())[0]
    try:
        port = int(request.get_port())
    except ValueError:  # a port Wagtail's own query would have to make sense of
        return Site._find_for_request(request)
    return choose_site(page_tree_cached("core:sites", _all_sites, request), hostname, port)


class CachedSiteMiddleware:
    """Finds the site of a page request in the cache before Wagtail's page view looks."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, *_args: Any) -> None:
        if view_func is wagtail_serve and not hasattr(request, "_wagtail_site"):
            request._wagtail_site = find_site(request)  # type: ignore[attr-defined]
