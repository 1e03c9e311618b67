"""Who is asked which survey, and how answers are saved (all or nothing)."""

from __future__ import annotations

import datetime

import pytest

from core.pii import IdentifiableTextError
from evaluation import services
from evaluation.models import Answer, ChosenQuote, QuestionKind, Response, Survey, SurveyKind
from evaluation.services import AnswerData, SurveyError
from events import services as events
from events.models import AttendanceStatus, EventKind
from events.queries import programme_sessions
from members.tests.factories import UserFactory

from .factories import attend, full_answers, past_event, post_ask, questions, register_in_the_past

pytestmark = pytest.mark.django_db


def saved(response) -> dict[int, object]:
    return {
        answer.question_id: answer.value if answer.value is not None else answer.text
        for answer in response.answers.all()
    }


# --- Who is asked ------------------------------------------------------------------------------


def test_an_attendee_of_an_ended_echo_session_is_asked_for_feedback(
    member, coordinator, ended_session
):
    attend(ended_session, member, by=coordinator)

    ask = services.occurrence_ask(member, ended_session)

    assert ask is not None
    assert ask.is_open()
    assert ask.survey.kind == SurveyKind.SESSION_FEEDBACK
    assert ask.survey.programme is None
    assert ask.opens_at == ended_session.end
    assert ask.closes_at == ended_session.end + datetime.timedelta(days=ask.survey.open_days)
    assert ask.response is None
    assert ask.subject_title == "Case discussion ECHO"


def test_the_feedback_survey_opens_when_the_session_ends(member, coordinator, ended_session):
    attend(ended_session, member, by=coordinator)
    ask = services.occurrence_ask(member, ended_session)

    assert not ask.is_open(ended_session.end - datetime.timedelta(minutes=1))
    assert ask.is_open(ended_session.end)
    assert not ask.is_open(ask.closes_at)


def test_a_registered_member_who_did_not_come_is_not_asked(member, ended_session):
    register_in_the_past(member, ended_session)

    assert services.occurrence_ask(member, ended_session) is None


@pytest.mark.parametrize(
    ("status", "minutes"), [(AttendanceStatus.ABSENT, None), (AttendanceStatus.PRESENT, 0)]
)
def test_an_absent_record_is_not_asked(member, coordinator, ended_session, status, minutes):
    attend(ended_session, member, by=coordinator, status=status, minutes=minutes)

    assert services.occurrence_ask(member, ended_session) is None


def test_a_study_day_attendee_gets_the_study_day_survey(member, coordinator):
    study_day = past_event(5, title="Spring study day", kind=EventKind.STUDY_DAY)
    attend(study_day, member, by=coordinator)

    ask = services.occurrence_ask(member, study_day)

    assert ask.survey.kind == SurveyKind.STUDY_DAY_FEEDBACK
    assert ask.survey == Survey.objects.get(kind=SurveyKind.STUDY_DAY_FEEDBACK, programme=None)


def test_governance_meetings_have_no_feedback_survey(member, coordinator):
    meeting = past_event(5, title="Board", kind=EventKind.GOVERNANCE)
    attend(meeting, member, by=coordinator)

    assert services.occurrence_ask(member, meeting) is None


def test_pre_series_survey_is_for_registrants_until_their_first_session_ends(member, past_echo):
    sessions = list(programme_sessions(past_echo))
    register_in_the_past(member, sessions[1])

    ask = services.cycle_ask(member, past_echo, SurveyKind.PRE_CONFIDENCE)

    assert ask.closes_at == sessions[1].end
    assert ask.is_open(sessions[1].start)
    assert not ask.is_open(sessions[1].end)
    assert services.cycle_ask(UserFactory(), past_echo, SurveyKind.PRE_CONFIDENCE) is None


def test_post_series_survey_is_for_attendees_only(member, coordinator, past_echo):
    sessions = list(programme_sessions(past_echo))
    registered_only = UserFactory()
    register_in_the_past(registered_only, sessions[0])
    attend(sessions[0], member, by=coordinator)

    ask = post_ask(member, past_echo)

    assert ask is not None
    assert ask.is_open()
    assert ask.cycle_start == past_echo.cycle_start
    assert post_ask(registered_only, past_echo) is None
    follow_up = services.cycle_ask(member, past_echo, SurveyKind.FOLLOW_UP)
    assert follow_up.opens_at == ask.opens_at + datetime.timedelta(days=90)
    assert not follow_up.is_open()


def test_open_asks_lists_what_the_member_may_answer_now(member, coordinator, past_echo):
    attend(list(programme_sessions(past_echo))[-1], member, by=coordinator)
    recent = past_event(4)
    attend(recent, member, by=coordinator)
    attend(past_event(4, title="Other webinar"), UserFactory(), by=coordinator)

    asks = services.open_asks(member)

    assert [(ask.survey.kind, ask.occurrence, ask.programme) for ask in asks] == [
        (SurveyKind.SESSION_FEEDBACK, recent, None),
        (SurveyKind.POST_CONFIDENCE, None, past_echo),
    ]


