"""The member dashboard (the home page when signed in) takes the same number of queries for
every role however much there is on it: sessions registered for and attended, programmes,
surveys answered, forum threads and notifications, tracks, modules and progress,
guidelines read, organisations led and their returns."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluation import services as evaluation
from evaluation.tests.factories import attend, full_answers, past_event
from events import services as events
from events.models import EventKind
from events.scheduling import Recurrence
from events.tests.factories import make_event, soon
from forums import services as forums
from forums.tests.factories import make_category
from guidelines import services as guidelines
from guidelines.models import GuidelineIndexPage
from guidelines.tests.factories import endorse, make_draft
from learning import services as learning
from learning.models import LearningIndexPage
from learning.tests.factories import make_module, make_track
from members import roles
from members.models import StaffGroup
from members.tests.factories import OrganisationFactory, UserFactory
from returns import services as returns
from returns.tests.factories import build_template
from tests.queries import MAX_QUERIES

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "facilitator", "nurse", "admin", "teacher", "exec"]
# What the dashboard's panels and greeting add to the queries of the page without them
# (the user and roles, Wagtail's serving and, for editors, its editors' bar), and the
# whole page at most issue 15's budget, for every role.
MAX_DASHBOARD_QUERIES = 10


@pytest.fixture
def people(db):
    coordinator = UserFactory(full_name="Cora Coordinator", roles=[roles.COORDINATORS])
    nurse = UserFactory(full_name="Nia Nurse")
    executive = UserFactory(full_name="Eve Exec", roles=[roles.EXECUTIVE_COMMITTEE])
    nurse.organisation.leads.add(nurse)
    executive.organisation.leads.add(executive)
    return {
        "coordinator": coordinator,
        "facilitator": UserFactory(full_name="Fola Facilitator", roles=[roles.FACILITATORS]),
        "nurse": nurse,
        "admin": UserFactory(full_name="Ada Admin", is_superuser=True, is_staff=True),
        "teacher": UserFactory(full_name="Tess Teacher", staff_group=StaffGroup.UNIVERSAL_SERVICE),
        "exec": executive,
        "clinical": UserFactory(
            full_name="Cal Clinical", organisation=None, roles=[roles.CLINICAL_STEERING_GROUP]
        ),
    }


def grow(people: dict, step: int) -> None:
    """More of everything that grows on the dashboard, for everyone in `people`."""
    coordinator, clinical, executive = people["coordinator"], people["clinical"], people["exec"]
    members = [people[role] for role in ROLES]
    # Sessions: upcoming ones registered for, recent ones attended (and a survey answered),
    # and a finished ECHO programme whose last session everyone attended.
    start = soon(days=-150)
    until = (start + datetime.timedelta(days=130)).date()
    programme = events.create_programme(
        name=f"Finished ECHO {step}",
        slug=f"finished-echo-{step}",
        description="Monthly case discussion.",
        series=make_event(
            title=f"Finished ECHO {step}",
            kind=EventKind.ECHO_SESSION,
            start=start,
            recurrence=Recurrence.MONTHLY_WEEKDAY,
            repeat_until=until,
        ),
        cycle_start=start.date(),
        cycle_end=until,
        hub_team=[people["facilitator"]],
    )
    last = programme.series.occurrence_set.order_by("-start").first()
    for day in range(3):
        upcoming = make_event(title=f"Webinar {step}.{day}", start=soon(days=5 + day))
        recent = past_event(3 + day, title=f"Past webinar {step}.{day}")
        for member in members:
            events.register_for_occurrence(member, upcoming.occurrence_set.get())
            attend(recent, member, by=coordinator)
    for member in members:
        attend(last, member, by=coordinator)
        ask = evaluation.open_asks(member)[0]
        evaluation.submit_response(member, ask, full_answers(ask))
    # Forums: a thread each, with replies from the others (notifications, unread).
    category = make_category(f"Discussion {step}", position=step)
    first = timezone.now() - datetime.timedelta(hours=10 - 2 * step)
    moments = (first + datetime.timedelta(minutes=2 * n) for n in itertools.count())
    for number, member in enumerate(members):
        thread = forums.start_thread(
            member, category, f"Question {step}.{number}", "What do you do?", now=next(moments)
        )
        for other in members:
            if other != member:
                forums.reply(other, thread, "We plan ahead.", now=next(moments))
    # Learning: another track of modules, one read by everyone.
    track = make_track(LearningIndexPage.objects.get(), title=f"Track {step}", slug=f"track-{step}")
    modules = [make_module(track, f"module-{step}-{n}") for n in range(3)]
    for member in members:
        learning.mark_read(member, modules[0])
    # Guidelines: another endorsed guideline, read by some.
    guideline = endorse(
        make_draft(
            GuidelineIndexPage.objects.get(),
            coordinator,
            title=f"Guideline {step}",
            slug=f"guideline-{step}",
        ),
        coordinator,
        clinical,
        executive,
    )
    for member in members[::2]:
        guidelines.acknowledge(member, guideline, 1)
    # Organisations: one more led by the nurse and the exec, and a return for each.
    for lead in (people["nurse"], executive):
        organisation = OrganisationFactory()
        organisation.leads.add(lead)
    template = build_template(name=f"Return {step}", slug=f"return-{step}")
    returns.open_template(
        template,
        [people["nurse"].organisation, executive.organisation],
        timezone.localdate() + datetime.timedelta(days=30),
        by=coordinator,
    )


def dashboard_queries(user) -> int:
    client = Client()
    client.force_login(user)
    assert client.get("/").status_code == 200  # what is the same for everyone is cached
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert response.status_code == 200
    return len(context.captured_queries)


def shell_queries(user, monkeypatch) -> int:
    """The queries of the signed-in home page with no panels and no greeting."""
    from cop_site import models

    with monkeypatch.context() as patch:
        patch.setattr(models, "dashboard_panels", lambda request: [])
        patch.setattr(models, "member_organisations", _no_organisations)
        return dashboard_queries(user)


def _no_organisations(request):
    from members.panels import MemberOrganisations

    return MemberOrganisations(own=None, led=[])


@pytest.mark.parametrize("role", ROLES)
def test_the_dashboard_takes_the_same_queries_however_much_it_shows(people, role, monkeypatch):
    user = people[role]
    grow(people, 1)
    few = dashboard_queries(user)
    grow(people, 2)
    grow(people, 3)

    assert dashboard_queries(user) == few
    assert few <= MAX_QUERIES
    assert few - shell_queries(user, monkeypatch) <= MAX_DASHBOARD_QUERIES


def test_the_dashboard_shows_what_was_grown(people):
    grow(people, 1)
    client = Client()
    client.force_login(people["nurse"])
    page = client.get("/").content.decode()
    assert "Webinar 1.0" in page  # upcoming sessions
    assert "Track 1" in page  # learning
    assert "Question 1." in page  # forums
    assert "Return 1" in page  # returns to fill in
    assert "has not recorded its position" in page  # guidelines, for the organisation's lead
