"""The "Discussion" section of guideline and session pages: the threads about the page
that the viewer can see, with a link to start one. Forums adds it to those pages through
the `discussion_panels` hook (core.dashboard), so neither app loads forums' code."""

from __future__ import annotations

from typing import Any

from members import permissions as member_permissions

from . import permissions
from .models import Category
from .queries import visible_threads

DISCUSSIONS_LIMIT = 20
# Where "Start a discussion" starts one: the first of these open categories that exists
# (slugs as in `demo.loaders.forums`), otherwise the first open category.
DISCUSSION_CATEGORY_SLUGS = {
    "guideline": ("guidelines",),
    "echo": ("case-follow-up", "study-days-and-events"),
    "occurrence": ("study-days-and-events", "case-follow-up"),
}


def discussion_category(user: Any, kind: str) -> Category | None:
    """An open category (readable by every member) in which to discuss a `kind` of thing:
    "guideline", "echo" (an ECHO session) or "occurrence" (any other event)."""
    open_categories = list(permissions.visible_categories(user).filter(restricted_to__isnull=True))
    by_slug = {category.slug: category for category in open_categories}
    for slug in DISCUSSION_CATEGORY_SLUGS[kind]:
        if slug in by_slug:
            return by_slug[slug]
    return open_categories[0] if open_categories else None


def _discussion_kind(kind: str, target: Any) -> str:
    if kind == "occurrence" and getattr(target.event, "echo_programme", None) is not None:
        return "echo"
    return kind


def discussions(user: Any, *, guideline=None, occurrence=None) -> dict:
    """The threads about this guideline or occurrence the member can see, and where to
    start one; {"show": False} for visitors, unapproved accounts and unsaved objects."""
    kind, target = ("guideline", guideline) if guideline is not None else ("occurrence", occurrence)
    if (
        not member_permissions.is_approved_member(user)
        or target is None
        or getattr(target, "pk", None) is None
    ):
        return {"show": False}
    threads = (
        visible_threads(user)
        .filter(**{kind: target})
        .select_related("category")
        .order_by("-last_post_at", "-pk")
    )
    return {
        "show": True,
        "threads": list(threads[:DISCUSSIONS_LIMIT]),
        "category": discussion_category(user, _discussion_kind(kind, target)),
        "parameter": kind,
        "target_id": target.pk,
    }
