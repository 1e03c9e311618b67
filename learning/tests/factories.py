"""Builders for learning's tests and for other apps' tests that need learning objects:
tracks with modules and quizzes built as editors would, answers to the quizzes, attended
sessions built through the events services, and a member's learning grown for the
query-count tests."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from decimal import Decimal

from bs4 import BeautifulSoup

from events import queries as events_queries
from events import services as events_services
from events.models import AttendanceStatus, EchoProgramme, EventKind
from events.tests.factories import first_occurrence, make_event, make_programme, soon
from learning import queries, services
from learning.models import LearningIndexPage, ModulePage, TrackPage


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
# The indexes of the right answers to QUIZ, question by question.
QUIZ_RIGHT = ([1], [0, 1])


def yes_no_quiz(count: int) -> list[dict]:
    """`count` single-choice questions whose first answer ("Yes") is right."""
    return [
        question(f"Statement {n} is true?", [("Yes", True), ("No", False)]) for n in range(count)
    ]


def make_track(index: LearningIndexPage, **fields) -> TrackPage:
    """A live track under the index. Pages are added live rather than published through a
    revision: a quarter of the queries, and nothing in `learning` reads revisions."""
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
    track = TrackPage(live=True, **values)
    index.add_child(instance=track)
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
    module = ModulePage(live=True, **values)
    track.add_child(instance=module)
    return ModulePage.objects.get(pk=module.pk)


def pick(module: ModulePage, *choices: Sequence[int]) -> dict[str, list[str]]:
    """Answers to the module's quiz: for each question in turn, the indexes chosen."""
    questions = queries.quiz_questions(module)
    return {
        q["id"]: [q["answers"][index]["id"] for index in chosen]
        for q, chosen in zip(questions, choices, strict=True)
    }


def right_answers(module: ModulePage) -> dict[str, list[str]]:
    return {
        q["id"]: [a["id"] for a in q["answers"] if a["correct"]]
        for q in queries.quiz_questions(module)
    }


def form_data(answers: dict[str, list[str]]) -> dict[str, list[str]]:
    """Answers as the quiz form posts them."""
    return {f"q-{question_id}": chosen for question_id, chosen in answers.items()}


def complete(user, module: ModulePage) -> None:
    """The member reads the module and, if it has a quiz, passes it."""
    services.mark_read(user, module)
    if module.has_quiz:
        services.submit_quiz(user, module, right_answers(module))


def main_text(response) -> str:
    """The text a reader sees in the page's main content, entities decoded, spaces folded."""
    soup = BeautifulSoup(response.content, "html.parser")
    main = soup.find("main") or soup
    return " ".join(main.get_text(" ").split())


# Attended sessions, through the events services


def attend(occurrence, member, *, by, minutes: int | None = None):
    return events_services.record_attendance(
        occurrence, member, status=AttendanceStatus.PRESENT, minutes=minutes, by=by
    )


def attended_event(member, *, by, kind: str, start: datetime.datetime, minutes: int, **fields):
    """A one-off event of `kind` the member was present at for `fields['attended']` minutes
    (the whole event unless given); returns its occurrence."""
    attended = fields.pop("attended", None)
    occurrence = first_occurrence(
        make_event(title=fields.pop("title", "Session"), kind=kind, start=start, minutes=minutes)
    )
    attend(occurrence, member, by=by, minutes=attended)
    return occurrence


def ended_echo_cycle(
    sessions: int, *, name: str = "Transition ECHO", ended_days_ago: int = 14
) -> EchoProgramme:
    """A weekly ECHO programme of `sessions` sessions of 60 minutes, all held, whose cycle
    ended `ended_days_ago` days ago."""
    first = soon(days=-(7 * (sessions - 1) + ended_days_ago))
    last_day = first.date() + datetime.timedelta(days=7 * (sessions - 1))
    return make_programme(name, start=first, until=last_day, description="Weekly case discussion.")


def sessions_of(programme: EchoProgramme) -> list:
    return list(events_queries.programme_sessions(programme))


# A member's learning, grown for the query-count tests


def track_in_progress(member, index: LearningIndexPage, n: int) -> TrackPage:
    """Track `n` under the index, of two modules: completed by the member when `n` is odd
    (a completed track, with its certificate), else visited with a failed quiz attempt."""
    track = make_track(index, slug=f"track-{n}", title=f"Track {n}", framework_level="core")
    done = make_module(track, f"done-{n}")
    trying = make_module(track, f"trying-{n}", quiz=QUIZ)
    if n % 2:
        complete(member, done)
        complete(member, trying)
    else:
        services.record_visit(member, done)
        services.submit_quiz(member, trying, pick(trying, [0], [0]))
    return track


def attended_webinar(member, n: int, *, by):
    """Webinar `n`, an hour long, `n + 1` days ago, the member present throughout; returns
    its occurrence."""
    return attended_event(
        member,
        by=by,
        kind=EventKind.WEBINAR,
        title=f"Webinar {n}",
        start=soon(days=-n - 1),
        minutes=60,
    )
