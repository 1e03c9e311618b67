"""Attendance: marking by hand with an audit trail, the figures other apps read, the register."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import queries, services
from events.exceptions import EventsError
from events.models import (
    Attendance,
    AttendanceChange,
    AttendanceSource,
    AttendanceStatus,
    EventKind,
)
from events.scheduling import Recurrence
from members import roles
from members.models import ApprovalStatus
from members.tests.factories import UserFactory

from .factories import first_occurrence, london, make_event

pytestmark = pytest.mark.django_db

PRESENT, ABSENT, EXCUSED = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


def past_series(title: str = "Transition ECHO"):
    """Second Tuesday of each month, January to June 2026: six sessions, all held already."""
    return make_event(
        title=title,
        kind=EventKind.ECHO_SESSION,
        start=london(2026, 1, 13, 12, 30),
        recurrence=Recurrence.MONTHLY_WEEKDAY,
        repeat_until=datetime.date(2026, 6, 30),
        cpd_hours=Decimal("1.5"),
    )


def programme_for(series, facilitator, *, cycle_start, cycle_end, slug="transition-echo"):
    return services.create_programme(
        name=series.title,
        slug=slug,
        description="Monthly case discussion on transition to adult services.",
        series=series,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        hub_team=[facilitator],
    )


@pytest.fixture
def past_programme(facilitator):
    return programme_for(
        past_series(),
        facilitator,
        cycle_start=datetime.date(2026, 1, 1),
        cycle_end=datetime.date(2026, 6, 30),
    )


@pytest.fixture
def past_sessions(past_programme):
    return list(past_programme.series.occurrence_set.order_by("start"))


def attendance_state(occurrence, member):
    record = Attendance.objects.filter(occurrence=occurrence, member=member).first()
    if record is None:
        return None
    changes = list(record.changes.values_list("new_status", "new_minutes", "reason"))
    return record.status, record.minutes, record.marked_by_id, changes


# --- record_attendance ------------------------------------------------------------------------


def test_first_marking_creates_a_manual_record_with_one_change(member, coordinator, occurrence):
    before = timezone.now()

    attendance = services.record_attendance(occurrence, member, status=PRESENT, by=coordinator)

    attendance.refresh_from_db()
    assert attendance.status == PRESENT
    assert attendance.minutes == 90  # the whole event by default
    assert attendance.source == AttendanceSource.MANUAL
    assert attendance.marked_by == coordinator
    (change,) = attendance.changes.all()
    assert change.reason == "Marked on the register"
    assert change.changed_by == coordinator
    assert (change.old_status, change.old_minutes) == ("", None)
    assert (change.new_status, change.new_minutes) == (PRESENT, 90)
    assert before <= change.changed_at <= timezone.now()


def test_marking_the_same_again_changes_nothing(member, coordinator, occurrence):
    services.record_attendance(occurrence, member, status=PRESENT, minutes=60, by=coordinator)

    services.record_attendance(occurrence, member, status=PRESENT, minutes=60, by=coordinator)

    assert AttendanceChange.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_changing_a_record_without_a_reason_is_refused(member, coordinator, occurrence, reason):
    services.record_attendance(occurrence, member, status=PRESENT, by=coordinator)
    before = attendance_state(occurrence, member)

    with pytest.raises(EventsError) as caught:
        services.record_attendance(occurrence, member, status=ABSENT, by=coordinator, reason=reason)

    assert isinstance(caught.value, ValidationError)
    assert "reason" in " ".join(caught.value.messages)
    assert attendance_state(occurrence, member) == before


def test_changing_a_record_with_a_reason_keeps_the_audit_trail(member, coordinator, occurrence):
    first = services.record_attendance(occurrence, member, status=PRESENT, by=coordinator)
    second_coordinator = UserFactory(full_name="Sam Second", roles=[roles.COORDINATORS])
    before = timezone.now()

    services.record_attendance(
        occurrence,
        member,
        status=PRESENT,
        minutes=45,
        by=second_coordinator,
        reason="  Left early for a home visit  ",
    )

    record = Attendance.objects.get(pk=first.pk)
    assert (record.status, record.minutes) == (PRESENT, 45)
    assert record.marked_by == second_coordinator
    assert record.source == AttendanceSource.MANUAL
    initial, change = record.changes.all()
    assert initial.reason == "Marked on the register"
    assert change.changed_by == second_coordinator
    assert (change.old_status, change.old_minutes) == (PRESENT, 90)
    assert (change.new_status, change.new_minutes) == (PRESENT, 45)
    assert change.reason == "Left early for a home visit"
    assert before <= change.changed_at <= timezone.now()


@pytest.mark.parametrize(
    ("status", "minutes"),
    [
        (PRESENT, 91),
        (PRESENT, 10_000),
        (PRESENT, -1),
        (ABSENT, -1),
        (EXCUSED, 91),
        ("late", 30),
        ("", None),
        ("PRESENT", None),
    ],
)
def test_bad_status_or_minutes_are_refused_and_nothing_is_saved(
    member, coordinator, occurrence, status, minutes
):
    with pytest.raises(EventsError):
        services.record_attendance(
            occurrence, member, status=status, minutes=minutes, by=coordinator
        )

    assert not Attendance.objects.exists()
    assert not AttendanceChange.objects.exists()


@pytest.mark.parametrize(("status", "minutes"), [(PRESENT, 91), (PRESENT, -5), ("late", 10)])
def test_bad_change_to_an_existing_record_changes_nothing(
    member, coordinator, occurrence, status, minutes
):
    services.record_attendance(occurrence, member, status=PRESENT, by=coordinator)
    before = attendance_state(occurrence, member)

    with pytest.raises(EventsError):
        services.record_attendance(
            occurrence, member, status=status, minutes=minutes, by=coordinator, reason="Fix"
        )

    assert attendance_state(occurrence, member) == before


@pytest.mark.parametrize("minutes", [None, 0, 30, 90])
@pytest.mark.parametrize("status", [ABSENT, EXCUSED])
def test_absent_and_excused_count_no_minutes(member, coordinator, occurrence, status, minutes):
    attendance = services.record_attendance(
        occurrence, member, status=status, minutes=minutes, by=coordinator
    )

    attendance.refresh_from_db()
    assert (attendance.status, attendance.minutes) == (status, 0)
    assert attendance.changes.get().new_minutes == 0
    assert queries.attended_minutes(member) == 0


def test_present_at_the_boundaries_of_the_occurrence_length(member, coordinator, occurrence):
    other = UserFactory()

    full = services.record_attendance(
        occurrence, member, status=PRESENT, minutes=90, by=coordinator
    )
    none = services.record_attendance(occurrence, other, status=PRESENT, minutes=0, by=coordinator)

    assert (full.minutes, none.minutes) == (90, 0)
    assert queries.attended_minutes(member) == 90
    assert queries.attended_minutes(other) == 0


def plain_member():
    return UserFactory(full_name="Plain Member")


def outside_facilitator():
    return UserFactory(full_name="Other Facilitator", roles=[roles.FACILITATORS])


def pending_coordinator():
    return UserFactory(approval_status=ApprovalStatus.PENDING, roles=[roles.COORDINATORS])


@pytest.mark.parametrize(
    "make_user",
    [plain_member, outside_facilitator, pending_coordinator],
    ids=["member", "facilitator-outside-hub-team", "pending-coordinator"],
)
def test_others_cannot_take_the_register(member, session, make_user):
    with pytest.raises(PermissionDenied):
        services.record_attendance(session, member, status=PRESENT, by=make_user())

    assert not Attendance.objects.exists()


def test_hub_team_facilitator_marks_their_own_session(member, facilitator, session):
    attendance = services.record_attendance(session, member, status=PRESENT, by=facilitator)

    assert attendance.marked_by == facilitator
    assert attendance.changes.get().changed_by == facilitator


def test_hub_team_facilitator_cannot_mark_other_events(member, facilitator, session, occurrence):
    with pytest.raises(PermissionDenied):
        services.record_attendance(occurrence, member, status=PRESENT, by=facilitator)

    assert not Attendance.objects.exists()


# --- Figures for CPD and evaluation -----------------------------------------------------------


@pytest.fixture
def history(member, coordinator, past_sessions):
    """The member's first half of 2026: two ECHO sessions, a webinar, and what does not count."""
    january, february, march, april, may, _june = past_sessions
    webinar = first_occurrence(
        make_event(
            title="Pain assessment webinar",
            kind=EventKind.WEBINAR,
            start=london(2026, 3, 3, 10, 0),
            minutes=60,
            cpd_hours=Decimal("1.0"),
        )
    )

    def mark(occurrence, status, minutes=None):
        services.record_attendance(
            occurrence, member, status=status, minutes=minutes, by=coordinator
        )

    mark(january, PRESENT)  # 90
    mark(february, PRESENT, 45)
    mark(march, ABSENT)
    mark(april, EXCUSED)
    mark(may, PRESENT, 60)
    services.cancel_occurrence(may, by=coordinator, reason="Did not go ahead")
    mark(webinar, PRESENT)  # 60
    services.record_attendance(january, UserFactory(), status=PRESENT, by=coordinator)
    return {"sessions": past_sessions, "webinar": webinar}


