"""Completion rules, the track's progress, where to continue, and the order of "My learning"."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from events.tests.factories import london
from learning import services
from learning.models import ModuleProgress
from learning.progress import my_learning_sections, track_progress

from .factories import QUIZ, complete, make_module, make_track, pick, right_answers

pytestmark = pytest.mark.django_db


def state(user, module) -> tuple[bool, bool, bool]:
    """(read, passed, complete) of the member's progress through the module."""
    progress = ModuleProgress.objects.filter(user=user, module=module).first()
    if progress is None:
        return (False, False, False)
    return (
        progress.read_at is not None,
        progress.passed_at is not None,
        progress.completed_at is not None,
    )


# Completion


def test_a_module_without_a_quiz_is_complete_once_read(nurse, reading_module):
    services.record_visit(nurse, reading_module)
    assert state(nurse, reading_module) == (False, False, False)

    services.mark_read(nurse, reading_module)

    assert state(nurse, reading_module) == (True, False, True)


def test_a_module_with_a_quiz_needs_reading_and_passing_read_first(nurse, quiz_module):
    services.mark_read(nurse, quiz_module)
    assert state(nurse, quiz_module) == (True, False, False)

    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))

    assert state(nurse, quiz_module) == (True, True, True)


def test_a_module_with_a_quiz_needs_reading_and_passing_passed_first(nurse, quiz_module):
    services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))
    assert state(nurse, quiz_module) == (False, True, False)

    services.mark_read(nurse, quiz_module)

    assert state(nurse, quiz_module) == (True, True, True)


def test_a_failed_attempt_does_not_complete_the_module(nurse, quiz_module):
    services.mark_read(nurse, quiz_module)

    services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [0]))

    assert state(nurse, quiz_module) == (True, False, False)


def test_reading_twice_keeps_the_first_time(nurse, reading_module):
    first = services.mark_read(nurse, reading_module)
    again = services.mark_read(nurse, reading_module)

    assert (again.read_at, again.completed_at) == (first.read_at, first.completed_at)
    assert ModuleProgress.objects.filter(user=nurse).count() == 1


def test_visiting_and_reading_happen_at_the_moment_given(nurse, track, reading_module):
    opened = london(2026, 3, 2, 9, 15)
    read = london(2026, 3, 2, 9, 45)

    services.record_visit(nurse, reading_module, now=opened)
    services.mark_read(nurse, reading_module, now=read)

    progress = ModuleProgress.objects.get(user=nurse, module=reading_module)
    assert (progress.started_at, progress.last_visited_at) == (opened, opened)
    assert (progress.read_at, progress.completed_at) == (read, read)

    later = london(2026, 3, 9, 14, 0)
    services.record_visit(nurse, reading_module, now=later)
    progress.refresh_from_db()
    assert (progress.started_at, progress.last_visited_at, progress.read_at) == (
        opened,
        later,
        read,
    )


def test_marking_read_on_the_page_goes_on_to_the_next_module(
    nurse_client, nurse, reading_module, quiz_module
):
    response = nurse_client.post(reading_module.url + "read/", follow=True)

    assert response.redirect_chain == [(quiz_module.url, 302)]
    assert "Module complete." in response.content.decode()
    assert state(nurse, reading_module) == (True, False, True)


def test_marking_a_quiz_module_read_on_the_page_asks_for_the_quiz(nurse_client, nurse, quiz_module):
    response = nurse_client.post(quiz_module.url + "read/", follow=True)

    assert response.redirect_chain == [(quiz_module.url + "#quiz", 302)]
    page = response.content.decode()
    assert "Marked as read. Pass the quiz below to complete the module." in page
    assert "I have read this module" not in page  # the button has gone
    assert state(nurse, quiz_module) == (True, False, False)


def test_marking_read_takes_a_post(nurse_client, nurse, reading_module):
    response = nurse_client.get(reading_module.url + "read/")

    assert response.status_code == 405
    assert state(nurse, reading_module) == (False, False, False)


def test_visitors_cannot_mark_modules_read(client, reading_module):
    response = client.post(reading_module.url + "read/")

    assert response.status_code == 302
    assert response["Location"].startswith("/members/login/")
    assert not ModuleProgress.objects.exists()


def test_pending_members_cannot_mark_modules_read(client, pending_user, reading_module):
    client.force_login(pending_user)

    response = client.post(reading_module.url + "read/")

    assert response.status_code == 403
    assert not ModuleProgress.objects.exists()
    with pytest.raises(services.LearningError):
        services.mark_read(pending_user, reading_module)


