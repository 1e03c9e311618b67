"""The learning pages: where each type may go, editing a quiz in the admin, who sees
what, the dashboard panel, and the query count of "My learning"."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.blocks import StructBlockValidationError
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cop_site.models import HomePage
from learning import queries, services
from learning.models import (
    LearningIndexPage,
    ModulePage,
    QuestionBlock,
    StudyDayPage,
    TrackPage,
)
from members.tests.factories import UserFactory

from .factories import (
    attend,
    attended_webinar,
    complete,
    ended_echo_cycle,
    main_text,
    sessions_of,
    track_in_progress,
)

pytestmark = pytest.mark.django_db


# Where pages go


def test_tracks_go_only_under_the_learning_index(wagtail_assert):
    wagtail_assert.assertAllowedParentPageTypes(TrackPage, {LearningIndexPage})
    wagtail_assert.assertCanCreateAt(LearningIndexPage, TrackPage)
    wagtail_assert.assertCanNotCreateAt(HomePage, TrackPage)
    wagtail_assert.assertCanNotCreateAt(TrackPage, TrackPage)


def test_modules_go_only_under_tracks(wagtail_assert):
    wagtail_assert.assertAllowedParentPageTypes(ModulePage, {TrackPage})
    wagtail_assert.assertAllowedSubpageTypes(TrackPage, {ModulePage})
    wagtail_assert.assertAllowedSubpageTypes(ModulePage, set())
    wagtail_assert.assertCanNotCreateAt(LearningIndexPage, ModulePage)
    wagtail_assert.assertCanNotCreateAt(HomePage, ModulePage)


def test_study_days_go_under_the_learning_index(wagtail_assert):
    wagtail_assert.assertAllowedParentPageTypes(StudyDayPage, {LearningIndexPage})
    wagtail_assert.assertAllowedSubpageTypes(LearningIndexPage, {TrackPage, StudyDayPage})
    wagtail_assert.assertAllowedSubpageTypes(StudyDayPage, set())
    wagtail_assert.assertCanNotCreateAt(TrackPage, StudyDayPage)


def test_there_is_one_learning_index_under_the_home_page(learning_index):
    home = HomePage.objects.get()
    assert learning_index.get_parent().specific == home
    assert learning_index.url == "/learning/"
    assert not LearningIndexPage.can_create_at(home)


# Editing a module and its quiz in the admin


def list_block(items: list[dict]) -> dict:
    """ListBlock form data, as `streamfield` gives StreamField form data."""
    data = {
        str(index): {"value": item, "deleted": "", "order": str(index), "id": ""}
        for index, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def answer(text: str, correct: bool = False) -> dict:
    values = {"text": text, "feedback": f"Because {text.lower()}."}
    if correct:
        values["correct"] = "on"
    return values


def module_form(quiz: list[tuple[str, dict]], **overrides) -> dict:
    data = {
        "title": "Talking with siblings",
        "slug": "talking-with-siblings",
        "summary": "How to include brothers and sisters.",
        "estimated_minutes": "40",
        "learning_outcomes": rich_text(
            "<ul><li>Explain what siblings need</li></ul>", features=["bold", "italic", "ul", "ol"]
        ),
        "body": streamfield([("text", rich_text("<p>Siblings notice everything.</p>"))]),
        "quiz": streamfield(quiz),
        "pass_mark": "75",
        "comments": inline_formset([]),
    }
    data.update(overrides)
    return nested_form_data(data)


def quiz_question(kind: str, answers: list[dict]) -> tuple[str, dict]:
    return (
        "question",
        {"question": "What helps a sibling most?", "kind": kind, "answers": list_block(answers)},
    )


def test_a_coordinator_creates_a_module_with_a_quiz(
    client, coordinator, wagtail_assert, track, nurse
):
    client.force_login(coordinator)

    wagtail_assert.assertCanCreate(
        track,
        ModulePage,
        module_form(
            [
                quiz_question("single", [answer("Honest information", True), answer("Silence")]),
                quiz_question(
                    "multiple",
                    [answer("Time with parents", True), answer("Routine", True), answer("Nothing")],
                ),
            ]
        ),
    )

    module = ModulePage.objects.get(slug="talking-with-siblings")
    assert module.live and module.get_parent().pk == track.pk
    assert module.has_quiz and module.pass_mark == 75
    questions = queries.quiz_questions(module)
    assert [(q["kind"], [a["correct"] for a in q["answers"]]) for q in questions] == [
        ("single", [True, False]),
        ("multiple", [True, True, False]),
    ]
    client.force_login(nurse)
    page = main_text(client.get(module.url))
    assert "2 questions. You need 75% to pass" in page
    assert "Honest information" in page


@pytest.mark.parametrize(
    ("kind", "answers", "error"),
    [
        (
            "single",
            [answer("Honest information", True), answer("Play", True)],
            "Mark exactly one answer as correct.",
        ),
        ("single", [answer("Silence"), answer("Secrets")], "Mark exactly one answer as correct."),
        (
            "multiple",
            [answer("Silence"), answer("Secrets")],
            "Mark at least one answer as correct.",
        ),
    ],
    ids=["single with two right", "single with none right", "multiple with none right"],
)
def test_the_admin_refuses_a_question_without_the_right_answers(
    client, coordinator, track, kind, answers, error
):
    client.force_login(coordinator)

    response = client.post(
        f"/cms/pages/add/learning/modulepage/{track.pk}/",
        {**module_form([quiz_question(kind, answers)]), "action-publish": "publish"},
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ModulePage.objects.filter(slug="talking-with-siblings").exists()


def block_value(kind: str, correct: list[bool]):
    block = QuestionBlock()
    return block, block.to_python(
        {
            "question": "Which apply?",
            "kind": kind,
            "answers": [
                {"text": f"Answer {n}", "correct": right, "feedback": ""}
                for n, right in enumerate(correct)
            ],
        }
    )


@pytest.mark.parametrize(
    ("kind", "correct", "error"),
    [
        ("single", [True, True], "Mark exactly one answer as correct."),
        ("single", [False, False], "Mark exactly one answer as correct."),
        ("single", [True, True, True], "Mark exactly one answer as correct."),
        ("multiple", [False, False, False], "Mark at least one answer as correct."),
    ],
)
def test_the_question_block_rejects_wrong_right_answers(kind, correct, error):
    block, value = block_value(kind, correct)

    with pytest.raises(StructBlockValidationError) as raised:
        block.clean(value)

    assert error in str(raised.value.block_errors["answers"])


@pytest.mark.parametrize(
    ("kind", "correct"),
    [("single", [False, True]), ("multiple", [True, False]), ("multiple", [True, True, True])],
)
def test_the_question_block_accepts_right_answers(kind, correct):
    block, value = block_value(kind, correct)

    assert block.clean(value)["kind"] == kind


# Who sees what


def test_module_pages_send_visitors_to_sign_in(client, reading_module, quiz_module):
    for url in [reading_module.url, quiz_module.url]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/members/login/?next={url}"


@pytest.mark.parametrize("who", ["pending_user", "declined_user"])
def test_module_pages_refuse_members_not_approved(request, client, quiz_module, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(quiz_module.url)

    assert response.status_code == 403
    assert "Your membership is not active" in main_text(response)
    assert "Who can be part of the team?" not in response.content.decode()


def test_members_see_the_module_and_its_quiz(nurse_client, reading_module, quiz_module):
    response = nurse_client.get(quiz_module.url)

    page = main_text(response)
    assert response.status_code == 200
    assert "Read this." in page
    assert "Who can be part of the team?" in page
    assert "I have read this module" in page
    assert "Previous : What palliative care means" in page


def test_track_pages_are_public(client, track, reading_module, quiz_module):
    response = client.get(track.url)

    page = main_text(response)
    assert response.status_code == 200
    assert track.title in page and "Universal level" in page
    assert "What palliative care means" in page and "Who is involved" in page
    assert "30 minutes, with a quiz" in page
    assert "Sign in to start the track" in page
    assert "modules complete" not in page


def test_pending_members_see_a_track_as_visitors_do(client, pending_user, track, reading_module):
    client.force_login(pending_user)

    page = main_text(client.get(track.url))

    assert "Sign in to start the track" in page
    assert "Start the track" not in page.replace("Sign in to start the track", "")


@pytest.fixture
def study_day(learning_index):
    page = StudyDayPage(
        title="Spring study day",
        slug="spring-study-day",
        summary="A day on symptom management.",
        for_clinical=True,
        programme=[
            {
                "type": "session",
                "value": {"time": "09:30", "title": "Welcome", "speaker": "", "description": ""},
            }
        ],
        materials=[
            {
                "type": "recording",
                "value": {
                    "title": "Morning recording",
                    "url": "https://video.example/spring-morning",
                    "description": "",
                },
            }
        ],
    )
    learning_index.add_child(instance=page)
    return StudyDayPage.objects.get(pk=page.pk)


def test_study_day_materials_are_for_members(client, nurse, pending_user, study_day):
    for who in [None, pending_user]:
        if who is not None:
            client.force_login(who)
        response = client.get(study_day.url)
        assert response.status_code == 200
        assert "Welcome" in main_text(response)
        assert "Sign in to see the slides, handouts and recordings" in main_text(response)
        assert "spring-morning" not in response.content.decode()

    client.force_login(nurse)
    response = client.get(study_day.url)
    assert 'href="https://video.example/spring-morning"' in response.content.decode()
    assert "Sign in to see the slides" not in main_text(response)


def test_study_days_are_listed_on_my_learning(nurse_client, learning_index, study_day):
    page = main_text(nurse_client.get(learning_index.url))

    assert "Spring study day — A day on symptom management." in page


# The dashboard panel


def test_the_dashboard_suggests_where_to_continue(
    nurse_client, nurse, track, reading_module, quiz_module
):
    services.record_visit(nurse, quiz_module)

    page = main_text(nurse_client.get("/"))

    assert "Your learning" in page
    assert f"{track.title} — 0 of 2 modules done; continue where you left off" in page


# Query counts of "My learning"


def add_learning(member, index, coordinator, first: int, count: int) -> None:
    """`count` more tracks with the member's progress in each, quiz attempts, attended
    webinars and study days."""
    for n in range(first, first + count):
        track_in_progress(member, index, n)
        attended_webinar(member, n, by=coordinator)
        index.add_child(
            instance=StudyDayPage(title=f"Study day {n}", slug=f"study-day-{n}", summary="A day.")
        )


def test_my_learning_query_count_does_not_grow(
    nurse_client, nurse, coordinator, learning_index, django_assert_max_num_queries
):
    add_learning(nurse, learning_index, coordinator, 0, 2)
    with django_assert_max_num_queries(60) as baseline:
        nurse_client.get(learning_index.url)
    limit = len(baseline.captured_queries)  # read now: each request empties the query log

    add_learning(nurse, learning_index, coordinator, 2, 10)
    with django_assert_max_num_queries(limit):
        response = nurse_client.get(learning_index.url)

    page = main_text(response)
    assert "Track 11" in page
    assert page.count("Your certificate :") == 6  # the link on each completed track


def test_my_learning_query_count_does_not_grow_with_ended_echo_cycles(
    nurse_client, nurse, coordinator, learning_index, django_assert_max_num_queries
):
    def attend_cycles(first: int, count: int) -> None:
        for n in range(first, first + count):
            programme = ended_echo_cycle(2, name=f"ECHO {n}")
            for session in sessions_of(programme):
                attend(session, nurse, by=coordinator)

    attend_cycles(0, 1)
    call_command("issue_echo_certificates", stdout=StringIO())
    with django_assert_max_num_queries(60) as baseline:
        nurse_client.get(learning_index.url)
    limit = len(baseline.captured_queries)  # read now: each request empties the query log

    attend_cycles(1, 5)
    call_command("issue_echo_certificates", stdout=StringIO())
    with django_assert_max_num_queries(limit):
        response = nurse_client.get(learning_index.url)

    assert "ECHO 5" in main_text(response)


def test_my_learning_for_many_members_shows_each_their_own(
    client, learning_index, track, reading_module
):
    first, second = UserFactory(full_name="First Member"), UserFactory(full_name="Second Member")
    complete(first, reading_module)
    client.force_login(second)

    page = main_text(client.get(learning_index.url))

    assert "0 of 1 modules complete (0%)" in page
    assert "Your certificate :" not in page
    assert "Complete a track, or attend at least 80% of an ECHO programme's cycle" in page
