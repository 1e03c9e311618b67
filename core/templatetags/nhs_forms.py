"""Render Django form fields with NHS.UK frontend markup."""

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

from core.form_rendering import render_widget

register = template.Library()

_WIDGET_CLASSES = {
    "select": "nhsuk-select",
    "selectmultiple": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "checkbox": "nhsuk-checkboxes__input",
    "clearablefile": "nhsuk-file-upload",
    "file": "nhsuk-file-upload",
}


@register.filter
def nhs_widget(field: BoundField) -> SafeString:
    """The field's widget with the NHS class, the error state and the hint linked."""
    widget_type = field.widget_type
    css = _WIDGET_CLASSES.get(widget_type, "nhsuk-input")
    if field.errors:
        css += f" {css.split()[0]}--error"
    attrs = {"class": css}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return render_widget(field, attrs)


@register.filter
def is_choice_list(field: BoundField) -> bool:
    return field.widget_type in {"radioselect", "checkboxselectmultiple"}


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return field.widget_type == "checkbox"


@register.filter
def is_marked_optional(field: BoundField) -> bool:
    """Optional fields say so, unless the form answers for them (one-of-two choices)."""
    unmarked = getattr(field.form, "unmarked_optional_fields", ())
    return not field.field.required and field.name not in unmarked