def test_open_asks_leaves_out_closed_surveys(member, coordinator):
    long_ago = past_event(30)
    attend(long_ago, member, by=coordinator)

    assert services.occurrence_ask(member, long_ago) is not None
    assert services.open_asks(member) == []


# --- Saving answers ----------------------------------------------------------------------------


def test_answers_are_saved(member, feedback_ask):
    response = services.submit_response(member, feedback_ask, full_answers(feedback_ask))

    assert response.survey == feedback_ask.survey
    assert response.occurrence == feedback_ask.occurrence
    assert response.programme is None
    texts = [q.pk for q in questions(feedback_ask) if q.kind == QuestionKind.FREE_TEXT]
    assert saved(response) == {
        q.pk: "I will ask about pain at every visit." if q.pk in texts else 4
        for q in questions(feedback_ask)
    }


def test_a_second_submission_changes_the_same_response(member, ended_session, feedback_ask):
    first = services.submit_response(member, feedback_ask, full_answers(feedback_ask))
    again = services.occurrence_ask(member, ended_session)
    assert again.response == first

    second = services.submit_response(member, again, full_answers(again, value=2, text=""))

    assert second.pk == first.pk
    assert Response.objects.filter(member=member).count() == 1
    numeric = [q.pk for q in questions(feedback_ask) if q.is_numeric]
    assert saved(second) == dict.fromkeys(numeric, 2)
    assert Answer.objects.filter(response=first).count() == 3


def test_optional_questions_may_be_left_out(member, feedback_ask):
    required = [
        a
        for a, q in zip(full_answers(feedback_ask), questions(feedback_ask), strict=True)
        if q.required
    ]

    response = services.submit_response(member, feedback_ask, required)

    assert response.answers.count() == 3


def out_of_range(ask):
    answers = full_answers(ask)
    answers[0] = AnswerData(answers[0].question_id, value=6)
    return answers


def below_range(ask):
    answers = full_answers(ask)
    answers[1] = AnswerData(answers[1].question_id, value=0)
    return answers


def unknown_question(ask):
    return [*full_answers(ask), AnswerData(999_999, value=3)]


def another_surveys_question(ask):
    other = Survey.objects.get(kind=SurveyKind.STUDY_DAY_FEEDBACK, programme=None)
    return [*full_answers(ask), AnswerData(other.questions.first().pk, value=3)]


def duplicated(ask):
    answers = full_answers(ask)
    return [*answers, AnswerData(answers[0].question_id, value=1)]


def missing_required(ask):
    return full_answers(ask)[1:]


def text_too_long(ask):
    answers = full_answers(ask)
    return [*answers[:-1], AnswerData(answers[-1].question_id, text="x" * 2001)]


REFUSED = [
    out_of_range,
    below_range,
    unknown_question,
    another_surveys_question,
    duplicated,
    missing_required,
    text_too_long,
]


@pytest.mark.parametrize("make_answers", REFUSED)
def test_answers_that_do_not_fit_are_refused_and_nothing_is_saved(
    member, feedback_ask, make_answers
):
    with pytest.raises(SurveyError):
        services.submit_response(member, feedback_ask, make_answers(feedback_ask))

    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


IDENTIFYING = [
    "NHS number 943 476 5919",
    "I spoke to Mrs Jane Smith about it.",
    "Her NHS no. is 9434765919 so I checked.",
]


@pytest.mark.parametrize("text", IDENTIFYING)
def test_free_text_that_identifies_someone_is_refused(member, feedback_ask, text):
    with pytest.raises(IdentifiableTextError) as refused:
        services.submit_response(member, feedback_ask, full_answers(feedback_ask, text=text))

    text_question = [q for q in questions(feedback_ask) if q.kind == QuestionKind.FREE_TEXT][0]
    assert list(refused.value.findings) == [f"{text_question.pk}:"]
    assert Response.objects.count() == 0
    assert Answer.objects.count() == 0


@pytest.mark.parametrize("make_answers", REFUSED)
def test_a_refused_second_submission_keeps_the_first_answers(member, feedback_ask, make_answers):
    first = services.submit_response(member, feedback_ask, full_answers(feedback_ask, value=5))
    before = saved(first)
    updated = first.updated_at

    with pytest.raises(SurveyError):
        services.submit_response(member, feedback_ask, make_answers(feedback_ask))

    first.refresh_from_db()
    assert Response.objects.count() == 1
    assert saved(first) == before
    assert first.updated_at == updated


def test_a_refused_identifying_edit_keeps_the_first_answers(member, feedback_ask):
    first = services.submit_response(member, feedback_ask, full_answers(feedback_ask, value=5))
    before = saved(first)

    with pytest.raises(IdentifiableTextError):
        services.submit_response(
            member, feedback_ask, full_answers(feedback_ask, text="NHS number 943 476 5919")
        )

    assert Response.objects.count() == 1
    assert saved(first) == before


