"""Quizzes are scored on the server; every attempt is kept; tampered answers record nothing."""

from __future__ import annotations

import pytest
from django.utils.http import urlencode

from events.tests.factories import london
from learning import queries, services
from learning.models import ModuleProgress, QuizAttempt
from members.tests.factories import UserFactory

from .factories import QUIZ_RIGHT, form_data, make_module, pick, right_answers, yes_no_quiz

pytestmark = pytest.mark.django_db

NOTHING_RECORDED = "Nothing was recorded."


def progress_state(user, module):
    progress = ModuleProgress.objects.filter(user=user, module=module).first()
    if progress is None:
        return None
    return progress.read_at, progress.passed_at, progress.completed_at


# Scoring


@pytest.mark.parametrize(
    ("first", "right"),
    [([1], True), ([0], False)],
    ids=["right answer", "wrong answer"],
)
def test_single_choice_question_is_right_only_with_the_right_answer(
    nurse, quiz_module, first, right
):
    result = services.submit_quiz(nurse, quiz_module, pick(quiz_module, first, QUIZ_RIGHT[1]))

    assert [q.correct for q in result.questions] == [right, True]
    assert result.attempt.score == (2 if right else 1)


@pytest.mark.parametrize(
    ("second", "right"),
    [
        ([0, 1], True),
        ([1, 0], True),
        ([0], False),
        ([1], False),
        ([0, 1, 2], False),
        ([2], False),
    ],
    ids=["both right", "both right, other order", "one of two", "the other of two", "all", "wrong"],
)
def test_multiple_choice_question_is_all_or_nothing(nurse, quiz_module, second, right):
    result = services.submit_quiz(nurse, quiz_module, pick(quiz_module, QUIZ_RIGHT[0], second))

    assert [q.correct for q in result.questions] == [True, right]
    assert (result.attempt.score, result.attempt.total) == ((2, 2) if right else (1, 2))


@pytest.mark.parametrize(
    ("pass_mark", "right", "percent", "passed"),
    [
        (80, 5, 100, True),
        (80, 4, 80, True),  # exactly the pass mark passes
        (80, 3, 60, False),
        (60, 3, 60, True),
        (60, 2, 40, False),
        (100, 4, 80, False),
        (1, 0, 0, False),
    ],
)
def test_percent_and_pass_mark(nurse, track, pass_mark, right, percent, passed):
    module = make_module(track, "five-questions", quiz=yes_no_quiz(5), pass_mark=pass_mark)
    choices = [[0]] * right + [[1]] * (5 - right)

    result = services.submit_quiz(nurse, module, pick(module, *choices))

    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.total, attempt.percent) == (right, 5, percent)
    assert (attempt.pass_mark, attempt.passed, result.passed) == (pass_mark, passed, passed)
    progress = ModuleProgress.objects.get(user=nurse, module=module)
    assert (progress.passed_at is not None) == passed


def test_a_score_below_the_pass_mark_does_not_pass_by_rounding(nurse, track):
    """Two of three is 66.7%: below a pass mark of 67%."""
    module = make_module(track, "three-questions", quiz=yes_no_quiz(3), pass_mark=67)

    result = services.submit_quiz(nurse, module, pick(module, [0], [0], [1]))

    assert not result.passed
    assert ModuleProgress.objects.get(user=nurse, module=module).passed_at is None


def test_every_attempt_is_recorded_and_retakes_are_allowed(nurse, quiz_module):
    services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [2]))
    services.submit_quiz(nurse, quiz_module, pick(quiz_module, [1], [0]))
    services.submit_quiz(nurse, quiz_module, pick(quiz_module, *QUIZ_RIGHT))

    attempts = QuizAttempt.objects.filter(user=nurse, module=quiz_module).order_by("pk")
    assert [(a.score, a.percent, a.passed) for a in attempts] == [
        (0, 0, False),
        (1, 50, False),
        (2, 100, True),
    ]
    assert attempts[0].answers == pick(quiz_module, [0], [2])


def test_passing_once_is_enough(nurse, quiz_module):
    services.mark_read(nurse, quiz_module)
    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))
    passed = progress_state(nurse, quiz_module)

    failed = services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [2]))

    assert not failed.passed
    assert progress_state(nurse, quiz_module) == passed
    assert passed[2] is not None  # still complete
    assert QuizAttempt.objects.filter(user=nurse).count() == 2


def test_attempts_are_per_member(nurse, quiz_module):
    other = UserFactory()
    services.submit_quiz(other, quiz_module, right_answers(quiz_module))

    assert progress_state(nurse, quiz_module) is None
    assert not QuizAttempt.objects.filter(user=nurse).exists()


# The quiz form


def quiz_url(module) -> str:
    return module.url + "quiz/"


def post_quiz(client, module, data: dict):
    """Post answers as a browser posts the quiz form (URL-encoded)."""
    return client.post(
        quiz_url(module),
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )


