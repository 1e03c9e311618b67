"""Builders for evaluation's tests and for other apps' tests that need evaluation objects:
past events and attendance built through the events services, registrations made in the
past, and the surveys' asks and answers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from evaluation import services
from evaluation.models import QuestionKind, SurveyKind
from evaluation.services import AnswerData
from events import services as events
from events.models import AttendanceStatus
from events.tests.factories import first_occurrence, make_event, soon


def days_ago(days: int, hour: int = 12, minute: int = 30) -> datetime.datetime:
    """A local time `days` before today, at hour:minute UK time."""
    return soon(days=-days, hour=hour, minute=minute)


def past_event(days: int, *, title: str = "Pain assessment webinar", **kwargs):
    """A one-off event that started `days` ago and has ended; returns its occurrence."""
    return first_occurrence(make_event(title=title, start=days_ago(days), **kwargs))


def attend(held, member, *, by, status=AttendanceStatus.PRESENT, minutes=None):
    """Mark `member` on the register of `held` (present for its whole length by default)."""
    return events.record_attendance(held, member, status=status, minutes=minutes, by=by)


def register_in_the_past(member, held):
    """Register `member` as they could have done the day before `held` started."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: held.start - datetime.timedelta(days=1))
        return events.register_for_occurrence(member, held)


def post_ask(member, programme, now=None):
    return services.cycle_ask(member, programme, SurveyKind.POST_CONFIDENCE, now)


def questions(ask):
    return [question for question, _topic in services.questions_with_topics(ask)]


def full_answers(ask, value: int = 4, text: str = "I will ask about pain at every visit."):
    answers = []
    for question in questions(ask):
        if question.kind == QuestionKind.FREE_TEXT:
            answers.append(AnswerData(question.pk, text=text))
        else:
            answers.append(AnswerData(question.pk, value=value))
    return answers
