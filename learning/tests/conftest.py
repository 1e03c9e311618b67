"""Fixtures for learning tests: the index from the data migration, a track with modules
and quizzes built as editors would, and members of each staff group."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from learning.models import LearningIndexPage, ModulePage, TrackPage
from members.models import StaffGroup
from tests.factories import UserFactory


def question(text: str, answers: list[tuple[str, bool]], kind: str = "single") -> dict:
    return {
        "type": "question",
        "id": str(uuid.uuid4()),
        "value": {
            "question": text,
            "kind": kind,
            "answers": [
                {
                    "type": "item",
                    "id": str(uuid.uuid4()),
                    "value": {"text": answer, "correct": correct, "feedback": f"About {answer}."},
                }
                for answer, correct in answers
            ],
        },
    }


QUIZ = [
    question(
        "Which children need palliative care?",
        [("Only those dying", False), ("Those with life-limiting conditions", True)],
    ),
    question(
        "Who can be part of the team?",
        [("Teachers", True), ("Community nurses", True), ("Nobody outside hospital", False)],
        kind="multiple",
    ),
]


def make_track(index: LearningIndexPage, **fields) -> TrackPage:
    values = {
        "title": "What children's palliative care is",
        "slug": "what-it-is",
        "framework_level": "universal",
        "for_clinical": True,
        "for_non_clinical": True,
        "for_universal_service": True,
        "covers_communicating": True,
        "summary": "An introduction for everyone.",
        "description": "<p>Start here.</p>",
        "estimated_hours": Decimal("1.5"),
    }
    values.update(fields)
    track = TrackPage(**values)
    index.add_child(instance=track)
    track.save_revision().publish()
    return TrackPage.objects.get(pk=track.pk)


def make_module(track: TrackPage, slug: str, quiz=None, **fields) -> ModulePage:
    values = {
        "title": slug.replace("-", " ").capitalize(),
        "slug": slug,
        "summary": "A module.",
        "learning_outcomes": "<ul><li>Explain it</li></ul>",
        "body": [{"type": "text", "value": "<p>Read this.</p>"}],
        "estimated_minutes": 30,
        "quiz": quiz or [],
        "pass_mark": 80,
    }
    values.update(fields)
    module = ModulePage(**values)
    track.add_child(instance=module)
    module.save_revision().publish()
    return ModulePage.objects.get(pk=module.pk)


@pytest.fixture
def learning_index(db) -> LearningIndexPage:
    return LearningIndexPage.objects.get()


@pytest.fixture
def track(learning_index) -> TrackPage:
    return make_track(learning_index)


@pytest.fixture
def reading_module(track) -> ModulePage:
    return make_module(track, "what-palliative-care-means")


@pytest.fixture
def quiz_module(track, reading_module) -> ModulePage:
    return make_module(track, "who-is-involved", quiz=QUIZ)


@pytest.fixture
def nurse(db):
    return UserFactory(full_name="Nell Nurse", staff_group=StaffGroup.CLINICAL)