def test_the_result_page_shows_score_and_feedback(nurse_client, nurse, quiz_module):
    submitted = post_quiz(nurse_client, quiz_module, form_data(pick(quiz_module, [0], [0, 1])))
    attempt = QuizAttempt.objects.get(user=nurse)
    assert submitted.status_code == 302  # reloading the result does not submit again
    assert submitted["Location"] == f"{quiz_module.url}?attempt={attempt.pk}#quiz-result"
    response = nurse_client.get(submitted["Location"])

    page = response.content.decode()
    assert response.status_code == 200
    assert "Not passed yet" in page
    assert "You answered 1 of 2 questions correctly (50%). The pass mark is 80%." in page
    assert "About Only those dying." in page  # feedback on the answer chosen
    assert "About Nobody outside hospital." not in page  # not chosen, no feedback
    assert QuizAttempt.objects.filter(user=nurse, passed=False).count() == 1


def test_passing_through_the_form(nurse_client, nurse, quiz_module):
    submitted = post_quiz(nurse_client, quiz_module, form_data(right_answers(quiz_module)))
    response = nurse_client.get(submitted["Location"])

    assert "You passed" in response.content.decode()
    assert "Mark the module as read above to complete it." in response.content.decode()
    assert QuizAttempt.objects.get(user=nurse).passed


# Tampering: a clear error, nothing recorded


def another_modules_question(module, other):
    return {**form_data(right_answers(module)), **form_data(right_answers(other))}


def only_another_modules_question(module, other):
    return form_data(right_answers(other))


def made_up_question(module, other):
    return {**form_data(right_answers(module)), "q-00000000-0000-0000-0000-000000000000": ["x"]}


def answer_from_another_question(module, other):
    questions = queries.quiz_questions(module)
    answers = right_answers(module)
    answers[questions[0]["id"]] = [questions[1]["answers"][0]["id"]]
    return form_data(answers)


def answer_from_another_module(module, other):
    answers = right_answers(module)
    first = queries.quiz_questions(module)[0]["id"]
    answers[first] = next(iter(right_answers(other).values()))
    return form_data(answers)


def one_question_unanswered(module, other):
    answers = right_answers(module)
    answers.pop(queries.quiz_questions(module)[1]["id"])
    return form_data(answers)


def no_answers(module, other):
    return {}


def empty_answer(module, other):
    answers = right_answers(module)
    answers[queries.quiz_questions(module)[0]["id"]] = [""]
    return form_data(answers)


def same_answer_twice(module, other):
    second = queries.quiz_questions(module)[1]
    answers = right_answers(module)
    answers[second["id"]] = [second["answers"][0]["id"]] * 2
    return form_data(answers)


def same_right_answer_twice_on_single_choice(module, other):
    first = queries.quiz_questions(module)[0]
    answers = right_answers(module)
    answers[first["id"]] = [first["answers"][1]["id"]] * 2
    return form_data(answers)


def two_answers_to_single_choice(module, other):
    first = queries.quiz_questions(module)[0]
    answers = right_answers(module)
    answers[first["id"]] = [answer["id"] for answer in first["answers"]]
    return form_data(answers)


def too_many_fields(module, other):
    data = form_data(right_answers(module))
    data.update({f"q-{n}": ["x"] for n in range(300)})
    return data


TAMPERING = [
    another_modules_question,
    only_another_modules_question,
    made_up_question,
    answer_from_another_question,
    answer_from_another_module,
    one_question_unanswered,
    no_answers,
    empty_answer,
    same_answer_twice,
    same_right_answer_twice_on_single_choice,
    two_answers_to_single_choice,
    too_many_fields,
]


@pytest.fixture
def ready_to_pass(nurse_client, nurse, quiz_module):
    """The nurse has opened and read the module: a passing attempt would complete it."""
    nurse_client.get(quiz_module.url)
    services.mark_read(nurse, quiz_module)
    return progress_state(nurse, quiz_module)


def assert_refused(response, nurse, module, before) -> None:
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert NOTHING_RECORDED in page
    assert not QuizAttempt.objects.exists()
    assert progress_state(nurse, module) == before


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda tamper: tamper.__name__)
def test_tampered_answers_are_refused(
    nurse_client, nurse, quiz_module, other_quiz_module, ready_to_pass, tamper
):
    response = post_quiz(nurse_client, quiz_module, tamper(quiz_module, other_quiz_module))

    assert_refused(response, nurse, quiz_module, ready_to_pass)