def test_attended_minutes_counts_present_minutes_at_held_occurrences(member, history):
    assert queries.attended_minutes(member) == 90 + 45 + 60


@pytest.mark.parametrize(
    ("since", "until", "kinds", "expected"),
    [
        (None, None, [EventKind.ECHO_SESSION], 90 + 45),
        (None, None, [EventKind.WEBINAR], 60),
        (None, None, [EventKind.ECHO_SESSION, EventKind.WEBINAR], 195),
        (None, None, [EventKind.CONFERENCE], 0),
        (None, None, [], 0),
        (london(2026, 2, 1), None, None, 45 + 60),
        (london(2026, 2, 10, 12, 30), None, None, 45 + 60),  # since is inclusive
        (None, london(2026, 2, 10, 12, 30), None, 90),  # until is exclusive
        (london(2026, 2, 1), london(2026, 3, 1), None, 45),
        (london(2026, 2, 1), london(2026, 4, 1), [EventKind.ECHO_SESSION], 45),
        (london(2026, 7, 1), None, None, 0),
    ],
)
def test_attended_minutes_filters(member, history, since, until, kinds, expected):
    assert queries.attended_minutes(member, since=since, until=until, kinds=kinds) == expected


def test_attended_minutes_of_someone_who_never_came(history):
    assert queries.attended_minutes(UserFactory()) == 0


