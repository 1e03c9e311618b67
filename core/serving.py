"""Serving pages with fewer queries (issue 15), with the same answers as Wagtail's.

Wagtail routes a request for `/learning/track/module/` one level at a time: at each level
it reads the child with the next slug, then reads that child again as its specific type:
two queries a level, eight for a module. It checks a page's view restrictions by reading
its ancestors and then the restrictions on them: two more, on every page, although only
a handful of sections are restricted.

`QuickServing`, mixed into every page model of the project ahead of Wagtail's `Page`,
does the same with what is kept in the page-tree cache (`core.pagecache`, forgotten
whenever a page or a view restriction changes):

- `route()` reads the ids and types of the pages along the path once per generation of
  the tree, then reads each page on the way once, as its specific type (each knows its
  parent, as with Wagtail: breadcrumbs cost nothing). The rules are Wagtail's: a child
  is found by slug whether it is live or not; a routable page that is live answers with
  its own route first; a page with a `route()` of its own decides for itself; the page
  at the end is served if it is live, and everything else is a 404.
- `get_view_restrictions()` answers from the cached list of restricted sections when no
  alias is involved (an alias takes the restrictions of the page it copies, so then
  Wagtail's own look-up runs), and reads the restrictions only when there are some.

`cop_site/tests/test_serving.py` compares both with Wagtail's own on a tree that has live,
draft, routable, restricted and aliased pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Page, PageViewRestriction
from wagtail.url_routing import RouteResult

from .pagecache import page_tree_cached


def _route_of(model: type) -> Any:
    """The `route()` function a page of `model` runs, passing over this module's."""
    for klass in model.__mro__:
        if "route" in klass.__dict__ and klass is not QuickServing:
            return klass.__dict__["route"]
    return Page.route


def _pages_along(root: Page, components: list[str], request: Any) -> list[tuple[int, int]]:
    """(id, content type id) of each page below `root` on the path `components`, as far as
    the path goes down the tree; read once per generation of the tree."""

    def read() -> list[tuple[int, int]]:
        prefixes = [
            root.url_path + "".join(f"{component}/" for component in components[: n + 1])
            for n in range(len(components))
        ]
        rows = {
            url_path: (pk, path, depth, slug, content_type_id)
            for pk, url_path, path, depth, slug, content_type_id in Page.objects.filter(
                path__startswith=root.path,
                depth__gt=root.depth,
                depth__lte=root.depth + len(components),
                url_path__in=prefixes,
            ).values_list("pk", "url_path", "path", "depth", "slug", "content_type_id")
        }
        found: list[tuple[int, int]] = []
        parent_path = root.path
        for prefix, component in zip(prefixes, components, strict=True):
            row = rows.get(prefix)
            # The url_path is the index; the tree is the truth: the page must be a child
            # of the one above it and carry the slug.
            if row is None or row[3] != component or row[1][: -Page.steplen] != parent_path:
                break
            found.append((row[0], row[4]))
            parent_path = row[1]
        return found

    key = f"core:route:{root.pk}:{'/'.join(components)}"
    return page_tree_cached(key, read, request)


def _specific(page_id: int, content_type_id: int, parent: Page) -> Page:
    """The page read once, as its specific type (Wagtail reads it twice: as a `Page`, then
    as its type), knowing its parent as Wagtail's routing does: `get_parent()` is free."""
    model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
    page = model._default_manager.get(id=page_id)
    page._cached_parent_obj = parent
    return page


def _subpage_route(model: type, components: list[str]) -> bool:
    path = "/" + "".join(f"{component}/" for component in components)
    try:
        model.get_resolver().resolve(path)
    except Http404:
        return False
    return True


class QuickServing:
    """Wagtail's routing and view-restriction checks, with fewer queries (see the module)."""

    def route(self, request: Any, path_components: list[str]) -> RouteResult:
        page: Any = self
        components = list(path_components)
        along = _pages_along(self, components, request) if components else []
        for depth in range(len(components) + 1):
            remaining = components[depth:]
            route = _route_of(type(page))
            if route is RoutablePageMixin.route:
                if page.live and _subpage_route(type(page), remaining):
                    return route(page, request, remaining)
            elif route is not Page.route:
                # A route of the page's own: it decides (and may come back here).
                return route(page, request, remaining)
            if not remaining:
                break
            if depth >= len(along):
                raise Http404
            page = _specific(*along[depth], parent=page)
        if page.live:
            return RouteResult(page)
        raise Http404

    def get_view_restrictions(self) -> Any:
        sections = page_tree_cached("core:view-restriction-sections", _restricted_sections)
        path: str = self.path  # type: ignore[attr-defined]
        if any(path.startswith(alias_path) for alias_path in sections["aliases"]):
            return Page.get_view_restrictions(self)  # type: ignore[arg-type]
        ids = [
            page_id
            for page_id, restricted_path in sections["restricted"]
            if path.startswith(restricted_path)
        ]
        if not ids:
            return PageViewRestriction.objects.none()
        return PageViewRestriction.objects.filter(page_id__in=ids)


def _restricted_sections() -> dict[str, list]:
    """The pages that carry view restrictions, and the aliases (whose subtrees take the
    restrictions of the pages they copy)."""
    return {
        "restricted": sorted(set(PageViewRestriction.objects.values_list("page_id", "page__path"))),
        "aliases": list(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)),
    }
