"""The survey form: one field per question as asked, and the answers it hands to the service."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from core.pii import IdentifiableTextError
from evaluation import services
from evaluation.forms import SurveyForm
from evaluation.models import QuestionKind, SurveyKind
from evaluation.services import AnswerData
from events import services as events
from events.queries import programme_sessions

from .factories import attend, post_ask

pytestmark = pytest.mark.django_db


def query(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values if isinstance(values, list) else [values])
    return data


@pytest.fixture
def asked(feedback_ask):
    return services.questions_with_topics(feedback_ask)


@pytest.fixture
def names(asked):
    """The feedback survey's field names: three 1–5 scales, then free text."""
    return [SurveyForm.field_name(question, topic, i) for i, (question, topic) in enumerate(asked)]


def test_the_form_has_one_field_per_question(asked, names):
    form = SurveyForm(asked)

    assert list(form.fields) == names
    assert [form.fields[name].required for name in names] == [True, True, True, False]
    assert [value for value, _label in form.fields[names[0]].choices] == ["1", "2", "3", "4", "5"]


def test_valid_answers_become_answer_data(asked, names):
    q1, q2, q3, text = names
    form = SurveyForm(asked, query(**{q1: "5", q2: "3", q3: "1", text: "Ask earlier."}))

    assert form.is_valid(), form.errors
    questions = [question for question, _topic in asked]
    assert form.answers() == [
        AnswerData(questions[0].pk, "", value=5),
        AnswerData(questions[1].pk, "", value=3),
        AnswerData(questions[2].pk, "", value=1),
        AnswerData(questions[3].pk, "", text="Ask earlier."),
    ]


def test_optional_text_left_empty_is_no_answer(asked, names):
    q1, q2, q3, text = names
    form = SurveyForm(asked, query(**{q1: "5", q2: "3", q3: "1", text: ""}))

    assert form.is_valid(), form.errors
    assert len(form.answers()) == 3


@pytest.mark.parametrize("value", ["abc", "11", "0", "6", "3.5", ""])
def test_values_off_the_scale_are_form_errors(asked, names, value):
    q1, q2, q3, _text = names
    form = SurveyForm(asked, query(**{q1: value, q2: "3", q3: "1"}))

    assert not form.is_valid()
    assert list(form.errors) == [q1]


def test_two_values_for_one_question_are_an_error(asked, names):
    q1, q2, q3, _text = names
    data = QueryDict(f"{q1}=3&{q1}=4&{q2}=3&{q3}=2")

    form = SurveyForm(asked, data)

    assert not form.is_valid()
    assert list(form.errors) == [q1]
    assert form.errors[q1] == ["Give one answer to this question."]


def test_saved_answers_fill_the_form_again(member, feedback_ask, asked, names):
    q1, q2, q3, text = names
    first = SurveyForm(asked, query(**{q1: "5", q2: "3", q3: "1", text: "Ask earlier."}))
    assert first.is_valid()
    response = services.submit_response(member, feedback_ask, first.answers())

    form = SurveyForm(asked)
    form.initial_from(response)

    assert form.initial == {q1: "5", q2: "3", q3: "1", text: "Ask earlier."}


@pytest.fixture
def topic_ask(member, coordinator, past_echo):
    sessions = list(programme_sessions(past_echo))
    for occurrence, topic in zip(sessions, ["Pain", "Breathlessness", "Nutrition"], strict=False):
        events.plan_session(occurrence, didactic_topic=topic)
    attend(sessions[0], member, by=coordinator)
    return post_ask(member, past_echo)


def test_per_topic_questions_give_one_field_per_topic(topic_ask):
    asked = services.questions_with_topics(topic_ask)
    form = SurveyForm(asked)

    [question] = {q for q, _topic in asked}
    assert question.kind == QuestionKind.CONFIDENCE
    assert topic_ask.survey.kind == SurveyKind.POST_CONFIDENCE
    assert [topic for _q, topic in asked] == ["Pain", "Breathlessness", "Nutrition"]
    now_fields = [f"q{question.pk}-t{i}" for i in range(3)]
    before_fields = [f"{name}-before" for name in now_fields]
    assert sorted(form.fields) == sorted(now_fields + before_fields)
    assert [form.fields[name].label for name in now_fields] == [
        f"{question.text}: Pain (now)",
        f"{question.text}: Breathlessness (now)",
        f"{question.text}: Nutrition (now)",
    ]
    assert [v for v, _label in form.fields[now_fields[0]].choices] == [str(n) for n in range(11)]


def test_per_topic_answers_carry_their_topic_and_before_value(member, topic_ask):
    asked = services.questions_with_topics(topic_ask)
    question = asked[0][0]
    data = {}
    for index, (now, before) in enumerate([(8, 3), (6, 6), (10, 0)]):
        data[f"q{question.pk}-t{index}"] = str(now)
        data[f"q{question.pk}-t{index}-before"] = str(before)
    form = SurveyForm(asked, query(**data))

    assert form.is_valid(), form.errors
    assert form.answers() == [
        AnswerData(question.pk, "Pain", value=8, before_value=3),
        AnswerData(question.pk, "Breathlessness", value=6, before_value=6),
        AnswerData(question.pk, "Nutrition", value=10, before_value=0),
    ]
    response = services.submit_response(member, topic_ask, form.answers())
    assert sorted(response.answers.values_list("topic", "value", "before_value")) == [
        ("Breathlessness", 6, 6),
        ("Nutrition", 10, 0),
        ("Pain", 8, 3),
    ]


def test_a_missing_topic_is_a_form_error(topic_ask):
    asked = services.questions_with_topics(topic_ask)
    question = asked[0][0]
    data = {f"q{question.pk}-t0": "8", f"q{question.pk}-t0-before": "3"}

    form = SurveyForm(asked, query(**data))

    assert not form.is_valid()
    assert set(form.errors) == {
        f"q{question.pk}-t1",
        f"q{question.pk}-t1-before",
        f"q{question.pk}-t2",
        f"q{question.pk}-t2-before",
    }


def test_identifier_findings_land_on_the_free_text_field(member, feedback_ask, asked, names):
    q1, q2, q3, text = names
    form = SurveyForm(asked, query(**{q1: "5", q2: "3", q3: "1", text: "NHS number 943 476 5919"}))
    assert form.is_valid()

    with pytest.raises(IdentifiableTextError) as refused:
        services.submit_response(member, feedback_ask, form.answers())
    form.add_identifier_errors(refused.value)

    assert list(form.errors) == [text]
    assert "943 476 5919" in form.errors[text][0]