HOSTILE = {
    "empty": "",
    "space": " ",
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "sql drop": '"; DROP TABLE learning_quizattempt; --',
    "path": "../../etc/passwd",
    "very long": "x" * 10_000,
    "nul": "\x00",
    "unicode": "☃" * 500,
}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_answer_values_are_refused(nurse_client, nurse, quiz_module, ready_to_pass, value):
    data = form_data(right_answers(quiz_module))
    data[next(iter(data))] = [value]

    response = post_quiz(nurse_client, quiz_module, data)

    assert_refused(response, nurse, quiz_module, ready_to_pass)
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_question_ids_are_refused(nurse_client, nurse, quiz_module, ready_to_pass, value):
    data = form_data(right_answers(quiz_module))
    data[f"q-{value}"] = ["x"]

    response = post_quiz(nurse_client, quiz_module, data)

    assert_refused(response, nurse, quiz_module, ready_to_pass)
    assert "<script>alert(1)" not in response.content.decode()


def test_refused_answers_leave_the_service_state_alone(nurse, quiz_module, other_quiz_module):
    for tamper in [tamper for tamper in TAMPERING if tamper is not too_many_fields]:
        post = tamper(quiz_module, other_quiz_module)
        answers = {key.removeprefix("q-"): value for key, value in post.items()}
        with pytest.raises(services.LearningError):
            services.submit_quiz(nurse, quiz_module, answers)
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.exists()


def test_a_refused_submission_does_not_start_the_module(nurse_client, nurse, quiz_module):
    """A member who never opened the module sends a made-up answer: nothing is recorded,
    not even a visit that would mark the module (and its track) as started."""
    response = post_quiz(nurse_client, quiz_module, {"q-made-up": ["x"]})

    assert response.status_code == 400
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.filter(user=nurse).exists()


def test_answers_to_a_module_without_a_quiz_are_refused_with_a_message(
    nurse_client, nurse, reading_module
):
    response = post_quiz(nurse_client, reading_module, {"q-anything": ["x"]})

    assert response.status_code == 400
    assert "This module has no quiz." in response.content.decode()
    assert NOTHING_RECORDED in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_get_on_the_quiz_address_redirects_and_records_nothing(nurse_client, quiz_module):
    response = nurse_client.get(quiz_url(quiz_module), form_data(right_answers(quiz_module)))

    assert response.status_code == 302
    assert response["Location"] == quiz_module.url + "#quiz"
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.exists()


def test_visitors_are_sent_to_sign_in(client, quiz_module):
    response = post_quiz(client, quiz_module, form_data(right_answers(quiz_module)))

    assert response.status_code == 302
    assert response["Location"].startswith("/members/login/?next=")
    assert not QuizAttempt.objects.exists()


@pytest.mark.parametrize("who", ["pending_user", "declined_user"])
def test_members_not_approved_are_refused(request, client, quiz_module, who):
    client.force_login(request.getfixturevalue(who))

    response = post_quiz(client, quiz_module, form_data(right_answers(quiz_module)))

    assert response.status_code == 403
    assert "Your membership is not active" in response.content.decode()
    assert not QuizAttempt.objects.exists()
    assert not ModuleProgress.objects.exists()


def test_the_service_refuses_members_not_approved(pending_user, quiz_module):
    with pytest.raises(services.LearningError):
        services.submit_quiz(pending_user, quiz_module, right_answers(quiz_module))
    assert not QuizAttempt.objects.exists()


def test_an_unpublished_module_takes_no_answers(nurse, quiz_module):
    quiz_module.unpublish()
    quiz_module.refresh_from_db()

    with pytest.raises(services.LearningError):
        services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))
    assert not QuizAttempt.objects.exists()


def test_another_members_attempt_is_not_shown(nurse_client, nurse, quiz_module):
    other = UserFactory()
    services.submit_quiz(other, quiz_module, right_answers(quiz_module))
    attempt = QuizAttempt.objects.get(user=other)

    page = nurse_client.get(f"{quiz_module.url}?attempt={attempt.pk}").content.decode()

    assert "You passed" not in page
    assert "You answered" not in page


def test_a_refused_quiz_keeps_the_choices_and_names_the_question(nurse_client, quiz_module):
    first = queries.quiz_questions(quiz_module)[0]
    chosen = first["answers"][1]["id"]

    response = post_quiz(nurse_client, quiz_module, {f"q-{first['id']}": [chosen]})

    page = response.content.decode()
    assert response.status_code == 400
    second = queries.quiz_questions(quiz_module)[1]
    assert f'href="#question-{second["id"]}">Answer question 2.</a>' in page
    assert f'value="{chosen}" checked' in page


def test_an_attempt_is_submitted_at_the_moment_given(nurse, quiz_module):
    read, failed, passed = (
        london(2026, 5, 4, 10, 0),
        london(2026, 5, 4, 10, 4),
        london(2026, 5, 5, 12, 0),
    )
    services.mark_read(nurse, quiz_module, now=read)

    services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [0]), now=failed)
    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module), now=passed)

    assert list(QuizAttempt.objects.filter(user=nurse).values_list("submitted_at", "passed")) == [
        (passed, True),
        (failed, False),
    ]
    progress = ModuleProgress.objects.get(user=nurse, module=quiz_module)
    assert (progress.read_at, progress.passed_at, progress.completed_at) == (read, passed, passed)
