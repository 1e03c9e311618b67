"""The events demo loads twice at any point of the ECHO cycle (on an empty database, so
not beside the tests that share one loaded demo)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from schedule.models import Occurrence

from events.models import Attendance, Case, CaseStatus

from .factories import LONDON, load, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    [
        datetime.datetime(2026, 8, 3, 10, 0, tzinfo=LONDON),  # before the first session
        datetime.datetime(2027, 3, 30, 13, 0, tzinfo=LONDON),  # just after the clocks went forward
        datetime.datetime(2027, 9, 15, 10, 0, tzinfo=LONDON),  # after the last session
    ],
)
def test_the_demo_loads_twice_at_any_point_of_the_cycle(monkeypatch, today):
    monkeypatch.setattr(timezone, "now", lambda: today)
    load()
    first = snapshot()
    load()
    assert snapshot() == first
    held = Occurrence.objects.filter(end__lte=today, cancelled=False)
    assert set(Attendance.objects.values_list("occurrence", flat=True)) == set(
        held.filter(registrations__isnull=False).values_list("pk", flat=True)
    )
    # History is only ever written for the past, and cases only on sessions that exist.
    assert not Attendance.objects.filter(occurrence__end__gt=today).exists()
    for case in Case.objects.select_related("occurrence"):
        if case.status == CaseStatus.PRESENTED:
            assert case.occurrence.end <= today
        else:
            assert case.occurrence.start > today