def test_attendance_records_oldest_first_with_cpd(member, history):
    january, february, *_rest = history["sessions"]

    records = queries.attendance_records(member)

    assert [
        (r.occurrence_id, r.title, r.kind, r.minutes, r.cpd_hours, r.source) for r in records
    ] == [
        (january.pk, "Transition ECHO", EventKind.ECHO_SESSION, 90, Decimal("1.5"), "manual"),
        (february.pk, "Transition ECHO", EventKind.ECHO_SESSION, 45, Decimal("1.5"), "manual"),
        (
            history["webinar"].pk,
            "Pain assessment webinar",
            EventKind.WEBINAR,
            60,
            Decimal("1.0"),
            "manual",
        ),
    ]
    assert [r.start for r in records] == sorted(r.start for r in records)


def test_attendance_records_respect_since_and_until(member, history):
    records = queries.attendance_records(member, since=london(2026, 2, 1), until=london(2026, 3, 1))

    assert [(r.start, r.minutes) for r in records] == [(london(2026, 2, 10, 12, 30), 45)]


def test_cycle_summary_counts_held_sessions_and_attended(member, history, past_programme):
    summary = queries.cycle_summary(member, past_programme)

    # Six sessions in the cycle, May cancelled: five held; present at January and February.
    assert (summary.held, summary.attended) == (5, 2)
    assert summary.share == pytest.approx(0.4)


def test_cycle_summary_counts_only_sessions_already_over(member, history, past_programme):
    during_february = london(2026, 2, 10, 13, 0)  # the February session is still running

    summary = queries.cycle_summary(member, past_programme, now=during_february)

    assert (summary.held, summary.attended) == (1, 1)


