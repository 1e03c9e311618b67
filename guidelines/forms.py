from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import StaffGroup

from .models import CARE_SETTINGS, AdoptionStatus, Category
from .services import REASON_MAX_LENGTH


class GuidelineFilterForm(forms.Form):
    """The filters above the list of guidelines. Every field is optional."""

    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("Any category")), *Category.choices]
    )
    setting = forms.ChoiceField(
        label=_("Setting"),
        required=False,
        choices=[("", _("Any setting"))] + [(code, label) for code, _f, label in CARE_SETTINGS],
    )
    audience = forms.ChoiceField(
        label=_("Written for"),
        required=False,
        choices=[("", _("Everyone")), *StaffGroup.choices],
    )
    unmarked_optional_fields = ("category", "setting", "audience")


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1, max_value=100_000)


class AdoptionForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Your organisation's position"),
        choices=AdoptionStatus.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason or local changes"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Needed if you have not adopted it, or adopted it with local changes. "
            "Do not include anything that identifies a child or family."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        reason = (cleaned.get("reason") or "").strip()
        if status == AdoptionStatus.NOT_ADOPTED and not reason:
            self.add_error("reason", _("Give the reason your organisation has not adopted it."))
        if status == AdoptionStatus.ADOPTED_WITH_CHANGES and not reason:
            self.add_error("reason", _("Describe the local changes your organisation made."))
        cleaned["reason"] = reason
        return cleaned
