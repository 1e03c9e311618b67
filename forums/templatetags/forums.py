"""Forum template tags: `{% load forums %}` gives `{% page_numbers page %}`."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_numbers(page: Page) -> list:
    """Page numbers around the current page, with `…` (the paginator's ELLIPSIS) between."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
