"""Forum template tags: `{% load forums %}`.

`{% discussions_for guideline=page %}` or `{% discussions_for occurrence=occurrence %}`
lists the threads about that guideline or event occurrence the viewer can see, with a
link to start one. Visitors and unapproved accounts get nothing.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page

from members import permissions as member_permissions

from .. import permissions
from ..models import Category
from ..views import visible_threads

register = template.Library()

DISCUSSIONS_LIMIT = 20
# Where "Start a discussion" starts one: the first of these open categories that exists
# (slugs as in `forums.demo_network`), otherwise the first open category.
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


@register.inclusion_tag("forums/includes/discussions.html", takes_context=True)
def discussions_for(context, *, guideline=None, occurrence=None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
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


@register.simple_tag
def page_numbers(page: Page) -> list:
    """Page numbers around the current page, with `…` (the paginator's ELLIPSIS) between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
