"""Query counts of the learning pages (issue 15): at most 15 for a signed-in nurse on "My
learning", a track, a module and the CPD record, and no more when what grows in real life
grows: tracks and modules, the nurse's progress and quiz attempts, other members' progress,
certificates and attended sessions."""

from __future__ import annotations

import pytest

from learning import services
from learning.models import LearningIndexPage, ModulePage, TrackPage
from members.tests.factories import UserFactory
from tests.queries import assert_flat

from .factories import QUIZ, attended_webinar, complete, make_module, pick, track_in_progress

pytestmark = pytest.mark.django_db


def add_tracks(member, index: LearningIndexPage, first: int, count: int) -> None:
    """Tracks `first` to `first + count - 1`, of two modules each: every other one
    completed (with its certificate), the rest visited with a failed quiz attempt."""
    for n in range(first, first + count):
        track_in_progress(member, index, n)


def add_modules(track: TrackPage, member, first: int, count: int) -> list[ModulePage]:
    """Modules `first` to `first + count - 1` at the end of the track, with a failed quiz
    attempt by the member and by two other members on each."""
    others = UserFactory.create_batch(2)
    modules = []
    for n in range(first, first + count):
        module = make_module(track, f"module-{n}", title=f"Module {n}", quiz=QUIZ)
        for person in [member, *others]:
            services.record_visit(person, module)
            services.submit_quiz(person, module, pick(module, [0], [0]))
        modules.append(module)
    return modules


def grow_module(
    member, module: ModulePage, track: TrackPage, first: int, count: int, visitors: int = 0
) -> None:
    """Four more failed quiz attempts by the member on the module, modules `first` to
    `first + count - 1` at the end of its track (see `add_modules`), and visits to the
    module by `visitors` other members."""
    for _ in range(4):
        services.submit_quiz(member, module, pick(module, [1], [0]))
    add_modules(track, member, first, count)
    for person in UserFactory.create_batch(visitors):
        services.record_visit(person, module)


def test_my_learning_queries_do_not_grow(nurse_client, nurse, learning_index):
    add_tracks(nurse, learning_index, 0, 2)
    assert_flat(
        nurse_client,
        learning_index.url,
        lambda: add_tracks(nurse, learning_index, 2, 8),
        expect="Track 9",
    )


def test_track_queries_do_not_grow(nurse_client, nurse, track, reading_module, quiz_module):
    complete(nurse, reading_module)
    add_modules(track, nurse, 0, 1)
    assert_flat(nurse_client, track.url, lambda: add_modules(track, nurse, 1, 8), expect="Module 8")


def test_module_queries_do_not_grow(nurse_client, nurse, track, reading_module, quiz_module):
    """The module in the middle of its track, visited, with quiz attempts, and its
    neighbours on either side; then more modules, attempts and other members."""
    complete(nurse, reading_module)
    services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [0]))
    add_modules(track, nurse, 0, 1)
    assert_flat(
        nurse_client,
        quiz_module.url,
        lambda: grow_module(nurse, quiz_module, track, 1, 4, visitors=4),
        expect="Previous",
    )


def test_a_completed_module_queries_do_not_grow(
    nurse_client, nurse, track, reading_module, quiz_module
):
    complete(nurse, reading_module)
    complete(nurse, quiz_module)
    assert_flat(
        nurse_client,
        quiz_module.url,
        lambda: add_modules(track, nurse, 0, 4),
        expect="You have completed this module",
    )


def test_a_quiz_result_queries_do_not_grow(nurse_client, nurse, track, reading_module, quiz_module):
    """The module as shown after submitting the quiz (the redirect names the attempt)."""
    services.mark_read(nurse, quiz_module)
    attempt = services.submit_quiz(nurse, quiz_module, pick(quiz_module, [0], [0])).attempt
    url = f"{quiz_module.url}?attempt={attempt.pk}"
    assert_flat(
        nurse_client,
        url,
        lambda: grow_module(nurse, quiz_module, track, 0, 3),
        expect="quiz-result",
    )


def test_cpd_record_queries_do_not_grow(nurse_client, nurse, coordinator, learning_index):
    def grow(first: int, count: int) -> None:
        add_tracks(nurse, learning_index, first, count)
        for n in range(first, first + count):
            attended_webinar(nurse, n, by=coordinator)

    grow(0, 2)
    assert_flat(nurse_client, learning_index.url + "cpd/", lambda: grow(2, 6), expect="Webinar 7")
