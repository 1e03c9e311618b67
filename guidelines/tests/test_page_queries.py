"""The guideline pages read at most 15 queries, as each role that uses them, however
many organisations, members, acknowledgements and adoptions there are (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guidelines import services
from members import roles
from members.models import Profession, StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory
from tests.queries import assert_flat

from .factories import grow_readership

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guideline):
    """Who opens the guideline pages: a nurse, a teacher, a lead, a coordinator and a
    member of the executive committee."""
    organisation = OrganisationFactory(name="Lead's organisation")
    lead = UserFactory(organisation=organisation)
    organisation.leads.add(lead)
    services.acknowledge(lead, guideline, 1)
    return {
        "nurse": UserFactory(staff_group=StaffGroup.CLINICAL, profession=Profession.NURSE),
        "teacher": UserFactory(
            staff_group=StaffGroup.UNIVERSAL_SERVICE, profession=Profession.TEACHER
        ),
        "lead": lead,
        "coordinator": UserFactory(roles=[roles.COORDINATORS]),
        "executive": UserFactory(roles=[roles.EXECUTIVE_COMMITTEE]),
    }


def _address(name: str, index, guideline) -> str:
    return {
        "index": index.url,
        "page": guideline.url,
        "uptake": reverse("guidelines:uptake", args=[guideline.slug]),
        "overview": reverse("guidelines:uptake_overview"),
    }[name]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("index", "nurse"),
        ("index", "teacher"),
        ("index", "lead"),
        ("page", "nurse"),
        ("page", "lead"),
        ("uptake", "coordinator"),
        ("uptake", "executive"),
        ("overview", "coordinator"),
        ("overview", "executive"),
    ],
)
def test_queries_are_few_and_do_not_grow(client, index, guideline, people, name, role):
    address = _address(name, index, guideline)
    client.force_login(people[role])
    grow_readership(guideline, 1, 2)
    assert_flat(
        client,
        address,
        lambda: grow_readership(guideline, 10, 4),
        expect="Grown organisation" if name == "uptake" else guideline.title,
    )
