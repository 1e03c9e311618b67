"""The evaluation demo: de-identified texts, a realistic spread, and idempotence."""

from __future__ import annotations

from io import StringIO
from statistics import mean

import pytest
from django.core.management import call_command

from core.pii import find_identifiers
from demo.loaders import evaluation as demo_network
from evaluation.models import Answer, ChosenQuote, Response, SurveyKind
from events.models import EchoProgramme


def test_every_demo_text_passes_the_identifier_check():
    texts = [
        *(text for texts in demo_network.DIFFERENTLY.values() for text in texts),
        *demo_network.DIFFERENTLY_ANY,
        *demo_network.ONE_CHANGE,
        *demo_network.QUOTES,
    ]
    assert [text for text in texts if find_identifiers(text)] == []


def load() -> str:
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_answers_are_realistic_and_loading_twice_adds_nothing():
    first_output = load()
    first = sorted(Response.objects.values_list("survey__kind", "member__email", "submitted_at"))
    answers, quotes = Answer.objects.count(), ChosenQuote.objects.count()
    second_output = load()

    assert first_output == second_output
    assert (
        sorted(Response.objects.values_list("survey__kind", "member__email", "submitted_at"))
        == first
    )
    assert (Answer.objects.count(), ChosenQuote.objects.count()) == (answers, quotes)
    assert "Evaluation: " in first_output

    programme = EchoProgramme.objects.get(slug=demo_network.ACP_SLUG)
    assert programme.cycle_end == demo_network.ACP_CYCLE_END
    kinds = Response.objects.values_list("survey__kind", flat=True)
    assert list(kinds).count(SurveyKind.SESSION_FEEDBACK) >= 50
    for kind in (SurveyKind.PRE_CONFIDENCE, SurveyKind.POST_CONFIDENCE, SurveyKind.FOLLOW_UP):
        assert list(kinds).count(kind) >= 5
    assert 3 <= quotes <= 4

    likert = Answer.objects.filter(question__kind="likert5").values_list("value", flat=True)
    assert 4 <= mean(likert) <= 4.7
    pre = {
        (a.response.member_id, a.topic): a.value
        for a in Answer.objects.filter(response__survey__kind=SurveyKind.PRE_CONFIDENCE)
    }
    paired = [
        (pre[(a.response.member_id, a.topic)], a.value, a.before_value)
        for a in Answer.objects.filter(response__survey__kind=SurveyKind.POST_CONFIDENCE)
        if (a.response.member_id, a.topic) in pre
    ]
    assert paired
    gain = mean(after - before for before, after, _ in paired)
    assert 1.5 <= gain <= 2.5
    assert mean(then for *_, then in paired) < mean(before for before, *_ in paired)
