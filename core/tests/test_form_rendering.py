"""`core.form_rendering` writes exactly what Django's widget templates write."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

import django.forms
import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.utils.functional import lazystr
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core import form_rendering
from core.form_rendering import render_widget, widget_renderer

TEMPLATES = DjangoTemplates()
AWKWARD = 'Tom & Jerry\'s <b>"best"</b>\nsecond line'

WIDGETS = [
    forms.TextInput(),
    forms.TextInput(attrs={"placeholder": _("For example 12/01/2027"), "maxlength": 30}),
    forms.TextInput(attrs={"readonly": True, "disabled": False, "data-x": None, "size": 3.5}),
    forms.TextInput(attrs={"title": mark_safe("<i>safe</i>"), "aria-label": lazystr("a & b")}),
    forms.TextInput(attrs={"data-pair": (1, "x")}),
    forms.NumberInput(attrs={"min": 0, "step": Decimal("0.5")}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}),
    forms.DateInput(format="%d/%m/%Y"),
    forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    forms.DateTimeInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 6}),
    forms.Select(choices=[("", _("Not marked")), ("present", _("Present")), ("absent", "A<b")]),
    forms.Select(choices=[(1, 1), (2, Decimal("2.5")), (None, "none"), (3, True)]),
    forms.Select(choices=[("", "Any"), (_("Hospices"), [("h1", "North"), ("h2", "South & East")])]),
    forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]),
    forms.NullBooleanSelect(),
    # Rendered by the templates as before: only the renderer is shared.
    forms.RadioSelect(choices=[("a", "A"), ("b", "B")]),
    forms.CheckboxSelectMultiple(choices=[("a", "A"), ("b", "B")]),
    forms.ClearableFileInput(),
    forms.SplitDateTimeWidget(),
    forms.SelectDateWidget(years=[2026, 2027]),
]
VALUES = [
    None,
    "",
    "present",
    AWKWARD,
    mark_safe("<em>kept</em>"),
    0,
    1,
    Decimal("2.5"),
    True,
    False,
    ["a", "c"],
    datetime.date(2027, 1, 12),
    datetime.time(12, 30),
    datetime.datetime(2027, 1, 12, 12, 30, tzinfo=datetime.UTC),
]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda widget: type(widget).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("attrs", [None, {"id": "id_field", "class": "nhsuk-input"}])
def test_each_widget_renders_as_the_templates_do(widget, value, attrs):
    try:
        expected = widget.render("field", value, attrs=attrs, renderer=TEMPLATES)
    except (TypeError, ValueError, AttributeError) as refused:
        # A value this widget cannot take: this renderer refuses it too, with the same error.
        with pytest.raises(type(refused), match=re.escape(str(refused))) as raised:
            widget.render("field", value, attrs=attrs, renderer=widget_renderer)
        assert type(raised.value) is type(refused)
        return
    assert widget.render("field", value, attrs=attrs, renderer=widget_renderer) == expected


def test_localised_numbers_render_as_the_templates_do(settings):
    settings.USE_THOUSAND_SEPARATOR = True
    number = forms.NumberInput()
    number.is_localized = True
    select = forms.Select(choices=[(1234, 1234), (5678.5, Decimal("5678.5"))])
    for widget, value in [(number, 1234567), (select, 1234)]:
        expected = widget.render("n", value, renderer=TEMPLATES)
        assert widget.render("n", value, renderer=widget_renderer) == expected


def test_what_the_templates_treat_specially_is_left_to_them(monkeypatch):
    used = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        used.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    called = forms.TextInput(attrs={"data-callable": lambda: "called"})
    assert called.render("f", "x", renderer=widget_renderer) == called.render(
        "f", "x", renderer=TEMPLATES
    )
    assert 'data-callable="called"' in called.render("f", "x", renderer=widget_renderer)
    # `widget.attrs.items` finds this key before the dict's method: the template fails,
    # and so does this renderer, in the template.
    items = forms.TextInput(attrs={"items": "looked up first"})
    for renderer in (TEMPLATES, widget_renderer):
        with pytest.raises(ValueError, match="unpack"):
            items.render("f", "x", renderer=renderer)
    assert used == ["django/forms/widgets/text.html"] * 5


def test_a_custom_option_template_is_left_to_the_templates():
    class Fancy(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Fancy(choices=[("a", "A")])
    assert widget.render("f", "a", renderer=widget_renderer) == widget.render(
        "f", "a", renderer=TEMPLATES
    )


class EveryKindForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=20, help_text=_("Your full name."))
    count = forms.IntegerField(min_value=0, required=False)
    share = forms.DecimalField(localize=True, required=False)
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(choices=[("", "Not marked"), ("p", "Present")], required=False)
    groups = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    agree = forms.BooleanField(required=False)
    note = forms.CharField(widget=forms.Textarea, required=False)
    member = forms.IntegerField(widget=forms.HiddenInput)


BOUND = {
    "name": AWKWARD,
    "count": "-3",
    "share": "12,5",
    "when": "31/02/2027",
    "status": "zz",
    "groups": ["b"],
    "agree": "on",
    "note": "<script>alert(1)</script>",
}


@pytest.mark.parametrize(
    "form",
    [
        lambda: EveryKindForm(),
        lambda: EveryKindForm(initial={"name": "Ada", "count": 3, "when": datetime.date.today()}),
        lambda: EveryKindForm(BOUND),
        lambda: EveryKindForm(BOUND, prefix="form-3", auto_id="row_%s"),
        lambda: EveryKindForm(BOUND, use_required_attribute=False),
    ],
)
def test_fields_render_as_as_widget_does(form):
    form = form()
    for field in form:
        attrs = {"class": "nhsuk-input", "aria-describedby": f"{field.auto_id}-hint"}
        assert render_widget(field, attrs) == field.as_widget(attrs=attrs)
        assert render_widget(field) == field.as_widget()


@pytest.mark.parametrize("data", [None, BOUND])
def test_nhs_widget_writes_what_the_templates_wrote(data, monkeypatch):
    template = Template(
        "{% load nhs_forms %}{% for field in form %}{{ field|nhs_widget }}{% endfor %}"
    )
    context = Context({"form": EveryKindForm(data)})
    fast = template.render(context)
    monkeypatch.setattr(form_rendering, "renderer_for", lambda renderer: renderer)
    assert template.render(Context({"form": EveryKindForm(data)})) == fast
    assert 'class="nhsuk-input' in fast


def test_a_form_with_its_own_renderer_keeps_it():
    class Own(DjangoTemplates):
        pass

    own = Own()
    assert form_rendering.renderer_for(own) is own
    assert form_rendering.renderer_for(TEMPLATES) is widget_renderer
    assert form_rendering.renderer_for(widget_renderer) is widget_renderer


STOCK = Path(django.forms.__file__).parent / "templates" / "django" / "forms" / "widgets"


def test_the_stock_templates_are_the_ones_copied():
    """A Django upgrade that changes these templates fails here: copy the change."""
    include = '{% include "django/forms/widgets/input.html" %}\n'
    for name in form_rendering.INPUT_TEMPLATES - {f"{form_rendering.WIDGETS}input.html"}:
        assert (STOCK / Path(name).name).read_text() == include, name
    assert (STOCK / "input.html").read_text() == (
        '<input type="{{ widget.type }}" name="{{ widget.name }}"{% if widget.value != None %}'
        " value=\"{{ widget.value|stringformat:'s' }}\"{% endif %}"
        '{% include "django/forms/widgets/attrs.html" %}>\n'
    )
    assert (STOCK / "attrs.html").read_text() == (
        "{% for name, value in widget.attrs.items %}{% if value is not False %} {{ name }}"
        "{% if value is not True %}=\"{{ value|stringformat:'s' }}\"{% endif %}{% endif %}"
        "{% endfor %}"
    )
    assert (STOCK / "select.html").read_text() == (
        '<select name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>'
        "{% for group_name, group_choices, group_index in widget.optgroups %}"
        '{% if group_name %}\n  <optgroup label="{{ group_name }}">{% endif %}'
        "{% for option in group_choices %}\n  {% include option.template_name with widget=option %}"
        "{% endfor %}{% if group_name %}\n  </optgroup>{% endif %}{% endfor %}\n</select>\n"
    )
    assert (STOCK / "select_option.html").read_text() == (
        "<option value=\"{{ widget.value|stringformat:'s' }}\""
        '{% include "django/forms/widgets/attrs.html" %}>{{ widget.label }}</option>\n'
    )
    assert (STOCK / "textarea.html").read_text() == (
        '<textarea name="{{ widget.name }}"{% include "django/forms/widgets/attrs.html" %}>\n'
        "{% if widget.value %}{{ widget.value }}{% endif %}</textarea>\n"
    )