# The track's progress


@pytest.fixture
def three_modules(track):
    return [
        make_module(track, "first-steps"),
        make_module(track, "the-team", quiz=QUIZ),
        make_module(track, "next-steps"),
    ]


def test_track_progress_counts_completed_modules(nurse, track, three_modules):
    first, second, third = three_modules
    complete(nurse, first)
    services.mark_read(nurse, second)  # read, quiz not passed yet

    [progress] = track_progress(nurse, [track])

    assert [s.module.pk for s in progress.modules] == [m.pk for m in three_modules]
    assert [(s.started, s.read, s.passed, s.completed) for s in progress.modules] == [
        (True, True, False, True),
        (True, True, False, False),
        (False, False, False, False),
    ]
    assert (progress.completed, progress.total, progress.percent) == (1, 3, 33)
    assert progress.started and not progress.is_complete


def test_the_track_page_shows_the_progress_bar(nurse_client, nurse, track, three_modules):
    complete(nurse, three_modules[0])
    complete(nurse, three_modules[1])

    soup = BeautifulSoup(nurse_client.get(track.url).content, "html.parser")

    assert "2 of 3 modules complete (67%)" in soup.get_text()
    bar = soup.find("progress", id=f"progress-{track.pk}")
    assert (bar["value"], bar["max"]) == ("2", "3")
    assert [tag.get_text() for tag in soup.select(".nc-modules .nhsuk-tag")] == [
        "Complete",
        "Complete",
    ]


def test_unpublished_modules_do_not_count(nurse, track, three_modules):
    complete(nurse, three_modules[0])
    complete(nurse, three_modules[1])
    three_modules[2].unpublish()

    [progress] = track_progress(nurse, [track])

    assert (progress.completed, progress.total, progress.percent) == (2, 2, 100)
    assert progress.is_complete


def continue_link(client, track) -> str | None:
    soup = BeautifulSoup(client.get(track.url).content, "html.parser")
    link = soup.find("a", string=re.compile("Continue where you left off|Start the track"))
    return link["href"] if link else None


def test_a_new_track_starts_at_the_first_module(nurse_client, nurse, track, three_modules):
    [progress] = track_progress(nurse, [track])

    assert progress.next_module.pk == three_modules[0].pk
    assert continue_link(nurse_client, track) == three_modules[0].url


def test_continue_where_you_left_off_is_the_last_module_visited(
    nurse_client, nurse, track, three_modules
):
    first, second, third = three_modules
    nurse_client.get(third.url)
    nurse_client.get(second.url)

    [progress] = track_progress(nurse, [track])

    assert progress.next_module.pk == second.pk
    assert continue_link(nurse_client, track) == second.url


def test_continue_skips_a_finished_module_even_if_visited_last(
    nurse_client, nurse, track, three_modules
):
    first, second, third = three_modules
    nurse_client.get(third.url)
    nurse_client.get(first.url)
    nurse_client.post(first.url + "read/")  # the last visited is now complete

    [progress] = track_progress(nurse, [track])

    assert progress.next_module.pk == third.pk
    assert continue_link(nurse_client, track) == third.url


def test_continue_goes_to_the_first_unfinished_when_none_unfinished_was_visited(
    nurse, track, three_modules
):
    first, second, third = three_modules
    complete(nurse, first)

    [progress] = track_progress(nurse, [track])

    assert progress.next_module.pk == second.pk


def test_a_completed_track_has_nowhere_to_continue(nurse_client, nurse, track, three_modules):
    for module in three_modules:
        complete(nurse, module)

    [progress] = track_progress(nurse, [track])

    assert progress.next_module is None
    assert progress.is_complete
    assert continue_link(nurse_client, track) is None
    assert "View your certificate" in nurse_client.get(track.url).content.decode()


# The order of "My learning"

SECTIONS = {
    "for_you": "Written for your staff group",
    "in_progress": "Other tracks you have started",
    "completed": "Completed",
    "other": "More tracks",
}