def test_cycle_summary_counts_only_sessions_in_the_cycle(member, coordinator, facilitator):
    series = past_series("Neonatal ECHO")
    january, february, march, april, *_rest = series.occurrence_set.order_by("start")
    programme = programme_for(
        series,
        facilitator,
        cycle_start=datetime.date(2026, 2, 1),
        cycle_end=datetime.date(2026, 3, 31),
        slug="neonatal-echo",
    )
    for session in (january, february, april):
        services.record_attendance(session, member, status=PRESENT, by=coordinator)

    summary = queries.cycle_summary(member, programme)

    assert (summary.held, summary.attended) == (2, 1)  # February and March; present in February


def test_cycle_summary_before_any_session(member, past_programme):
    summary = queries.cycle_summary(member, past_programme, now=london(2026, 1, 1))

    assert (summary.held, summary.attended, summary.share) == (0, 0, 0.0)


# --- The register page ------------------------------------------------------------------------


def register_url(occurrence) -> str:
    return reverse("events:attendance", args=[occurrence.pk])


def formset_data(rows: list[dict]) -> dict[str, str]:
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "2000",
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-member"] = str(row["member"].pk)
        data[f"form-{index}-status"] = row.get("status", "")
        minutes = row.get("minutes")
        data[f"form-{index}-minutes"] = "" if minutes is None else str(minutes)
        data[f"form-{index}-reason"] = row.get("reason", "")
    return data


@pytest.fixture
def attendees(occurrence):
    """Two members registered for the (future) webinar and one who cancelled."""
    ada = UserFactory(full_name="Ada Attendee")
    ben = UserFactory(full_name="Ben Booked")
    gone = UserFactory(full_name="Gil Gone")
    for person in (ada, ben, gone):
        services.register_for_occurrence(person, occurrence)
    services.cancel_registration(gone, occurrence)
    return ada, ben


def test_attendance_register_rows_states_and_trail(coordinator, occurrence, attendees):
    ada, ben = attendees
    cal = UserFactory(full_name="Cal Latecomer")
    services.register_for_occurrence(cal, occurrence)
    walk_in = UserFactory(full_name="Abe Walk-in")  # marked, never registered
    services.record_attendance(occurrence, ada, status=PRESENT, by=coordinator)
    services.record_attendance(
        occurrence, ada, status=PRESENT, minutes=40, by=coordinator, reason="Joined late"
    )
    services.record_attendance(occurrence, walk_in, status=EXCUSED, by=coordinator)

    register = queries.attendance_register(occurrence)

    rows = [(r.member.full_name, r.registered, r.status, r.minutes) for r in register.rows]
    assert rows == [
        ("Abe Walk-in", False, EXCUSED, 0),
        ("Ada Attendee", True, PRESENT, 40),
        ("Ben Booked", True, "", None),
        ("Cal Latecomer", True, "", None),
    ]
    abe, ada_row, ben_row, _cal = register.rows
    assert ada_row.record.marked_by == coordinator
    assert [(c.old_status, c.new_minutes, c.reason) for c in ada_row.changes] == [
        ("", 90, "Marked on the register"),
        (PRESENT, 40, "Joined late"),
    ]
    assert (ada_row.is_adjusted, abe.is_adjusted, ben_row.is_adjusted) == (True, False, False)
    assert (ben_row.record, ben_row.changes) == (None, [])
    assert register.counts == {"": 2, PRESENT: 1, ABSENT: 0, EXCUSED: 1}
    assert register.row_for(ben.pk) is ben_row
    assert register.row_for(UserFactory().pk) is None
    assert register.row_for(None) is None


def test_attendance_register_of_nobody(occurrence):
    register = queries.attendance_register(occurrence)

    assert register.rows == []
    assert register.counts == {"": 0, PRESENT: 0, ABSENT: 0, EXCUSED: 0}


