"""The survey form, built from the questions as asked (per-topic questions once per topic)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.pii import IdentifiableTextError

from .models import MAX_FREE_TEXT, Question, QuestionKind
from .services import AnswerData

LIKERT_LABELS = {
    QuestionKind.LIKERT_5: {1: _("Strongly disagree"), 3: _("Neutral"), 5: _("Strongly agree")},
    QuestionKind.LIKERT_7: {1: _("Strongly disagree"), 4: _("Neutral"), 7: _("Strongly agree")},
    QuestionKind.CONFIDENCE: {0: _("Not at all confident"), 10: _("Completely confident")},
}


def _numeric_choices(question: Question) -> list[tuple[str, str]]:
    low, high = question.value_range or (0, 0)
    labels = LIKERT_LABELS.get(question.kind, {})
    return [
        (str(value), f"{value} – {labels[value]}" if value in labels else str(value))
        for value in range(low, high + 1)
    ]


class SurveyForm(forms.Form):
    """One field per question (and topic); `-before` fields for retrospective pre-tests."""

    def __init__(self, asked: list[tuple[Question, str]], *args, **kwargs) -> None:
        self.asked = asked
        super().__init__(*args, **kwargs)
        for index, (question, topic) in enumerate(asked):
            name = self.field_name(question, topic, index)
            label = f"{question.text}: {topic}" if topic else question.text
            if question.is_numeric:
                if question.then_test:
                    self.fields[f"{name}-before"] = forms.TypedChoiceField(
                        label=_("%(label)s (before the series)") % {"label": label},
                        choices=_numeric_choices(question),
                        coerce=int,
                        required=question.required,
                        widget=forms.RadioSelect,
                        help_text=_("Looking back: how you were before the series began."),
                    )
                self.fields[name] = forms.TypedChoiceField(
                    label=_("%(label)s (now)") % {"label": label} if question.then_test else label,
                    choices=_numeric_choices(question),
                    coerce=int,
                    required=question.required,
                    widget=forms.RadioSelect,
                    help_text=question.help_text,
                )
            elif question.kind == QuestionKind.SINGLE_CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[(choice, choice) for choice in question.choices],
                    required=question.required,
                    widget=forms.RadioSelect,
                    help_text=question.help_text,
                )
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                self.fields[name] = forms.MultipleChoiceField(
                    label=label,
                    choices=[(choice, choice) for choice in question.choices],
                    required=question.required,
                    widget=forms.CheckboxSelectMultiple,
                    help_text=question.help_text,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    max_length=MAX_FREE_TEXT,
                    required=question.required,
                    widget=forms.Textarea(attrs={"rows": 4}),
                    help_text=question.help_text,
                )

    @staticmethod
    def field_name(question: Question, topic: str, index: int) -> str:
        return f"q{question.pk}-t{index}" if topic else f"q{question.pk}"

    def clean(self):
        cleaned = super().clean()
        if self.data is not None and hasattr(self.data, "getlist"):
            for name, field in self.fields.items():
                if not isinstance(field, forms.MultipleChoiceField):
                    if len(self.data.getlist(name)) > 1:
                        self.add_error(name, _("Give one answer to this question."))
        return cleaned

    def answers(self) -> list[AnswerData]:
        answers: list[AnswerData] = []
        for index, (question, topic) in enumerate(self.asked):
            name = self.field_name(question, topic, index)
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if question.is_numeric:
                before = self.cleaned_data.get(f"{name}-before")
                answers.append(
                    AnswerData(
                        question.pk,
                        topic,
                        value=int(value),
                        before_value=int(before) if before not in (None, "") else None,
                    )
                )
            elif question.kind == QuestionKind.SINGLE_CHOICE:
                answers.append(AnswerData(question.pk, topic, choices=(value,)))
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                answers.append(AnswerData(question.pk, topic, choices=tuple(value)))
            else:
                answers.append(AnswerData(question.pk, topic, text=value))
        return answers

    def add_identifier_errors(self, error: IdentifiableTextError) -> None:
        """Put the PII guard's findings on the fields they came from, as case forms do."""
        by_key = {}
        for index, (question, topic) in enumerate(self.asked):
            by_key[f"{question.pk}:{topic}"] = self.field_name(question, topic, index)
        for key, items in error.findings.items():
            name = by_key.get(key)
            for finding in items:
                self.add_error(name, f"{finding.message} “{finding.text}”")

    def initial_from(self, response) -> None:
        if response is None:
            return
        by_key = {(answer.question_id, answer.topic): answer for answer in response.answers.all()}
        for index, (question, topic) in enumerate(self.asked):
            answer = by_key.get((question.pk, topic))
            if answer is None:
                continue
            name = self.field_name(question, topic, index)
            if question.is_numeric:
                self.initial[name] = str(answer.value) if answer.value is not None else None
                if answer.before_value is not None:
                    self.initial[f"{name}-before"] = str(answer.before_value)
            elif question.kind == QuestionKind.SINGLE_CHOICE:
                self.initial[name] = answer.choices[0] if answer.choices else None
            elif question.kind == QuestionKind.MULTIPLE_CHOICE:
                self.initial[name] = list(answer.choices)
            else:
                self.initial[name] = answer.text
