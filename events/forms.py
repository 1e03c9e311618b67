from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from core.form_rendering import widget_renderer
from core.pii import IdentifiableTextError, describe
from members.models import ApprovalStatus, StaffGroup, User
from members.roles import FACILITATORS

from . import scheduling
from .models import (
    AgeBand,
    AttendanceMode,
    AttendanceStatus,
    Case,
    ConditionGroup,
    EchoProgramme,
    EventKind,
)
from .services.calendar import EventData
from .services.cases import CaseData, ReviewDecision, check_case_text

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def combine_local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=scheduling.network_zone())


class TimesMixin:
    def clean_times(self, cleaned: dict) -> None:
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))


class EventForm(TimesMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    date = forms.DateField(
        label=_("Date (of the first occurrence)"),
        widget=DATE_WIDGET,
        help_text=_("For example 12/01/2027."),
    )
    start_time = forms.TimeField(label=_("Start time (UK time)"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("End time (UK time)"), widget=TIME_WIDGET)
    recurrence = forms.ChoiceField(
        label=_("Repeats"),
        choices=scheduling.Recurrence.choices,
        widget=forms.RadioSelect,
        initial=scheduling.Recurrence.NONE,
        help_text=_(
            "Monthly on the same weekday follows the first date: 12 January 2027 is the "
            "second Tuesday, so every session is on a second Tuesday."
        ),
    )
    repeat_until = forms.DateField(
        label=_("Repeat until"), widget=DATE_WIDGET, required=False,
        help_text=_("Last date of the series, e.g. the end of the ECHO cycle."),
    )  # fmt: skip
    audience = forms.MultipleChoiceField(
        label=_("Who it is for"),
        choices=StaffGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked if it is for everyone."),
    )
    attendance_mode = forms.ChoiceField(
        label=_("Online or in person"), choices=AttendanceMode.choices, widget=forms.RadioSelect
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video-call link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["https"])],
        help_text=_("An https:// address for Teams, Zoom or Jitsi. Only members see it."),
    )
    capacity = forms.IntegerField(
        label=_("Places"), min_value=1, max_value=10000, required=False,
        help_text=_("Leave empty for no limit."),
    )  # fmt: skip
    waiting_list = forms.BooleanField(
        label=_("Keep a waiting list when full"), required=False, initial=True
    )
    cpd_hours = forms.DecimalField(
        label=_("CPD hours"), min_value=Decimal("0"), max_value=Decimal("99.5"),
        decimal_places=1, initial=Decimal("0"),
    )  # fmt: skip
    description = forms.CharField(
        label=_("Description"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Simple HTML is allowed: paragraphs, lists, links, bold and italics."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        self.clean_times(cleaned)
        mode = cleaned.get("attendance_mode")
        if mode in {AttendanceMode.IN_PERSON, AttendanceMode.HYBRID} and not cleaned.get("venue"):
            self.add_error("venue", _("Give the venue for an in-person or hybrid event."))
        recurrence = cleaned.get("recurrence")
        until, day = cleaned.get("repeat_until"), cleaned.get("date")
        if recurrence == scheduling.Recurrence.NONE and until:
            self.add_error("repeat_until", _("Only a repeating event has an end date."))
        if until and day and until < day:
            self.add_error("repeat_until", _("The series cannot end before its first date."))
        return cleaned

    def event_data(self) -> EventData:
        data = self.cleaned_data
        return EventData(
            title=data["title"],
            kind=data["kind"],
            start=combine_local(data["date"], data["start_time"]),
            end=combine_local(data["date"], data["end_time"]),
            recurrence=data["recurrence"],
            repeat_until=data["repeat_until"],
            audience=data["audience"],
            attendance_mode=data["attendance_mode"],
            venue=data["venue"],
            video_link=data["video_link"],
            capacity=data["capacity"],
            waiting_list=data["waiting_list"],
            cpd_hours=data["cpd_hours"],
            description=data["description"],
        )

    @classmethod
    def initial_for(cls, event) -> dict:
        details = event.details
        start, end = scheduling.local(event.start), scheduling.local(event.end)
        until = event.end_recurring_period
        return {
            "title": event.title,
            "kind": details.kind,
            "date": start.date(),
            "start_time": start.time(),
            "end_time": end.time(),
            "recurrence": scheduling.recurrence_of(event),
            "repeat_until": (scheduling.local(until) - datetime.timedelta(days=1)).date()
            if until
            else None,
            "audience": details.audience,
            "attendance_mode": details.attendance_mode,
            "venue": details.venue,
            "video_link": details.video_link,
            "capacity": details.capacity,
            "waiting_list": details.waiting_list,
            "cpd_hours": details.cpd_hours,
            "description": details.description,
        }


class MoveOccurrenceForm(TimesMixin, forms.Form):
    date = forms.DateField(label=_("New date"), widget=DATE_WIDGET)
    start_time = forms.TimeField(label=_("New start time (UK time)"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("New end time (UK time)"), widget=TIME_WIDGET)

    def clean(self) -> dict:
        cleaned = super().clean()
        self.clean_times(cleaned)
        return cleaned

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        data = self.cleaned_data
        return (
            combine_local(data["date"], data["start_time"]),
            combine_local(data["date"], data["end_time"]),
        )


class CancelOccurrenceForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("Short title"),
        max_length=120,
        help_text=_("For example “Breathlessness at home in a teenager with DMD”."),
    )
    age_band = forms.ChoiceField(label=_("Age band"), choices=AgeBand.choices)
    condition_group = forms.ChoiceField(
        label=_("Condition group"), choices=ConditionGroup.choices, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("De-identified summary"),
        max_length=Case.MAX_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Ages, diagnoses, medicines, doses and settings are fine. Leave out names, NHS and "
            "hospital numbers, dates of birth or other full dates, postcodes, phone numbers and "
            "e-mail addresses: the form refuses them."
        ),
    )
    question = forms.CharField(
        label=_("Your question for the panel"),
        max_length=Case.MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            check_case_text(self.case_data())
        except IdentifiableTextError as error:
            for field, findings in error.findings.items():
                for finding in findings:
                    self.add_error(field, describe(finding))
        return cleaned

    def case_data(self) -> CaseData:
        data = self.cleaned_data
        return CaseData(
            title=data["title"],
            age_band=data["age_band"],
            condition_group=data["condition_group"],
            summary=data["summary"],
            question=data["question"],
        )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (ReviewDecision.ACCEPT, _("Accept for the session")),
            (ReviewDecision.REQUEST_CHANGES, _("Ask the presenter for changes")),
            (ReviewDecision.DECLINE, _("Decline")),
        ],
    )
    note = forms.CharField(
        label=_("Note to the presenter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when asking for changes or declining."),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") in {ReviewDecision.REQUEST_CHANGES, ReviewDecision.DECLINE}:
            if not (cleaned.get("note") or "").strip():
                self.add_error("note", _("Tell the presenter what to change or why."))
        return cleaned


class RecommendationForm(forms.Form):
    body = forms.CharField(
        label=_("Recommendation"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AttendanceRowForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", _("Not marked")), *AttendanceStatus.choices],
        required=False,
    )
    minutes = forms.IntegerField(label=_("Minutes present"), min_value=0, required=False)
    reason = forms.CharField(label=_("Reason for a change"), max_length=500, required=False)


# The register and the curriculum have several widgets a row: `widget_renderer` writes them
# without a template render each.
AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, extra=0, max_num=2000, renderer=widget_renderer
)


def validate_month(value: str) -> datetime.date | None:
    try:
        year, month = (int(part) for part in value.split("-"))
        return datetime.date(year, month, 1)
    except (ValueError, TypeError):
        return None


class CalendarFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *EventKind.choices], required=False
    )
    audience = forms.ChoiceField(
        label=_("For"),
        choices=[("", _("All staff groups")), *StaffGroup.choices],
        required=False,
    )