def test_attendance_register_query_count_does_not_grow_with_registrants(
    coordinator, occurrence, django_assert_max_num_queries
):
    def add_people(count: int) -> None:
        """`count` people marked and then adjusted, and `count` registered but not marked."""
        for index, person in enumerate(UserFactory.create_batch(2 * count)):
            services.register_for_occurrence(person, occurrence)
            if index % 2:
                continue
            services.record_attendance(occurrence, person, status=PRESENT, by=coordinator)
            services.record_attendance(
                occurrence, person, status=PRESENT, minutes=30, by=coordinator, reason="Late"
            )

    def read_everything() -> list:
        register = queries.attendance_register(occurrence)
        return [
            (
                row.member.organisation.name,
                row.record and row.record.marked_by.full_name,
                [change.changed_by.full_name for change in row.changes],
                row.is_adjusted,
            )
            for row in register.rows
        ]

    add_people(2)
    with CaptureQueriesContext(connection) as baseline:
        assert len(read_everything()) == 4
    add_people(18)

    with django_assert_max_num_queries(len(baseline)):
        rows = read_everything()

    assert len(rows) == 40
    assert sum(adjusted for *_, adjusted in rows) == 20
    assert len(baseline) == 3


def test_register_lists_registered_members(coordinator_client, occurrence, attendees):
    response = coordinator_client.get(register_url(occurrence))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Ada Attendee" in content
    assert "Ben Booked" in content
    assert "Gil Gone" not in content


def test_register_saves_statuses(coordinator_client, coordinator, occurrence, attendees):
    ada, ben = attendees

    response = coordinator_client.post(
        register_url(occurrence),
        formset_data(
            [
                {"member": ada, "status": PRESENT, "minutes": 75},
                {"member": ben, "status": EXCUSED},
            ]
        ),
    )

    assert response.status_code == 302
    assert response.url == register_url(occurrence)
    records = {a.member_id: a for a in Attendance.objects.filter(occurrence=occurrence)}
    assert (records[ada.pk].status, records[ada.pk].minutes) == (PRESENT, 75)
    assert (records[ben.pk].status, records[ben.pk].minutes) == (EXCUSED, 0)
    assert {r.marked_by_id for r in records.values()} == {coordinator.pk}
    assert {r.source for r in records.values()} == {AttendanceSource.MANUAL}


def test_register_leaves_unmarked_rows_alone(coordinator_client, occurrence, attendees):
    ada, ben = attendees

    coordinator_client.post(
        register_url(occurrence),
        formset_data([{"member": ada, "status": PRESENT}, {"member": ben, "status": ""}]),
    )

    assert list(Attendance.objects.values_list("member_id", "minutes")) == [(ada.pk, 90)]


def test_register_ignores_people_not_on_it(coordinator_client, occurrence, attendees):
    ada, _ben = attendees
    stranger = UserFactory(full_name="Stranger")

    coordinator_client.post(
        register_url(occurrence),
        formset_data([{"member": ada, "status": PRESENT}, {"member": stranger, "status": PRESENT}]),
    )

    assert list(Attendance.objects.values_list("member_id", flat=True)) == [ada.pk]


def test_register_change_without_reason_shows_an_error(
    coordinator_client, coordinator, occurrence, attendees
):
    ada, ben = attendees
    services.record_attendance(occurrence, ada, status=PRESENT, by=coordinator)
    before = attendance_state(occurrence, ada)

    response = coordinator_client.post(
        register_url(occurrence),
        formset_data(
            [
                {"member": ada, "status": ABSENT},
                {"member": ben, "status": PRESENT, "minutes": 30},
            ]
        ),
    )

    assert response.status_code == 200
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("Ada Attendee:")
    assert "reason" in errors[0]
    assert "Ada Attendee: Give a reason" in response.content.decode()
    assert attendance_state(occurrence, ada) == before
    # The other row was fine and is saved.
    assert Attendance.objects.get(occurrence=occurrence, member=ben).minutes == 30


def test_register_change_with_reason_is_saved(
    coordinator_client, coordinator, occurrence, attendees
):
    ada, _ben = attendees
    services.record_attendance(occurrence, ada, status=PRESENT, by=coordinator)

    response = coordinator_client.post(
        register_url(occurrence),
        formset_data([{"member": ada, "status": ABSENT, "reason": "Was on a home visit"}]),
    )

    assert response.status_code == 302
    record = Attendance.objects.get(occurrence=occurrence, member=ada)
    assert (record.status, record.minutes) == (ABSENT, 0)
    assert record.changes.last().reason == "Was on a home visit"


