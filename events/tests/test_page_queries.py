"""Query counts of the events pages (issue 15): at most 15 for each role that uses the page,
and no more when the data that grows in real life grows: people registered and marked on
a register, events on the calendar, registrants and cases of a session."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from schedule.models import Event

from events import services
from events.models import AttendanceStatus
from members import roles
from members.tests.factories import UserFactory
from tests.queries import MAX_QUERIES, assert_flat

from .factories import first_occurrence, make_event, soon, submit_sample_case

pytestmark = pytest.mark.django_db

CALENDAR = reverse("events:calendar")


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def nurse(db):
    return UserFactory(full_name="Nia Nurse")


# --- The attendance register ----------------------------------------------------------------


def add_to_register(occurrence, coordinator, count: int) -> None:
    """`count` people registered: a third unmarked, the rest marked, half of those adjusted."""
    for index, person in enumerate(UserFactory.create_batch(count)):
        services.register_for_occurrence(person, occurrence)
        if index % 3 == 0:
            continue
        services.record_attendance(
            occurrence, person, status=AttendanceStatus.PRESENT, by=coordinator
        )
        if index % 2:
            services.record_attendance(
                occurrence,
                person,
                status=AttendanceStatus.PRESENT,
                minutes=45,
                by=coordinator,
                reason="Left early",
            )


@pytest.mark.parametrize("role", ["coordinator", "facilitator"])
def test_register_queries_do_not_grow_with_the_people_on_it(
    client, role, coordinator, facilitator, session
):
    user = coordinator if role == "coordinator" else facilitator
    url = reverse("events:attendance", args=[session.pk])
    add_to_register(session, coordinator, 3)
    assert_flat(
        signed_in(client, user),
        url,
        lambda: add_to_register(session, coordinator, 30),
        expect="Left early",
    )


def test_register_with_errors_after_a_bad_post_stays_within_the_limit(client, coordinator, session):
    add_to_register(session, coordinator, 12)
    client = signed_in(client, coordinator)
    url = reverse("events:attendance", args=[session.pk])
    page = client.get(url)
    formset = page.context["formset"]
    data = {
        f"form-{key}": value
        for key, value in {
            "TOTAL_FORMS": formset.total_form_count(),
            "INITIAL_FORMS": formset.initial_form_count(),
        }.items()
    }
    for index, form in enumerate(formset):
        data[f"form-{index}-member"] = form["member"].value()
        data[f"form-{index}-status"] = "bogus"
        data[f"form-{index}-minutes"] = "-1"
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, data)
    assert response.status_code == 200
    assert response.content.decode().count("nhsuk-error-message") == 2 * len(formset)
    assert len(captured) <= MAX_QUERIES


# --- The calendar --------------------------------------------------------------------------


def add_events(count: int, registrants: int = 2) -> None:
    """`count` more webinars, numbered on from those already on the calendar."""
    first = Event.objects.count()
    for index in range(first, first + count):
        occurrence = first_occurrence(make_event(title=f"Webinar {index}", start=soon(days=2)))
        for person in UserFactory.create_batch(registrants):
            services.register_for_occurrence(person, occurrence)


@pytest.mark.parametrize("role", ["nurse", "coordinator"])
def test_calendar_list_queries_do_not_grow_with_events(client, role, nurse, coordinator):
    add_events(2)
    user = nurse if role == "nurse" else coordinator
    assert_flat(signed_in(client, user), CALENDAR, lambda: add_events(10), expect="Webinar 11")


def test_calendar_month_queries_do_not_grow_with_events(client, nurse):
    month = soon(days=2).strftime("%Y-%m")
    url = f"{CALENDAR}?view=month&month={month}"
    add_events(1)
    services.register_for_occurrence(nurse, first_occurrence(make_event(start=soon(days=2))))
    assert_flat(signed_in(client, nurse), url, lambda: add_events(8), expect="Webinar 8")


# --- An occurrence -------------------------------------------------------------------------


def add_registrants_and_cases(session, facilitator, count: int) -> None:
    for index, presenter in enumerate(UserFactory.create_batch(count)):
        services.register_for_occurrence(presenter, session)
        case = submit_sample_case(presenter, session, f"Case {index}")
        if index % 2:
            services.review_case(case, by=facilitator, decision="accept")


@pytest.mark.parametrize("role", ["nurse", "facilitator", "coordinator", "other facilitator"])
def test_occurrence_queries_do_not_grow_with_registrants_and_cases(
    client, role, nurse, facilitator, coordinator, session
):
    """The hub team's facilitator, and one from another programme registered as a member."""
    users = {"nurse": nurse, "facilitator": facilitator, "coordinator": coordinator}
    if role == "other facilitator":
        users[role] = UserFactory(roles=[roles.FACILITATORS])
    user = users[role]
    if role in {"nurse", "other facilitator"}:
        services.register_for_occurrence(user, session)
    add_registrants_and_cases(session, facilitator, 2)
    url = reverse("events:occurrence", args=[session.pk])
    assert_flat(
        signed_in(client, user),
        url,
        lambda: add_registrants_and_cases(session, facilitator, 12),
        expect="Symptom management ECHO",
    )
