"""Coordinators' forms: a return's definition (template, sections, fields) and sending it."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import NetworkRole, Organisation, OrganisationKind

from .models import NUMERIC_KINDS, Field, FieldKind, ReturnTemplate, Section, TemplateStatus

CHOICE_KINDS = {FieldKind.SINGLE_CHOICE, FieldKind.MULTIPLE_CHOICE}
CONDITION_KINDS = {FieldKind.YES_NO, *CHOICE_KINDS}
MAX_CHOICES = 40
MAX_CHOICE_LENGTH = 200


class TemplateForm(forms.ModelForm):
    class Meta:
        model = ReturnTemplate
        fields = ["name", "slug", "introduction", "previous"]
        help_texts = {
            "slug": _("Letters, numbers and hyphens; it names every version of this return."),
            "introduction": _("Shown at the top of every organisation's return."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["previous"].queryset = ReturnTemplate.objects.exclude(
            status=TemplateStatus.DRAFT
        ).exclude(pk=self.instance.pk)
        self.fields["previous"].label = _("Last year's return")
        if self.instance.pk is not None:
            # Every version shares the short name; a new name means a new return.
            del self.fields["slug"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if ReturnTemplate.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _(
                    "A return with this short name exists already. To change it, make a new "
                    "version of that return instead."
                )
            )
        return slug


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title", "position"]
        labels = {"position": _("Order")}
        help_texts = {"position": _("Sections are shown from the lowest number.")}


class FieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “one of a list” and “any of a list”: one option on each line."),
    )
    shown_if_code = forms.ChoiceField(label=_("Shown only if the question"), required=False)

    class Meta:
        model = Field
        fields = [
            "section",
            "group",
            "code",
            "label",
            "definition",
            "kind",
            "unit",
            "required",
            "min_value",
            "max_value",
            "choices_text",
            "max_rows",
            "shown_if_code",
            "shown_if_value",
            "change_factor",
            "prefill",
            "position",
        ]
        labels = {
            "min_value": _("Lowest allowed"),
            "max_value": _("Highest allowed"),
            "position": _("Order"),
        }
        help_texts = {
            "group": _("Put this question in a repeating group, as one of its columns."),
            "definition": _("Shown beside the question, so it means the same everywhere."),
            "unit": _("For example: beds, WTE, hours, children."),
            "max_rows": _("For a repeating group: the most rows an organisation may add."),
            "shown_if_value": _("For a yes/no question, “yes” or “no”; otherwise the option."),
            "prefill": _("A figure the platform already holds, offered to the organisation."),
            "position": _("Questions are shown from the lowest number."),
        }
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, template: ReturnTemplate, **kwargs):
        super().__init__(*args, **kwargs)
        self.template = template
        here = Field.objects.filter(section__template=template).exclude(pk=self.instance.pk)
        self.others = {field.code: field for field in here}
        self.fields["section"].queryset = template.sections.all()
        self.fields["group"].queryset = here.filter(kind=FieldKind.GROUP)
        self.fields["shown_if_code"].choices = [("", _("(always shown)"))] + [
            (field.code, f"{field.label} ({field.code})")
            for field in here.order_by("section__position", "position", "pk")
            if field.kind in CONDITION_KINDS and field.group_id is None
        ]
        if self.instance.pk is not None:
            self.initial.setdefault("choices_text", "\n".join(self.instance.choices or []))

    def clean_choices_text(self) -> list[str]:
        options = [line.strip() for line in self.cleaned_data["choices_text"].splitlines()]
        options = [option for option in options if option]
        if len(options) > MAX_CHOICES:
            raise forms.ValidationError(_("Give %(n)s options or fewer.") % {"n": MAX_CHOICES})
        if any(len(option) > MAX_CHOICE_LENGTH for option in options):
            raise forms.ValidationError(
                _("Keep each option to %(n)s characters or fewer.") % {"n": MAX_CHOICE_LENGTH}
            )
        if len(set(options)) != len(options):
            raise forms.ValidationError(_("Give each option only once."))
        return options

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if code in self.others:
            raise forms.ValidationError(_("Another question in this return has this code."))
        return code

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        options = data.get("choices_text") or []
        group = data.get("group")
        if kind in CHOICE_KINDS and len(options) < 2:
            self.add_error("choices_text", _("Give at least two options, one on each line."))
        if kind and kind not in CHOICE_KINDS and options:
            self.add_error(
                "choices_text", _("Only “one of a list” and “any of a list” have options.")
            )
        low, high = data.get("min_value"), data.get("max_value")
        if kind and kind not in NUMERIC_KINDS and (low is not None or high is not None):
            self.add_error("min_value", _("Only numbers have a lowest or highest value."))
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The highest allowed must not be below the lowest."))
        if data.get("prefill") and kind not in NUMERIC_KINDS:
            self.add_error("prefill", _("Only a number can be suggested from the platform."))
        factor = data.get("change_factor")
        if factor is not None and factor <= 1:
            self.add_error("change_factor", _("Use a number above 1, such as 2."))
        if group is not None and kind == FieldKind.GROUP:
            self.add_error("group", _("A repeating group cannot sit inside another."))
        self._clean_condition(data, group)
        self._keep_what_depends_on_it(data, kind)
        if not self.errors:
            self.instance.choices = options if kind in CHOICE_KINDS else []
        return data

    def _clean_condition(self, data, group) -> None:
        code = data.get("shown_if_code")
        wanted = (data.get("shown_if_value") or "").strip()
        data["shown_if_value"] = wanted
        if not code:
            if wanted:
                self.add_error("shown_if_code", _("Choose the question this answer belongs to."))
            return
        if group is not None:
            self.add_error("shown_if_code", _("A column of a repeating group is always shown."))
            return
        target = self.others[code]
        if self.instance.pk is not None and target.shown_if_code == self.instance.code:
            self.add_error(
                "shown_if_code", _("That question is shown depending on this one; choose another.")
            )
            return
        if target.kind == FieldKind.YES_NO:
            if wanted.lower() not in {"yes", "no"}:
                self.add_error("shown_if_value", _("Enter yes or no."))
            else:
                data["shown_if_value"] = wanted.lower()
        elif wanted not in target.choices:
            self.add_error(
                "shown_if_value",
                _("Enter one of that question's options: %(options)s.")
                % {"options": "; ".join(target.choices)},
            )

    def _keep_what_depends_on_it(self, data, kind) -> None:
        """A question others depend on keeps its code and a kind they can depend on, and a
        group with columns stays a group."""
        if self.instance.pk is None:
            return
        stored = Field.objects.get(pk=self.instance.pk)
        leaning = [f.label for f in self.others.values() if f.shown_if_code == stored.code]
        if leaning and (data.get("code") != stored.code or kind not in CONDITION_KINDS):
            self.add_error(
                "code" if data.get("code") != stored.code else "kind",
                _("Other questions are shown depending on this one: %(labels)s. Change them first.")
                % {"labels": "; ".join(leaning)},
            )
        if stored.kind == FieldKind.GROUP and kind != FieldKind.GROUP:
            if any(f.group_id == stored.pk for f in self.others.values()):
                self.add_error("kind", _("This group has columns; remove them first."))


class SendForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Every organisation of these kinds"),
        choices=OrganisationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.MultipleChoiceField(
        label=_("Every organisation in these roles"),
        choices=NetworkRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    named = forms.ModelMultipleChoiceField(
        label=_("These organisations by name"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_date = forms.DateField(
        label=_("Due date"),
        help_text=_("For example, 2027-03-31."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_due_date(self) -> datetime.date:
        due = self.cleaned_data["due_date"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("Choose a date from today on."))
        return due

    def clean(self):
        data = super().clean()
        if not (data.get("kinds") or data.get("roles") or data.get("named")):
            raise forms.ValidationError(
                _("Choose at least one kind, role or organisation to send the return to.")
            )
        return data
