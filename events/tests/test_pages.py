"""The calendar and occurrence pages, the coordinator's event forms, and their query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from schedule.models import Occurrence

from events import services
from events.models import EventKind
from members import roles
from members.tests.factories import UserFactory

from .factories import LONDON, first_occurrence, make_event, soon

pytestmark = pytest.mark.django_db

CALENDAR = reverse("events:calendar")


def test_calendar_lists_upcoming_events_for_my_staff_group_first(client):
    teacher = UserFactory(staff_group="universal_service")
    make_event(title="Clinical skills webinar", audience=["clinical"])
    make_event(title="Supporting pupils in school", audience=["universal_service"])
    make_event(title="Annual conference", kind=EventKind.CONFERENCE)
    client.force_login(teacher)
    page = client.get(CALENDAR).content.decode()
    for_you, others = page.split("For other staff groups")
    assert "Supporting pupils in school" in for_you
    assert "Annual conference" in for_you
    assert "Clinical skills webinar" in others


def test_calendar_filters_by_kind_and_audience(member_client):
    make_event(title="Clinical skills webinar", audience=["clinical"])
    make_event(
        title="Study day in school", kind=EventKind.STUDY_DAY, audience=["universal_service"]
    )
    page = member_client.get(CALENDAR, {"kind": "study_day"}).content.decode()
    assert "Study day in school" in page
    assert "Clinical skills webinar" not in page
    page = member_client.get(CALENDAR, {"audience": "clinical"}).content.decode()
    assert "Clinical skills webinar" in page
    assert "Study day in school" not in page


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "<script>alert(99)</script>"},
        {"audience": "x" * 500},
        {"view": "month", "month": "2027-13"},
        {"view": "month", "month": "'; drop table"},
        {"view": "nonsense"},
    ],
)
def test_calendar_survives_bad_query_strings(member_client, query):
    response = member_client.get(CALENDAR, query)
    assert response.status_code == 200
    assert "<script>alert(99)" not in response.content.decode()


def test_month_view_shows_the_month_and_links_each_busy_day(member_client):
    start = datetime.datetime(2027, 2, 9, 12, 30, tzinfo=LONDON)
    event = make_event(title="Month view webinar", start=start)
    page = member_client.get(CALENDAR, {"view": "month", "month": "2027-02"}).content.decode()
    assert "February 2027" in page
    assert 'href="#day-2027-02-09"' in page
    assert reverse("events:occurrence", args=[first_occurrence(event).pk]) in page
    assert "month=2027-03" in page and "month=2027-01" in page


def _populate(n_events: int, n_registrations: int):
    for i in range(n_events):
        event = make_event(title=f"Webinar {i}", start=soon(days=2 + i))
        occurrence = first_occurrence(event)
        for _ in range(n_registrations):
            services.register_for_occurrence(UserFactory(), occurrence)


def test_calendar_query_count_does_not_grow(member_client, django_assert_max_num_queries):
    _populate(2, 1)
    with django_assert_max_num_queries(30) as baseline:
        member_client.get(CALENDAR)
    _populate(12, 3)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = member_client.get(CALENDAR)
    assert response.content.decode().count("Webinar ") >= 14


def test_month_view_query_count_does_not_grow(member_client, django_assert_max_num_queries):
    month = soon(days=2).strftime("%Y-%m")
    _populate(1, 1)
    with django_assert_max_num_queries(30) as baseline:
        member_client.get(CALENDAR, {"view": "month", "month": month})
    _populate(8, 3)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        member_client.get(CALENDAR, {"view": "month", "month": month})


EVENT_FORM = {
    "title": "Symptom management ECHO",
    "kind": "echo_session",
    "date": "2027-01-12",
    "start_time": "12:30",
    "end_time": "14:00",
    "recurrence": "monthly_weekday",
    "repeat_until": "2027-06-30",
    "audience": ["clinical"],
    "attendance_mode": "online",
    "venue": "",
    "video_link": "https://meet.jit.si/westmoor-echo",
    "capacity": "",
    "waiting_list": "on",
    "cpd_hours": "1.5",
    "description": "<p>Monthly case discussion.</p><script>alert(1)</script>",
}


def test_coordinator_creates_a_second_tuesday_series(coordinator_client):
    response = coordinator_client.post(reverse("events:event_create"), EVENT_FORM)
    assert response.status_code == 302
    occurrences = Occurrence.objects.order_by("start")
    local = [o.start.astimezone(LONDON) for o in occurrences]
    assert [d.day for d in local] == [12, 9, 9, 13, 11, 8]
    assert {(d.hour, d.minute) for d in local} == {(12, 30)}
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Second Tuesday of each month, 12:30–14:00" in page
    assert "<p>Monthly case discussion.</p>" in page
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_time": "12:00"}, "end_time"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
        ({"video_link": "http://insecure.example/call"}, "video_link"),
        ({"attendance_mode": "in_person", "venue": ""}, "venue"),
        ({"recurrence": "none"}, "repeat_until"),
        ({"repeat_until": "2026-12-01"}, "repeat_until"),
        ({"capacity": "0"}, "capacity"),
        ({"cpd_hours": "-1"}, "cpd_hours"),
        ({"date": "31/02/2027"}, "date"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_event_input_saves_nothing(coordinator_client, changes, field):
    response = coordinator_client.post(reverse("events:event_create"), EVENT_FORM | changes)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize("role", [None, roles.FACILITATORS, roles.EXECUTIVE_COMMITTEE])
def test_only_coordinators_manage_events(client, occurrence, role):
    client.force_login(UserFactory(roles=[role] if role else []))
    assert client.post(reverse("events:event_create"), EVENT_FORM).status_code == 403
    for name in ["occurrence_cancel", "occurrence_move"]:
        response = client.post(reverse(f"events:{name}", args=[occurrence.pk]), {})
        assert response.status_code == 403
    response = client.post(reverse("events:event_edit", args=[occurrence.event_id]), EVENT_FORM)
    assert response.status_code == 403
    occurrence.refresh_from_db()
    assert not occurrence.cancelled


def test_coordinator_cancels_and_moves_one_date(
    coordinator_client, occurrence, member, django_capture_on_commit_callbacks
):
    from django.core import mail

    services.register_for_occurrence(member, occurrence)
    new_day = (occurrence.start.astimezone(LONDON) + datetime.timedelta(days=1)).date()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("events:occurrence_move", args=[occurrence.pk]),
            {"date": new_day.isoformat(), "start_time": "15:00", "end_time": "16:00"},
        )
    occurrence.refresh_from_db()
    assert occurrence.start.astimezone(LONDON).hour == 15
    assert occurrence.moved
    assert mail.outbox[-1].to == [member.email]
    assert "New time" in mail.outbox[-1].subject
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("events:occurrence_cancel", args=[occurrence.pk]), {"reason": "Snow"}
        )
    occurrence.refresh_from_db()
    assert occurrence.cancelled
    assert "Snow" in mail.outbox[-1].body


def test_coordinator_edits_a_series(coordinator_client):
    coordinator_client.post(reverse("events:event_create"), EVENT_FORM)
    event_id = Occurrence.objects.first().event_id
    form = coordinator_client.get(reverse("events:event_edit", args=[event_id])).context["form"]
    assert form.initial["recurrence"] == "monthly_weekday"
    assert form.initial["repeat_until"] == datetime.date(2027, 6, 30)
    response = coordinator_client.post(
        reverse("events:event_edit", args=[event_id]), EVENT_FORM | {"start_time": "13:00"}
    )
    assert response.status_code == 302
    hours = {o.start.astimezone(LONDON).hour for o in Occurrence.objects.all()}
    assert hours == {13}


def test_dashboard_lists_upcoming_sessions(member_client, member, occurrence):
    services.register_for_occurrence(member, occurrence)
    page = member_client.get("/").content.decode()
    assert "Your upcoming sessions" in page
    assert occurrence.title in page


def test_programme_page_shows_curriculum_and_cycle(member_client, echo, session):
    services.plan_session(session, didactic_topic="Breathlessness at home")
    page = member_client.get(reverse("events:programme", args=[echo.slug])).content.decode()
    assert "Breathlessness at home" in page
    assert "0 of 0 sessions held so far" in page


def test_coordinator_creates_a_programme_and_plans_its_curriculum(coordinator_client, facilitator):
    series = make_event(
        title="Transition ECHO",
        kind=EventKind.ECHO_SESSION,
        start=datetime.datetime(2027, 1, 28, 12, 30, tzinfo=LONDON),
        recurrence="monthly_weekday",
        repeat_until=datetime.date(2027, 3, 31),
    )
    response = coordinator_client.post(
        reverse("events:programme_create"),
        {
            "name": "Transition to adult services ECHO",
            "description": "Monthly discussion of young people moving to adult services.",
            "series": series.pk,
            "hub_team": [facilitator.pk],
            "target_staff_groups": ["clinical", "universal_service"],
            "cycle_start": "2027-01-01",
            "cycle_end": "2027-03-31",
        },
    )
    assert response.status_code == 302
    programme = series.echo_programme
    assert list(programme.hub_team.all()) == [facilitator]
    sessions = list(series.occurrence_set.order_by("start"))
    data = {
        "form-TOTAL_FORMS": str(len(sessions)),
        "form-INITIAL_FORMS": str(len(sessions)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for n, session in enumerate(sessions):
        data |= {
            f"form-{n}-occurrence": str(session.pk),
            f"form-{n}-didactic_topic": f"Topic {n}",
            f"form-{n}-didactic_presenter": "Dr Hub",
        }
    url = reverse("events:curriculum", args=[programme.slug])
    assert coordinator_client.post(url, data).status_code == 302
    page = coordinator_client.get(reverse("events:programme", args=[programme.slug]))
    assert "Topic 2" in page.content.decode()


def test_curriculum_refuses_foreign_sessions_and_outsiders(client, echo, occurrence, facilitator):
    url = reverse("events:curriculum", args=[echo.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(facilitator)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-occurrence": str(occurrence.pk),
        "form-0-didactic_topic": "Sneaky",
        "form-0-didactic_presenter": "",
    }
    response = client.post(url, data, follow=True)
    assert "not part of this programme" in response.content.decode()
    assert not hasattr(Occurrence.objects.get(pk=occurrence.pk), "session_plan")
