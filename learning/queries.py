"""Reading learning records without changing them: a module's quiz and how answers score,
whether a member has completed a track, certificate codes as stored, and the learning
index. Every change is a verb in `services.py`; where a member is in every track is in
`progress.py`, and the CPD record in `cpd.py`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from members.models import User

from .models import LearningIndexPage, ModulePage, ModuleProgress, QuizAttempt, TrackPage

# Quizzes


@dataclass
class QuestionResult:
    id: str
    question: str
    kind: str
    correct: bool
    chosen: list[str]
    answers: list[dict] = field(default_factory=list)


@dataclass
class QuizResult:
    attempt: QuizAttempt
    questions: list[QuestionResult]

    @property
    def passed(self) -> bool:
        return self.attempt.passed


def quiz_questions(module: ModulePage) -> list[dict]:
    """The module's questions with stable ids for each question and answer."""
    questions = []
    for block in module.quiz:
        if block.block_type != "question":
            continue
        answers = [
            {
                "id": child.id,
                "text": child.value["text"],
                "correct": bool(child.value["correct"]),
                "feedback": child.value["feedback"],
            }
            for child in block.value["answers"].bound_blocks
        ]
        questions.append(
            {
                "id": block.id,
                "question": block.value["question"],
                "kind": block.value["kind"],
                "answers": answers,
            }
        )
    return questions


def score_answers(
    module: ModulePage, chosen_by_question: Mapping[str, Sequence[str]]
) -> list[QuestionResult]:
    """Each answered question of the module, right only if exactly its right answers were chosen."""
    results = []
    for question in quiz_questions(module):
        if question["id"] not in chosen_by_question:
            continue
        chosen = list(chosen_by_question[question["id"]])
        right = {answer["id"] for answer in question["answers"] if answer["correct"]}
        results.append(
            QuestionResult(
                id=question["id"],
                question=question["question"],
                kind=question["kind"],
                correct=set(chosen) == right,
                chosen=chosen,
                answers=question["answers"],
            )
        )
    return results


def attempt_result(attempt: QuizAttempt) -> QuizResult | None:
    """An attempt shown again (after the redirect that follows submitting it)."""
    if attempt.module is None:
        return None
    return QuizResult(attempt=attempt, questions=score_answers(attempt.module, attempt.answers))


# Tracks and certificates


def track_is_complete(user: User, track: TrackPage) -> bool:
    if not track.live:
        return False
    module_ids = list(track.modules().values_list("pk", flat=True))
    if not module_ids:
        return False
    done = ModuleProgress.objects.filter(
        user=user, module_id__in=module_ids, completed_at__isnull=False
    ).count()
    return done == len(module_ids)


def normalise_code(code: str) -> str:
    """What a reader typed, as stored: upper case, without spaces or hyphens."""
    return "".join(char for char in code.upper() if char.isalnum())[:64]


# The learning index


def learning_index() -> LearningIndexPage | None:
    return LearningIndexPage.objects.live().first()


def learning_index_url() -> str | None:
    """The address of "My learning", for the main navigation."""
    index = learning_index()
    return index.url if index is not None else None