class ProgrammeForm(forms.ModelForm):
    target_staff_groups = forms.MultipleChoiceField(
        label=_("Target staff groups"),
        choices=StaffGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = EchoProgramme
        fields = [
            "name",
            "description",
            "series",
            "hub_team",
            "target_staff_groups",
            "cycle_start",
            "cycle_end",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "hub_team": forms.CheckboxSelectMultiple,
            "cycle_start": DATE_WIDGET,
            "cycle_end": DATE_WIDGET,
        }
        help_texts = {
            "series": _("The ECHO session series on the calendar (add it as an event first)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from schedule.models import Event

        taken = EchoProgramme.objects.exclude(pk=self.instance.pk).values("series_id")
        self.fields["series"].queryset = (
            Event.objects.filter(details__kind=EventKind.ECHO_SESSION)
            .exclude(pk__in=taken)
            .order_by("title")
        )
        self.fields["hub_team"].queryset = User.objects.filter(
            groups__name=FACILITATORS, approval_status=ApprovalStatus.APPROVED, is_active=True
        ).order_by("full_name")
        self.fields["description"].max_length = 5000

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("cycle_start"), cleaned.get("cycle_end")
        if start and end and end < start:
            self.add_error("cycle_end", _("The cycle must end after it starts."))
        return cleaned


class SessionPlanForm(forms.Form):
    occurrence = forms.IntegerField(widget=forms.HiddenInput)
    didactic_topic = forms.CharField(label=_("Teaching topic"), max_length=200, required=False)
    didactic_presenter = forms.CharField(label=_("Presenter"), max_length=200, required=False)


CurriculumFormSet = forms.formset_factory(
    SessionPlanForm, extra=0, max_num=500, renderer=widget_renderer
)
