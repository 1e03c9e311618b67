"""The CMS form for surveys: a survey that has answers keeps the questions they answer.

Answers point at their question (PROTECT), and figures compare answers across
sessions, so once a question is answered it may not be removed and its kind of
answer, choices, topics and "before" column may not change. Wording and hints may
still be corrected. To ask something different, close the survey and make a new one.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

FROZEN_QUESTION_FIELDS = ("kind", "choices", "per_topic", "then_test")


class SurveyAdminForm(WagtailAdminModelForm):
    def is_valid(self) -> bool:
        # The question formset is cleaned after this form's clean(), so the checks of
        # what it deletes or changes run once everything else has been validated.
        valid = super().is_valid()
        refused = self._keep_answered_questions() if self.instance.pk is not None else False
        formsets_valid = all(
            not any(formset.errors) and not formset.non_form_errors()
            for formset in self.formsets.values()
        )
        return valid and not refused and not self.errors and formsets_valid

    def _keep_answered_questions(self) -> bool:
        """Add an error wherever an answered question would be lost; True if any was."""
        refused = False
        survey = self.instance
        Answer = apps.get_model("evaluation", "Answer")
        Question = apps.get_model("evaluation", "Question")
        Response = apps.get_model("evaluation", "Response")
        stored_kind = type(survey).objects.filter(pk=survey.pk).values_list("kind", flat=True)
        if (
            self.cleaned_data.get("kind") not in (None, *stored_kind)
            and Response.objects.filter(survey_id=survey.pk).exists()
        ):
            refused = True
            self.add_error(
                "kind",
                _("This survey has answers, so its kind cannot change. Make a new survey instead."),
            )
        formset = self.formsets.get("questions")
        if formset is None:
            return refused
        answered = set(
            Answer.objects.filter(question__survey_id=survey.pk)
            .values_list("question_id", flat=True)
            .distinct()
        )
        stored = {
            row["pk"]: row
            for row in Question.objects.filter(pk__in=answered).values(
                "pk", *FROZEN_QUESTION_FIELDS
            )
        }
        for form in formset.forms:
            question_id = form.instance.pk
            if question_id not in answered or not hasattr(form, "cleaned_data"):
                continue
            if formset.can_delete and formset._should_delete_form(form):
                refused = True
                message = _(
                    "“%(question)s” has answers, so it cannot be removed. Close the survey "
                    "and make a new one to ask different questions."
                ) % {"question": stored_text(Question, question_id)}
                # On the question, and on the survey, since a removed question is hidden.
                form.add_error(None, message)
                self.add_error(None, message)
                continue
            for name in FROZEN_QUESTION_FIELDS:
                if (
                    name in form.cleaned_data
                    and form.cleaned_data[name] != stored[question_id][name]
                ):
                    form.add_error(
                        name,
                        _(
                            "This question has answers, so this cannot change. Close the survey "
                            "and make a new one to ask it differently."
                        ),
                    )
        return refused


def stored_text(Question, question_id: int) -> str:
    return Question.objects.filter(pk=question_id).values_list("text", flat=True).first() or ""
