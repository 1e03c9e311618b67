"""Template filters for member text. `{% load sanitise %}` then `{{ post.body|markdown }}`."""

from django import template

from core import sanitise

register = template.Library()


@register.filter(name="clean_html")
def clean_html_filter(value: str) -> str:
    return sanitise.clean_html(str(value or ""))


@register.filter(name="markdown")
def markdown_filter(value: str) -> str:
    return sanitise.markdown_to_html(str(value or ""))


@register.filter(name="plain_text")
def plain_text_filter(value: str) -> str:
    return sanitise.plain_text_to_html(str(value or ""))
