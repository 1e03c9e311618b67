"""What happens to members' records when editors withdraw, edit, move or delete learning."""

from __future__ import annotations

import pytest
from django.utils import timezone

from learning import cpd, services
from learning.models import Certificate, ModuleProgress, QuizAttempt

from .factories import QUIZ, complete, make_module, make_track, right_answers

pytestmark = pytest.mark.django_db


def test_modules_of_a_withdrawn_track_are_withdrawn_too(nurse, nurse_client, track, quiz_module):
    track.unpublish()  # Wagtail leaves the child modules live

    assert nurse_client.get(quiz_module.url).status_code == 404
    assert nurse_client.post(quiz_module.url + "read/").status_code == 404
    with pytest.raises(services.LearningError):
        services.mark_read(nurse, quiz_module)
    with pytest.raises(services.LearningError):
        services.submit_quiz(nurse, quiz_module, right_answers(quiz_module))
    assert not ModuleProgress.objects.exists()
    assert not QuizAttempt.objects.exists()


def test_the_cpd_record_keeps_what_was_completed(nurse, track, reading_module, quiz_module):
    complete(nurse, reading_module)
    complete(nurse, quiz_module)
    start, end = cpd.default_period(timezone.localdate())
    before = cpd.cpd_record(nurse, start, end)

    reading_module.estimated_minutes = 600
    reading_module.title = "Renamed later"
    reading_module.save()
    quiz_module.delete()
    after = cpd.cpd_record(nurse, start, end)

    assert before.non_participatory_minutes == after.non_participatory_minutes == 60
    assert [a.title for a in after.activities if a.type == cpd.MODULE] == [
        "What palliative care means",
        "Who is involved",
    ]
    assert QuizAttempt.objects.filter(user=nurse).count() == 1  # kept, module unset


def test_removing_a_quiz_lets_a_reader_complete_the_module(nurse, nurse_client, quiz_module):
    services.mark_read(nurse, quiz_module)
    assert ModuleProgress.objects.get(user=nurse, module=quiz_module).completed_at is None

    quiz_module.quiz = []
    quiz_module.save()
    nurse_client.get(quiz_module.url)

    assert ModuleProgress.objects.get(user=nurse, module=quiz_module).completed_at is not None


def test_a_moved_module_counts_for_its_new_track(nurse, learning_index, track, reading_module):
    services.record_visit(nurse, reading_module)
    other = make_track(learning_index, slug="other-track", title="Other track")
    reading_module.move(other, pos="last-child")
    reading_module.refresh_from_db()

    complete(nurse, reading_module)

    progress = ModuleProgress.objects.get(user=nurse, module=reading_module)
    assert (progress.track_id, progress.track_title) == (other.pk, "Other track")
    assert Certificate.objects.get(user=nurse).track_id == other.pk


def test_a_track_with_an_unpublished_track_page_issues_nothing(nurse, track, reading_module):
    track.unpublish()
    with pytest.raises(services.LearningError):
        services.issue_track_certificate(nurse, track)
    assert not Certificate.objects.exists()


def test_a_track_needs_an_audience_and_an_outcome_area(learning_index):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_track(
            learning_index,
            slug="for-nobody",
            for_clinical=False,
            for_non_clinical=False,
            for_universal_service=False,
            covers_communicating=False,
        ).full_clean()
    assert set(error.value.message_dict) >= {"for_clinical", "covers_communicating"}


def test_quiz_module_helper_still_builds_a_quiz(track):
    assert make_module(track, "with-quiz", quiz=QUIZ).has_quiz