@pytest.fixture
def catalogue(learning_index):
    """Tracks for each staff group at each level, one module each, keyed by slug."""
    specs = [
        ("specialist-symptoms", "Specialist symptom management", "specialist", ["clinical"]),
        ("core-clinical", "Core clinical skills", "core", ["clinical"]),
        (
            "public-health",
            "Death, dying and the community",
            "public_health",
            ["clinical"],
        ),
        ("office-universal", "Answering the hospice phone", "universal", ["non_clinical"]),
        ("office-core", "Records and confidentiality", "core", ["non_clinical"]),
        ("school-core", "Supporting a pupil in class", "core", ["universal_service"]),
        ("school-universal", "What teachers need to know", "universal", ["universal_service"]),
        ("school-specialist", "Complex needs in special schools", "specialist", ["clinical"]),
        ("everyone", "Talking with families", "universal", ["clinical", "non_clinical"]),
    ]
    tracks = {}
    for slug, title, level, groups in specs:
        tracks[slug] = make_track(
            learning_index,
            slug=slug,
            title=title,
            framework_level=level,
            for_clinical="clinical" in groups,
            for_non_clinical="non_clinical" in groups,
            for_universal_service="universal_service" in groups,
        )
        make_module(tracks[slug], f"{slug}-module")
    return tracks


def module_of(track):
    return track.get_children().specific().first()


def slugs(sections) -> list[tuple[str, list[str]]]:
    return [(str(label), [entry.track.slug for entry in entries]) for label, entries in sections]


def test_a_hospice_administrator_sees_non_clinical_tracks_first(administrator, catalogue):
    services.record_visit(administrator, module_of(catalogue["specialist-symptoms"]))
    services.record_visit(administrator, module_of(catalogue["public-health"]))
    complete(administrator, module_of(catalogue["school-core"]))
    complete(administrator, module_of(catalogue["office-core"]))  # for her, but done

    sections = my_learning_sections(administrator, list(catalogue.values()))

    assert slugs(sections) == [
        (SECTIONS["for_you"], ["office-universal", "everyone"]),
        (SECTIONS["in_progress"], ["public-health", "specialist-symptoms"]),
        (SECTIONS["completed"], ["office-core", "school-core"]),
        (SECTIONS["other"], ["school-universal", "core-clinical", "school-specialist"]),
    ]


def test_a_teacher_sees_tracks_for_education_first(teacher, catalogue):
    sections = my_learning_sections(teacher, list(catalogue.values()))

    assert slugs(sections) == [
        (SECTIONS["for_you"], ["school-universal", "school-core"]),
        (
            SECTIONS["other"],
            [
                "public-health",
                "office-universal",
                "everyone",
                "core-clinical",
                "office-core",
                "school-specialist",
                "specialist-symptoms",
            ],
        ),
    ]


def page_sections(html: bytes) -> list[tuple[str, list[str]]]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for heading in soup.select("main h2"):
        listing = heading.find_next_sibling()
        if listing is None or "nc-tracks" not in listing.get("class", []):
            continue
        titles = [link.get_text() for link in listing.select("h3 a")]
        found.append((heading.get_text(), titles))
    return found


def test_my_learning_page_shows_the_sections_in_order(
    client, administrator, catalogue, learning_index
):
    services.record_visit(administrator, module_of(catalogue["core-clinical"]))
    complete(administrator, module_of(catalogue["school-universal"]))
    client.force_login(administrator)

    sections = page_sections(client.get(learning_index.url).content)

    titles = {track.slug: track.title for track in catalogue.values()}
    assert sections == [
        (
            SECTIONS["for_you"],
            [titles["office-universal"], titles["everyone"], titles["office-core"]],
        ),
        (SECTIONS["in_progress"], [titles["core-clinical"]]),
        (SECTIONS["completed"], [titles["school-universal"]]),
        (
            SECTIONS["other"],
            [
                titles["public-health"],
                titles["school-core"],
                titles["school-specialist"],
                titles["specialist-symptoms"],
            ],
        ),
    ]


def test_my_learning_links_to_where_to_continue(nurse_client, learning_index, track, three_modules):
    nurse_client.get(three_modules[1].url)

    soup = BeautifulSoup(nurse_client.get(learning_index.url).content, "html.parser")

    card = soup.select_one(".nc-track")
    [link] = [a for a in card.find_all("a") if "Continue where you left off" in a.get_text()]
    assert link["href"] == three_modules[1].url
    assert "0 of 3 modules complete (0%)" in card.get_text()


def test_visitors_see_the_tracks_without_progress(client, catalogue, learning_index):
    page = client.get(learning_index.url).content.decode()

    assert "Sign in to start a track" in page
    assert "Written for your staff group" not in page
    assert "modules complete" not in page
    for track in catalogue.values():
        assert track.title in page