@pytest.mark.parametrize("minutes", ["91", "-1", "lots", "1e3"])
def test_register_refuses_bad_minutes(coordinator_client, occurrence, attendees, minutes):
    ada, ben = attendees
    data = formset_data([{"member": ada, "status": PRESENT}, {"member": ben}])
    data["form-0-minutes"] = minutes

    response = coordinator_client.post(register_url(occurrence), data)

    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_register_with_an_error_survives_a_newcomer_since_the_page_was_loaded(
    coordinator_client, coordinator, occurrence, attendees
):
    ada, ben = attendees
    services.record_attendance(occurrence, ada, status=PRESENT, by=coordinator)
    loaded_with = [{"member": ada, "status": ABSENT}, {"member": ben, "status": PRESENT}]
    services.register_for_occurrence(UserFactory(full_name="Cal Latecomer"), occurrence)

    response = coordinator_client.post(register_url(occurrence), formset_data(loaded_with))

    assert response.status_code == 200
    assert "Ada Attendee: Give a reason" in response.content.decode()
    assert Attendance.objects.get(occurrence=occurrence, member=ben).status == PRESENT


def test_register_shows_who_marked_and_that_it_was_adjusted(
    coordinator_client, coordinator, occurrence, attendees
):
    ada, _ben = attendees
    services.record_attendance(occurrence, ada, status=PRESENT, by=coordinator)

    first = coordinator_client.get(register_url(occurrence)).content.decode()
    assert "marked by Cora Coordinator" in first
    assert "adjusted" not in first

    services.record_attendance(
        occurrence, ada, status=PRESENT, minutes=40, by=coordinator, reason="Joined late"
    )
    second = coordinator_client.get(register_url(occurrence)).content.decode()

    assert "marked by Cora Coordinator" in second
    assert "adjusted" in second
    assert "Joined late" in second


def test_register_is_not_found_for_a_plain_member(member_client, occurrence, attendees):
    ada, _ben = attendees

    get = member_client.get(register_url(occurrence))
    post = member_client.post(
        register_url(occurrence), formset_data([{"member": ada, "status": PRESENT}])
    )

    assert (get.status_code, post.status_code) == (404, 404)
    assert not Attendance.objects.exists()


def test_register_for_the_hub_team_facilitator(client, facilitator, session):
    attendee = UserFactory(full_name="Ada Attendee")
    services.register_for_occurrence(attendee, session)
    client.force_login(facilitator)

    response = client.post(
        register_url(session), formset_data([{"member": attendee, "status": PRESENT}])
    )

    assert response.status_code == 302
    assert Attendance.objects.get(occurrence=session).marked_by == facilitator


def test_register_is_not_found_for_facilitator_of_another_event(client, facilitator, occurrence):
    client.force_login(facilitator)

    assert client.get(register_url(occurrence)).status_code == 404


def test_register_query_count_does_not_grow_with_attendees(
    coordinator_client, coordinator, occurrence, django_assert_max_num_queries
):
    def add_attendees(count: int) -> None:
        for person in UserFactory.create_batch(count):
            services.register_for_occurrence(person, occurrence)
            services.record_attendance(occurrence, person, status=PRESENT, by=coordinator)
            services.record_attendance(
                occurrence, person, status=PRESENT, minutes=30, by=coordinator, reason="Late"
            )

    add_attendees(2)
    coordinator_client.get(register_url(occurrence))  # warm up caches
    with CaptureQueriesContext(connection) as baseline:
        response = coordinator_client.get(register_url(occurrence))
    assert response.content.decode().count("adjusted") == 2

    add_attendees(18)
    with django_assert_max_num_queries(len(baseline)):
        response = coordinator_client.get(register_url(occurrence))

    assert response.status_code == 200
    assert response.content.decode().count("adjusted") == 20
