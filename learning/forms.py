from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_PERIOD_YEARS = 10


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, or beyond the last year a date can hold
        try:
            return day.replace(year=day.year + years, day=28)
        except ValueError:
            return datetime.date.max


class PeriodForm(forms.Form):
    """The period of the CPD record; both dates are inclusive."""

    start = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )
    end = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}), required=True
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end date must be on or after the start date."))
            elif end > _years_after(start, MAX_PERIOD_YEARS):
                self.add_error("start", _("Choose a period of ten years or less."))
            if end > timezone.localdate() + datetime.timedelta(days=366):
                self.add_error("end", _("Choose an end date no more than a year from now."))
            if start < datetime.date(2000, 1, 1):
                self.add_error("start", _("Choose a start date in 2000 or later."))
        return cleaned


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=40,
        help_text=_(
            "The code printed at the foot of the certificate, for example ABCD-EFGH-JKLM-NPQR."
        ),
    )
