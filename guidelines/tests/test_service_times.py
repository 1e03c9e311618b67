"""Services that write a time take `now`, so that history (the demo's, an import's) can be
recorded as it happened; without it they use the clock."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from wagtail.models import TaskState

from guidelines import services
from guidelines.models import Acknowledgement, EndorsedVersion, EndorsementApproval

from .factories import LONDON

pytestmark = pytest.mark.django_db

REVIEWED = datetime.datetime(2025, 3, 4, 11, 0, tzinfo=LONDON)
ENDORSED = datetime.datetime(2025, 3, 11, 15, 30, tzinfo=LONDON)


def test_the_final_approval_dates_the_endorsement_and_its_own_record(
    draft, author, clinical_reviewer, executive
):
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer, "Sound.", now=REVIEWED)
    services.approve_step(draft, executive, "Endorsed.", now=ENDORSED)

    version = EndorsedVersion.objects.get()
    assert version.endorsed_at == ENDORSED
    approvals = EndorsementApproval.objects.filter(version=version)
    assert approvals.get(approved_by=executive).approved_at == ENDORSED
    # An earlier step's approval is dated as Wagtail recorded its task state.
    clinical_state = TaskState.objects.get(finished_by=clinical_reviewer)
    assert approvals.get(approved_by=clinical_reviewer).approved_at == clinical_state.finished_at


def test_without_now_the_clock_dates_the_endorsement(draft, author, clinical_reviewer, executive):
    before = timezone.now()
    services.submit_for_endorsement(draft, author)
    services.approve_step(draft, clinical_reviewer)
    services.approve_step(draft, executive)
    version = EndorsedVersion.objects.get()
    assert before <= version.endorsed_at <= timezone.now()
    final = EndorsementApproval.objects.get(approved_by=executive)
    assert final.approved_at == TaskState.objects.get(finished_by=executive).finished_at


def test_a_time_given_for_a_refused_approval_is_not_kept(
    draft, author, clinical_reviewer, executive
):
    services.submit_for_endorsement(draft, author)
    with pytest.raises(services.GuidelineError):
        services.approve_step(draft, executive, now=ENDORSED)  # not their step yet
    services.approve_step(draft, clinical_reviewer, now=REVIEWED)
    before = timezone.now()
    services.approve_step(draft, executive)
    assert EndorsedVersion.objects.get().endorsed_at >= before


def test_an_acknowledgement_is_dated_now_and_not_moved_by_acknowledging_again(nurse, guideline):
    read_at = timezone.now() - datetime.timedelta(days=3, hours=2)
    first = services.acknowledge(nurse, guideline, 1, now=read_at)
    again = services.acknowledge(nurse, guideline, 1, now=timezone.now())
    assert first.pk == again.pk
    assert Acknowledgement.objects.get().acknowledged_at == read_at


def test_without_now_an_acknowledgement_is_dated_by_the_clock(nurse, guideline):
    before = timezone.now()
    services.acknowledge(nurse, guideline, 1)
    assert before <= Acknowledgement.objects.get().acknowledged_at <= timezone.now()
