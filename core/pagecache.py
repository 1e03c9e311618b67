"""What is read from the page tree and is the same for everyone (the learning index and its
tracks, a section's index page, the latest news, the pages under view restrictions, the
sites), kept in the cache until the tree changes.

Every entry belongs to one generation of the tree. Publishing, unpublishing, moving,
saving or deleting a page or a site, or adding or removing a view restriction, starts the next
generation (`forget_page_tree_data`, connected in `core.apps`), so every entry is
forgotten at once, in every process, whichever process made the change. Nothing per
member belongs here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

from .perrequest import once_per_request

T = TypeVar("T")
QS = TypeVar("QS", bound=QuerySet)

GENERATION_KEY = "core:page-tree:generation"
ENTRY_SECONDS = 60 * 60


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A new cache, or the key was evicted: start from a number no earlier generation
        # used, so entries kept under an old one are never read again.
        cache.add(GENERATION_KEY, time.time_ns(), None)
        generation = cache.get(GENERATION_KEY) or time.time_ns()
    return generation


def page_tree_cached(key: str, compute: Callable[[], T], request: Any = None) -> T:
    """`compute()`, kept until the page tree next changes. `key` names the app and what it
    is (`"learning:tracks"`); the value must be the same for everyone and picklable. With
    `request`, the tree's generation is read from the cache once for the request."""
    generation = (
        once_per_request(request, "core:page-tree-generation", _generation)
        if request is not None
        else _generation()
    )
    entry_key = f"core:page-tree:{generation}:{key}"
    found = cache.get(entry_key)
    if found is None:
        found = (compute(),)  # a tuple, so that None is kept too
        cache.set(entry_key, found, ENTRY_SECONDS)
    return found[0]


def _next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # nothing was cached under any generation still known
        pass


def forget_page_tree_data(**_kwargs: Any) -> None:
    """Start the next generation now, and again when the change is committed: a request
    that read the tree between the two kept what it read under the generation in between,
    which nobody reads once the change is committed."""
    _next_generation()
    transaction.on_commit(_next_generation)


def _page_saved_or_deleted(sender: Any, instance: Any, **_kwargs: Any) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        forget_page_tree_data()


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(forget_page_tree_data, dispatch_uid=f"core.pagecache.{id(signal)}")
    for signal in (post_save, post_delete):
        signal.connect(_page_saved_or_deleted, dispatch_uid=f"core.pagecache.page.{id(signal)}")
        signal.connect(
            forget_page_tree_data,
            sender=PageViewRestriction,
            dispatch_uid=f"core.pagecache.restriction.{id(signal)}",
        )
        signal.connect(
            forget_page_tree_data, sender=Site, dispatch_uid=f"core.pagecache.site.{id(signal)}"
        )


def _private_sections() -> list[tuple[str, int]]:
    from wagtail.models import PageViewRestriction

    return list(PageViewRestriction.objects.values_list("page__path", "page__depth"))


def public(queryset: QS, request: Any = None) -> QS:
    """`queryset.public()`: pages neither under a view restriction nor below one, with the
    restricted pages read from the cache rather than once per queryset."""
    private = Q()
    for path, depth in page_tree_cached("core:private-sections", _private_sections, request):
        private |= Q(path__startswith=path) & Q(depth__gte=depth)
    # As Wagtail's own: with no private section, exclude nothing.
    return queryset.exclude(private if private else Q(pk__in=[]))