def test_a_closed_survey_takes_no_answers(member, feedback_ask):
    feedback_ask.survey.is_active = False
    feedback_ask.survey.save(update_fields=["is_active"])

    with pytest.raises(SurveyError):
        services.submit_response(member, feedback_ask, full_answers(feedback_ask))

    assert Response.objects.count() == 0


@pytest.mark.parametrize("when", ["before_opening", "at_closing", "after_closing"])
def test_answers_outside_the_window_are_refused(member, feedback_ask, when):
    first = services.submit_response(member, feedback_ask, full_answers(feedback_ask, value=5))
    now = {
        "before_opening": feedback_ask.opens_at - datetime.timedelta(seconds=1),
        "at_closing": feedback_ask.closes_at,
        "after_closing": feedback_ask.closes_at + datetime.timedelta(days=1),
    }[when]

    with pytest.raises(SurveyError):
        services.submit_response(member, feedback_ask, full_answers(feedback_ask, value=1), now=now)

    assert set(saved(first).values()) >= {5}
    assert 1 not in saved(first).values()


def test_per_topic_answers_are_one_per_topic(member, coordinator, past_echo):
    sessions = list(programme_sessions(past_echo))
    events.plan_session(sessions[0], didactic_topic="Pain")
    events.plan_session(sessions[1], didactic_topic=" Breathlessness ")
    events.plan_session(sessions[2], didactic_topic="Pain")
    attend(sessions[0], member, by=coordinator)
    ask = post_ask(member, past_echo)

    asked = services.questions_with_topics(ask)

    assert [topic for _question, topic in asked] == ["Pain", "Breathlessness"]
    question = asked[0][0]
    with pytest.raises(SurveyError):
        services.submit_response(member, ask, [AnswerData(question.pk, "Pain", value=5)])
    with pytest.raises(SurveyError):
        services.submit_response(
            member,
            ask,
            [
                AnswerData(question.pk, "Pain", value=5),
                AnswerData(question.pk, "Breathlessness", value=5),
                AnswerData(question.pk, "Nutrition", value=5),
            ],
        )
    with pytest.raises(SurveyError):
        services.submit_response(
            member,
            ask,
            [
                AnswerData(question.pk, "Pain", value=5, before_value=11),
                AnswerData(question.pk, "Breathlessness", value=5),
            ],
        )
    response = services.submit_response(
        member,
        ask,
        [
            AnswerData(question.pk, "Pain", value=8, before_value=3),
            AnswerData(question.pk, "Breathlessness", value=6),
        ],
    )
    assert sorted(response.answers.values_list("topic", "value", "before_value")) == [
        ("Breathlessness", 6, None),
        ("Pain", 8, 3),
    ]


# --- Quotes ------------------------------------------------------------------------------------


@pytest.fixture
def text_answer(member, feedback_ask):
    response = services.submit_response(member, feedback_ask, full_answers(feedback_ask))
    return response.answers.get(question__kind=QuestionKind.FREE_TEXT)


def test_a_coordinator_chooses_a_quote(coordinator, text_answer):
    quote = services.choose_quote(text_answer, by=coordinator)

    assert quote.answer == text_answer
    assert quote.chosen_by == coordinator
    assert services.choose_quote(text_answer, by=coordinator) == quote
    assert ChosenQuote.objects.count() == 1

    services.unchoose_quote(text_answer, by=coordinator)

    assert ChosenQuote.objects.count() == 0


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_only_coordinators_choose_quotes(request, text_answer, who):
    with pytest.raises(SurveyError):
        services.choose_quote(text_answer, by=request.getfixturevalue(who))

    assert ChosenQuote.objects.count() == 0


def test_only_written_answers_are_quoted(coordinator, text_answer):
    scale = text_answer.response.answers.exclude(question__kind=QuestionKind.FREE_TEXT).first()

    with pytest.raises(SurveyError):
        services.choose_quote(scale, by=coordinator)

    assert ChosenQuote.objects.count() == 0


def test_a_study_day_page_offers_its_attendees_the_feedback_form(client, member, coordinator):
    from learning.models import LearningIndexPage, StudyDayPage

    held = past_event(5, title="Spring study day", kind=EventKind.STUDY_DAY)
    page = StudyDayPage(title="Spring study day", slug="spring", summary="A day.", occurrence=held)
    LearningIndexPage.objects.get().add_child(instance=page)
    other = UserFactory()
    for who in (member, other):
        client.force_login(who)
        assert "Give feedback on this session" not in client.get(page.url).content.decode()
    attend(held, member, by=coordinator)
    client.force_login(member)
    html = client.get(page.url).content.decode()
    assert "Give feedback on this session" in html
    assert f'href="/evaluation/surveys/sessions/{held.pk}/"' in html
    client.force_login(other)
    assert "Give feedback on this session" not in client.get(page.url).content.decode()
