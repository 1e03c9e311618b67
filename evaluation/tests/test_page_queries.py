"""The evaluation dashboard and the impact report read a fixed number of queries, for the
coordinators and the executive, however many members, organisations, attendances and
answers there are (issue 15)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import services
from events.models import EventKind
from members import roles
from members.models import NetworkRole, Rurality, StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory
from tests.queries import assert_flat

from .factories import attend, full_answers, past_event

pytestmark = pytest.mark.django_db

# Issue 15 asks for 15 at most. Three are the page shell (the member, their roles, the
# header's count of notifications); the dashboard's figures take eleven, each counted by the
# database (participation and satisfaction together, both sets of answer distributions
# together, the month trend and cycle shares together, guideline adoption and its history
# together); the data returns' panel one when no return has been sent (two when one has:
# its own tests check those do not grow either). The report shows no trend, cycles or
# sessions, so it reads three fewer, and one more for its chosen quotes.
BUDGETS = {"evaluation:dashboard": 15, "evaluation:report": 13}

_sequence = itertools.count()


def grow(coordinator, organisations: int, members_each: int) -> None:
    """Organisations whose members come to a held webinar and a study day and say what
    they thought of them."""
    held = [past_event(2, kind=EventKind.WEBINAR), past_event(3, kind=EventKind.STUDY_DAY)]
    groups = itertools.cycle(StaffGroup.values)
    network_roles = itertools.cycle(NetworkRole.values)
    for _ in range(organisations):
        organisation = OrganisationFactory(
            name=f"Grown organisation {next(_sequence)}",
            network_role=next(network_roles),
            rurality=Rurality.RURAL,
        )
        for _ in range(members_each):
            member = UserFactory(organisation=organisation, staff_group=next(groups))
            for occurrence in held:
                attend(occurrence, member, by=coordinator)
                ask = services.occurrence_ask(member, occurrence)
                services.submit_response(member, ask, full_answers(ask))


@pytest.fixture
def viewers(coordinator, past_echo):
    """Who opens the figures; with a programme, every figure has something to read."""
    return {
        "coordinator": coordinator,
        "executive": UserFactory(roles=[roles.EXECUTIVE_COMMITTEE]),
    }


@pytest.mark.parametrize("name", list(BUDGETS))
@pytest.mark.parametrize("role", ["coordinator", "executive"])
def test_queries_are_few_and_do_not_grow(client, coordinator, viewers, name, role):
    address = reverse(name)
    client.force_login(viewers[role])
    grow(coordinator, 1, 2)
    more, budget = (lambda: grow(coordinator, 8, 3)), BUDGETS[name]
    assert_flat(client, address, more, expect="Grown organisation", budget=budget)


def test_filtered_dashboard_reads_no_more(client, coordinator, viewers, past_echo):
    """A programme and a staff group chosen: one more query, to find the programme."""
    client.force_login(coordinator)
    grow(coordinator, 2, 2)
    address = reverse("evaluation:dashboard")
    client.get(address)
    with CaptureQueriesContext(connection) as unfiltered:
        client.get(address)
    filtered = f"{address}?programme={past_echo.slug}&staff_group={StaffGroup.CLINICAL}"
    with CaptureQueriesContext(connection) as narrowed:
        assert client.get(filtered).status_code == 200
    assert len(narrowed.captured_queries) <= len(unfiltered.captured_queries) + 1
