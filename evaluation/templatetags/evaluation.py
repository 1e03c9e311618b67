from __future__ import annotations

from django import template

from learning.models import FrameworkLevel

register = template.Library()


@register.simple_tag
def ask_url(ask) -> str:
    """The address of the form answering `ask`."""
    from evaluation.views import ask_url as url_of

    return url_of(ask)


@register.filter
def get(mapping, key):
    return mapping.get(key, "")


@register.filter
def level_label(value: str) -> str:
    if value in FrameworkLevel.values:
        return str(FrameworkLevel(value).label)
    return value or "–"
