"""Coordinators keep surveys in the CMS; a survey with answers keeps the questions they answer."""

from __future__ import annotations

import json

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from evaluation import services
from evaluation.models import Answer, Question, Survey

from .factories import attend, full_answers

pytestmark = pytest.mark.django_db


def edit_url(survey: Survey) -> str:
    return f"/cms/snippets/evaluation/survey/edit/{survey.pk}/"


def form_data(survey: Survey, *, delete: set[int] = frozenset(), change: dict | None = None):
    change = change or {}
    rows = []
    for question in survey.questions.all():
        row = {
            "id": question.pk,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": json.dumps(question.choices),
            "moore_level": question.moore_level or "",
            "ORDER": question.sort_order,
            "DELETE": question.pk in delete,
            **({"required": "on"} if question.required else {}),
            **({"per_topic": "on"} if question.per_topic else {}),
            **({"then_test": "on"} if question.then_test else {}),
        }
        row.update(change.get(question.pk, {}))
        rows.append({key: value for key, value in row.items() if value is not False})
    return nested_form_data(
        {
            "title": survey.title,
            "kind": survey.kind,
            "programme": "",
            "introduction": survey.introduction,
            "open_days": survey.open_days,
            "is_active": "on",
            "questions": inline_formset(rows, initial=len(rows), min=1),
        }
    )


@pytest.fixture
def answered(member, coordinator, feedback_ask):
    services.submit_response(member, feedback_ask, full_answers(feedback_ask))
    return feedback_ask.survey


def test_coordinator_may_reword_an_answered_question(client, coordinator, answered):
    client.force_login(coordinator)
    question = answered.questions.first()
    data = form_data(answered, change={question.pk: {"text": "How useful was today?"}})
    response = client.post(edit_url(answered), data)
    assert response.status_code == 302, _errors(response)
    question.refresh_from_db()
    assert question.text == "How useful was today?"


def test_an_answered_question_cannot_be_removed(client, coordinator, answered):
    client.force_login(coordinator)
    question = answered.questions.first()
    answers = Answer.objects.filter(question=question).count()
    response = client.post(edit_url(answered), form_data(answered, delete={question.pk}))
    assert response.status_code == 200
    assert "has answers, so it cannot be removed" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()
    assert Answer.objects.filter(question=question).count() == answers > 0


def test_an_answered_questions_kind_of_answer_cannot_change(client, coordinator, answered):
    client.force_login(coordinator)
    question = answered.questions.exclude(kind="free_text").first()
    before = question.kind
    response = client.post(
        edit_url(answered), form_data(answered, change={question.pk: {"kind": "confidence"}})
    )
    assert response.status_code == 200
    assert "This question has answers, so this cannot change" in response.content.decode()
    question.refresh_from_db()
    assert question.kind == before


def test_an_answered_surveys_kind_cannot_change(client, coordinator, answered):
    client.force_login(coordinator)
    data = form_data(answered)
    data["kind"] = "study_day_feedback"
    response = client.post(edit_url(answered), data)
    assert response.status_code == 200
    assert "its kind cannot change" in response.content.decode()
    answered.refresh_from_db()
    assert answered.kind == "session_feedback"


def test_unanswered_questions_may_still_be_removed(client, coordinator, member, ended_session):
    client.force_login(coordinator)
    attend(ended_session, member, by=coordinator)
    survey = services.occurrence_ask(member, ended_session).survey
    question = survey.questions.last()
    response = client.post(edit_url(survey), form_data(survey, delete={question.pk}))
    assert response.status_code == 302, _errors(response)
    assert not Question.objects.filter(pk=question.pk).exists()


def _errors(response) -> str:
    form = response.context["form"]
    return repr(
        (
            form.errors,
            [f.errors for f in form.formsets["questions"].forms],
            form.formsets["questions"].non_form_errors(),
        )
    )


def test_an_answered_survey_cannot_be_deleted(client, coordinator, answered):
    client.force_login(coordinator)
    response = client.post(f"/cms/snippets/evaluation/survey/delete/{answered.pk}/", follow=True)
    assert "have answers, so they cannot be deleted" in response.content.decode()
    assert Survey.objects.filter(pk=answered.pk).exists()
    assert Answer.objects.filter(response__survey=answered).exists()


def test_an_unanswered_survey_can_be_deleted(client, coordinator):
    client.force_login(coordinator)
    survey = Survey.objects.create(title="Spare", kind="study_day_feedback", is_active=False)
    Question.objects.create(survey=survey, text="Useful?", kind="likert5")
    response = client.post(f"/cms/snippets/evaluation/survey/delete/{survey.pk}/")
    assert response.status_code == 302
    assert not Survey.objects.filter(pk=survey.pk).exists()


def test_an_answered_survey_is_not_deleted_in_bulk(client, coordinator, answered):
    client.force_login(coordinator)
    url = f"/cms/bulk/evaluation/survey/delete/?id={answered.pk}"
    response = client.post(url, follow=True)
    assert "have answers, so they cannot be deleted" in response.content.decode()
    assert Survey.objects.filter(pk=answered.pk).exists()
