"""Django's commonest widget templates, rendered in Python with the same output.

A form page renders each widget through Django's template engine: one template for an
input (with two includes), and one per option for a select. A register of 200 people has
800 widgets, and those renders were most of the page's time. `WidgetRenderer` writes the
HTML of the stock input, select and textarea templates directly, escaping and
localising every value exactly as the templates do, and hands anything else (another
template, a custom option template, an attribute the template would treat specially) to
the templates as before. `core/tests/test_form_rendering.py` holds it to the templates'
output, byte for byte, and fails if Django changes those templates.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape as html_escape
from typing import Any

from django.forms import BoundField
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString

WIDGETS = "django/forms/widgets/"
# The stock templates that are `{% include "django/forms/widgets/input.html" %}` and no more.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "color", "search", "tel", "password",
        "hidden", "file", "date", "datetime", "time", "checkbox",
    )
)  # fmt: skip
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"
TEXTAREA_TEMPLATE = f"{WIDGETS}textarea.html"

# What a template renders with: autoescaping on, localisation and time zones as set.
_TEMPLATE_CONTEXT = Context(autoescape=True)


class _UseTemplate(Exception):
    """A value the templates would treat in a way the Python version does not copy."""


def _plain(value: Any) -> Any:
    # A template calls what is callable: left to the template.
    if callable(value):
        raise _UseTemplate
    return value


def _shown(value: Any) -> str:
    """`{{ value }}`: localised, then escaped unless already safe."""
    if type(value) is str:  # nothing to localise: the common case, kept quick
        return html_escape(value)
    return render_value_in_context(_plain(value), _TEMPLATE_CONTEXT)


def _string_formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: `stringformat` keeps safe text safe (is_safe=True)."""
    if type(value) is str:
        return html_escape(value)
    value = _plain(value)
    if isinstance(value, SafeData):
        return conditional_escape(value)
    return html_escape("%s" % (str(value) if isinstance(value, tuple) else value))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    if "items" in attrs:  # `widget.attrs.items` would find this key, not the method
        raise _UseTemplate
    html = []
    for name, value in attrs.items():
        if _plain(value) is True:
            html.append(f" {_shown(name)}")
        elif value is not False:
            html.append(f' {_shown(name)}="{_string_formatted(value)}"')
    return "".join(html)


def _input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    shown_value = f' value="{_string_formatted(value)}"' if value is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>"
    )


def _option(option: Mapping[str, Any]) -> str:
    """django/forms/widgets/select_option.html, with the newline the file ends in."""
    if option["template_name"] != OPTION_TEMPLATE:
        raise _UseTemplate
    return (
        f'\n  <option value="{_string_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


def _optgroup(name: Any, options: list[Mapping[str, Any]]) -> str:
    html = "".join(_option(option) for option in options)
    if name:
        return f'\n  <optgroup label="{_shown(name)}">{html}\n  </optgroup>'
    return html


def _select(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/select.html."""
    groups = "".join(_optgroup(name, options) for name, options, _ in widget["optgroups"])
    return f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>{groups}\n</select>'


def _textarea(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_shown(value) if value else ''}</textarea>"
    )


def _in_python(template_name: str, widget: Mapping[str, Any]) -> str | None:
    """The template's output, or None for a template this module does not write."""
    if template_name in INPUT_TEMPLATES:
        return _input(widget)
    if template_name == SELECT_TEMPLATE:
        return _select(widget)
    if template_name == TEXTAREA_TEMPLATE:
        return _textarea(widget)
    return None


class WidgetRenderer(DjangoTemplates):
    """Django's default form renderer, writing the stock input, select and textarea
    templates in Python; every other template is rendered as Django would."""

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        """The template's output, as `BaseRenderer.render` gives it (which
        `Widget._render` marks safe): escaped here as the template escapes."""
        widget = context.get("widget")
        if request is None and isinstance(widget, Mapping):
            try:
                html = _in_python(template_name, widget)
            except _UseTemplate:
                html = None
            if html is not None:
                return html
        return super().render(template_name, context, request=request)


widget_renderer = WidgetRenderer()


def renderer_for(form_renderer: BaseRenderer) -> BaseRenderer:
    """The renderer to use in place of a form's: this module's when the form has Django's
    default one (whose templates are the stock ones), else the form's own."""
    return widget_renderer if type(form_renderer) is DjangoTemplates else form_renderer


def render_widget(field: BoundField, attrs: dict[str, Any] | None = None) -> SafeString:
    """`field.as_widget(attrs=attrs)`, written in Python where the templates allow."""
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True
    widget_attrs = field.build_widget_attrs(attrs or {}, widget)
    if field.auto_id and "id" not in widget.attrs:
        widget_attrs.setdefault("id", field.auto_id)
    return widget.render(
        name=field.html_name,
        value=field.value(),
        attrs=widget_attrs,
        renderer=renderer_for(field.form.renderer),
    )
