"""Builders for guidelines' tests and for other apps' tests that need guidelines objects:
drafts under the index from the data migration, the reviewers, and guidelines endorsed
through the real workflow."""

from __future__ import annotations

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from guidelines import services
from guidelines.models import AdoptionStatus, GuidelineIndexPage, GuidelinePage
from members import roles
from members.models import NetworkRole, StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory

LONDON = ZoneInfo("Europe/London")

BODY = [
    {"type": "text", "value": "<p>Plan the transfer with the family before the day.</p>"},
    {
        "type": "inset_text",
        "value": {"body": "<p>Check the child's advance care plan first.</p>"},
    },
]


def days_from_today(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def noon(days_ago: int) -> datetime.datetime:
    """Midday UK time `days_ago` days before today: the same London date whatever the clock."""
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=LONDON)


def make_draft(index: GuidelineIndexPage, author, **fields) -> GuidelinePage:
    values = {
        "title": "Rapid transfer home for end-of-life care",
        "slug": "rapid-transfer-home",
        "summary": "How to bring a child home to die, when that is the family's wish.",
        "body": BODY,
        "category": "rapid_transfer",
        "applies_in_hospital": True,
        "applies_in_community": True,
        "for_clinical": True,
        "review_due": timezone.localdate() + datetime.timedelta(days=365),
        "live": False,
        "owner": author,
    }
    values.update(fields)
    page = GuidelinePage(**values)
    index.add_child(instance=page)
    page.save_revision(user=author)
    return page


def endorse(
    page: GuidelinePage,
    author,
    clinical_reviewer,
    executive,
    *,
    clinical_comment: str = "",
    executive_comment: str = "",
) -> GuidelinePage:
    services.submit_for_endorsement(page, author)
    services.approve_step(page, clinical_reviewer, clinical_comment)
    services.approve_step(page, executive, executive_comment)
    page.refresh_from_db()
    return GuidelinePage.objects.get(pk=page.pk)


def edit_draft(page: GuidelinePage, user, **fields) -> GuidelinePage:
    """Save a new draft revision of `page` with `fields` changed, as the editor would."""
    draft = GuidelinePage.objects.get(pk=page.pk).get_latest_revision_as_object()
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.save_revision(user=user)
    return draft


def endorse_new_version(
    page: GuidelinePage, author, clinical_reviewer, executive, **fields
) -> GuidelinePage:
    """Edit the guideline and take the edit through the whole workflow again."""
    return endorse(edit_draft(page, author, **fields), author, clinical_reviewer, executive)


# Shared fixtures, imported into guidelines' conftest and into the tests of other apps that
# need a guideline (search's test_sources).


_sequence = itertools.count()


def grow_readership(page: GuidelinePage, organisations: int, members_each: int) -> None:
    """Organisations with members in every staff group who read the guideline, and leads
    who record their organisation's position on it."""
    groups = itertools.cycle(StaffGroup.values)
    statuses = itertools.cycle(AdoptionStatus.values)
    network_roles = itertools.cycle(NetworkRole.values)
    for _ in range(organisations):
        n = next(_sequence)
        organisation = OrganisationFactory(
            name=f"Grown organisation {n}", network_role=next(network_roles), is_nhs=n % 2 == 0
        )
        members = [
            UserFactory(organisation=organisation, staff_group=next(groups))
            for _ in range(members_each)
        ]
        organisation.leads.add(members[0])
        for member in members[:-1]:
            services.acknowledge(member, page, page.current_version.number)
        services.record_adoption(members[0], page, organisation, next(statuses), "A reason.")


@pytest.fixture
def index(db) -> GuidelineIndexPage:
    return GuidelineIndexPage.objects.get()


# The reviewers belong to no member organisation, so that the organisations a test
# builds are the only ones the uptake figures count.


@pytest.fixture
def author(db):
    return UserFactory(full_name="Ada Author", organisation=None, roles=[roles.COORDINATORS])


@pytest.fixture
def clinical_reviewer(db):
    return UserFactory(
        full_name="Cal Clinical", organisation=None, roles=[roles.CLINICAL_STEERING_GROUP]
    )


@pytest.fixture
def executive(db):
    return UserFactory(
        full_name="Eve Executive", organisation=None, roles=[roles.EXECUTIVE_COMMITTEE]
    )


@pytest.fixture
def draft(index, author) -> GuidelinePage:
    return make_draft(index, author)


@pytest.fixture
def guideline(draft, author, clinical_reviewer, executive) -> GuidelinePage:
    return endorse(draft, author, clinical_reviewer, executive)
