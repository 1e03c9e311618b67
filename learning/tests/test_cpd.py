"""The CPD record: modules at their length, live learning at the minutes attended,
Europe/London days, NMC revalidation figures, the period form and the CSV download."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from events import queries as events_queries
from events import services as events_services
from events.models import AttendanceStatus, EventKind
from events.scheduling import Recurrence
from events.tests.factories import first_occurrence, london, make_event, soon
from learning import cpd, services
from members.tests.factories import UserFactory

from .factories import (
    QUIZ,
    attend,
    attended_event,
    complete,
    main_text,
    make_module,
    make_track,
    pick,
)

pytestmark = pytest.mark.django_db

H = Decimal


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def rows(record) -> list[tuple]:
    return [(a.title, a.type, a.hours, a.participatory) for a in record.activities]


def totals(record) -> list[tuple]:
    return [(t.type, t.count, t.hours, t.participatory) for t in record.totals]


@pytest.fixture
def learning_year(nurse, coordinator, learning_index):
    """The nurse's recent learning: a completed two-module track, a module begun, and
    live sessions of every kind, some of which do not count."""
    pain = make_track(learning_index, slug="pain", title="Pain in children")
    complete(
        nurse, make_module(pain, "assessing-pain", title="Assessing pain", estimated_minutes=45)
    )
    complete(
        nurse,
        make_module(pain, "comfort", title="Comfort measures", estimated_minutes=30, quiz=QUIZ),
    )
    unfinished = make_track(learning_index, slug="grief", title="Grief")
    begun = make_module(unfinished, "begun", title="Begun, not finished", quiz=QUIZ)
    services.mark_read(nurse, begun)
    services.submit_quiz(nurse, begun, pick(begun, [0], [0]))  # failed

    def session(kind, title, days, minutes, attended=None, hour=10):
        return attended_event(
            nurse,
            by=coordinator,
            kind=kind,
            title=title,
            start=soon(days=-days, hour=hour, minute=0),
            minutes=minutes,
            attended=attended,
        )

    session(EventKind.ECHO_SESSION, "Symptom ECHO", 40, 90, attended=60)
    session(EventKind.STUDY_DAY, "Regional study day", 30, 360)
    session(EventKind.CONFERENCE, "Annual conference", 20, 480, attended=300)
    session(EventKind.WEBINAR, "Pain webinar", 10, 60, attended=45)
    session(EventKind.GOVERNANCE, "Network board", 5, 120)  # not CPD
    session(EventKind.WEBINAR, "Too long ago", 400, 60)  # before the period
    cancelled = session(EventKind.WEBINAR, "Called off", 8, 60)
    events_services.cancel_occurrence(cancelled, by=coordinator)
    missed = first_occurrence(make_event(title="Missed webinar", start=soon(days=-6), minutes=60))
    events_services.record_attendance(missed, nurse, status=AttendanceStatus.ABSENT, by=coordinator)
    attended_event(  # someone else's learning
        UserFactory(),
        by=coordinator,
        kind=EventKind.WEBINAR,
        title="Not hers",
        start=soon(days=-3),
        minutes=60,
    )
    return pain


def test_the_record_sums_modules_and_attended_sessions(nurse, learning_year):
    record = cpd.cpd_record(nurse, days_ago(60), timezone.localdate())

    assert sorted(rows(record)) == sorted(
        [
            ("Symptom ECHO", EventKind.ECHO_SESSION, H("1.00"), True),
            ("Regional study day", EventKind.STUDY_DAY, H("6.00"), True),
            ("Annual conference", EventKind.CONFERENCE, H("5.00"), True),
            ("Pain webinar", EventKind.WEBINAR, H("0.75"), True),
            ("Assessing pain", cpd.MODULE, H("0.75"), False),
            ("Comfort measures", cpd.MODULE, H("0.50"), False),
            ("Pain in children", cpd.TRACK, H("0.00"), False),
        ]
    )
    assert totals(record) == [
        (cpd.MODULE, 2, H("1.25"), False),
        (cpd.TRACK, 1, H("0.00"), False),
        (EventKind.ECHO_SESSION, 1, H("1.00"), True),
        (EventKind.STUDY_DAY, 1, H("6.00"), True),
        (EventKind.CONFERENCE, 1, H("5.00"), True),
        (EventKind.WEBINAR, 1, H("0.75"), True),
    ]
    assert record.participatory_hours == H("12.75")
    assert record.non_participatory_hours == H("1.25")
    assert record.total_hours == H("14.00")
    assert not record.total_met and not record.participatory_met


def test_activities_are_in_date_order_with_details(nurse, learning_year):
    record = cpd.cpd_record(nurse, days_ago(60), timezone.localdate())

    assert [a.date for a in record.activities] == sorted(a.date for a in record.activities)
    assert record.activities[0].title == "Symptom ECHO"
    assert record.activities[0].date == days_ago(40)
    assert record.activities[0].detail == "60 minutes attended"
    module = next(a for a in record.activities if a.title == "Assessing pain")
    assert (module.date, module.detail) == (timezone.localdate(), "Pain in children")


def test_the_page_shows_the_record(nurse_client, learning_index, learning_year):
    response = nurse_client.get(
        learning_index.url + "cpd/",
        {"start": days_ago(60).isoformat(), "end": timezone.localdate().isoformat()},
    )

    text = main_text(response)
    assert response.status_code == 200
    assert "All CPD 14.0 of 35 hours (40%)" in text
    assert "Participatory 12.75 of 20 hours (63%)" in text  # 765 minutes, never rounded up
    assert "Non-participatory 1.25 hours" in text
    assert "Met" not in text
    soup = BeautifulSoup(response.content, "html.parser")
    by_type = [
        [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])]
        for row in soup.select("table")[0].select("tbody tr")
    ]
    assert by_type == [
        ["Module", "2", "1.25", "No"],
        ["Learning track", "1", "0.0", "No"],
        ["ECHO session", "1", "1.0", "Yes"],
        ["Study day", "1", "6.0", "Yes"],
        ["Conference", "1", "5.0", "Yes"],
        ["Webinar", "1", "0.75", "Yes"],
    ]
    assert "Network board" not in text
    assert "Not hers" not in text
    assert "Begun, not finished" not in text


# Europe/London days, both ends inclusive

START, END = datetime.date(2026, 7, 1), datetime.date(2026, 7, 15)  # British Summer Time


@pytest.fixture
def around_the_edges(nurse, coordinator, learning_index):
    """Webinars and module completions just inside and just outside 1–15 July 2026."""
    moments = {
        "first thing on the first day": london(2026, 7, 1, 0, 30),
        "the evening before": london(2026, 6, 30, 23, 30),
        "late on the last day": london(2026, 7, 15, 23, 30),
        "just after midnight": london(2026, 7, 16, 0, 30),
    }
    edges = make_track(learning_index, slug="edges", title="Edges")
    make_module(edges, "never-done", title="Never done")  # keeps the track unfinished
    for label, moment in moments.items():
        attended_event(
            nurse,
            by=coordinator,
            kind=EventKind.WEBINAR,
            title=f"Webinar {label}",
            start=moment,
            minutes=20,
        )
        module = make_module(edges, label.replace(" ", "-"), title=f"Module {label}")
        with mock.patch("django.utils.timezone.now", return_value=moment):
            services.mark_read(nurse, module)


def test_the_period_is_inclusive_in_london_days(nurse, around_the_edges):
    record = cpd.cpd_record(nurse, START, END)

    assert sorted((a.date, a.title) for a in record.activities) == [
        (START, "Module first thing on the first day"),
        (START, "Webinar first thing on the first day"),
        (END, "Module late on the last day"),
        (END, "Webinar late on the last day"),
    ]


def test_the_page_takes_the_period(nurse_client, learning_index, around_the_edges):
    response = nurse_client.get(
        learning_index.url + "cpd/", {"start": START.isoformat(), "end": END.isoformat()}
    )

    text = main_text(response)
    assert "Webinar late on the last day" in text
    assert "Module first thing on the first day" in text
    assert "just after midnight" not in text
    assert "the evening before" not in text
    assert "Hours by type, 1 Jul 2026 to 15 Jul 2026" in text


# Against NMC revalidation: 35 hours, 20 of them participatory


def nmc_rows(response) -> dict[str, str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return {
        row.dt.get_text(strip=True): " ".join(row.dd.get_text(" ").split())
        for row in soup.select("dl.nhsuk-summary-list > div")
    }


def long_modules(nurse, index, minutes: list[int]) -> None:
    big = make_track(index, slug="big", title="Big track")
    make_module(big, "left-for-later")
    for n, length in enumerate(minutes):
        complete(nurse, make_module(big, f"long-{n}", estimated_minutes=length))


def conferences(nurse, coordinator, attended: list[int]) -> None:
    for n, minutes in enumerate(attended):
        attended_event(
            nurse,
            by=coordinator,
            kind=EventKind.CONFERENCE,
            title=f"Conference day {n + 1}",
            start=soon(days=-10 - n, hour=8, minute=0),
            minutes=720,
            attended=minutes,
        )


def test_exactly_35_and_20_hours_are_met(nurse_client, nurse, coordinator, learning_index):
    long_modules(nurse, learning_index, [450, 450])  # 15 hours
    conferences(nurse, coordinator, [600, 600])  # 20 hours

    response = nurse_client.get(learning_index.url + "cpd/")

    figures = nmc_rows(response)
    assert figures["All CPD"] == "35.0 of 35 hours (100%) Met"
    assert figures["Participatory"] == "20.0 of 20 hours (100%) Met"
    assert figures["Non-participatory"] == "15.0 hours"


def test_less_is_not_met(nurse_client, nurse, coordinator, learning_index):
    long_modules(nurse, learning_index, [450, 300])  # 12.5 hours
    conferences(nurse, coordinator, [600, 540])  # 19 hours

    figures = nmc_rows(nurse_client.get(learning_index.url + "cpd/"))

    assert figures["All CPD"] == "31.5 of 35 hours (90%)"
    assert figures["Participatory"] == "19.0 of 20 hours (95%)"


def test_a_minute_short_is_not_shown_as_100_percent(
    nurse_client, nurse, coordinator, learning_index
):
    conferences(nurse, coordinator, [600, 599])  # 19 h 59 min

    figures = nmc_rows(nurse_client.get(learning_index.url + "cpd/"))

    assert "Met" not in figures["Participatory"]
    assert "100%" not in figures["Participatory"]


def test_hours_add_up_from_minutes_not_from_rounded_hours(nurse, coordinator):
    """Twenty-four 50-minute ECHO sessions are 1,200 minutes: 20 hours, met."""
    first = soon(days=-7 * 24 - 7)
    series = make_event(
        title="Weekly ECHO",
        kind=EventKind.ECHO_SESSION,
        start=first,
        minutes=60,
        recurrence=Recurrence.WEEKLY,
        repeat_until=first.date() + datetime.timedelta(days=7 * 23),
    )
    sessions = list(series.occurrence_set.order_by("start"))
    assert len(sessions) == 24
    for occurrence in sessions:
        attend(occurrence, nurse, by=coordinator, minutes=50)

    record = cpd.cpd_record(nurse, days_ago(365), timezone.localdate())

    assert events_queries.attended_minutes(nurse) == 1200
    assert record.participatory_hours == H("20.00")
    assert record.participatory_met


# The period form


def default_query() -> str:
    start, end = cpd.default_period(timezone.localdate())
    return f"?start={start.isoformat()}&amp;end={end.isoformat()}"


def test_the_default_period_is_the_last_three_years(nurse_client, learning_index):
    response = nurse_client.get(learning_index.url + "cpd/")

    today = timezone.localdate()
    start, end = cpd.default_period(today)
    assert end == today
    assert start == today.replace(year=today.year - 3) + datetime.timedelta(days=1)
    assert f'href="{learning_index.url}cpd/csv/{default_query()}"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-03-10", "end": "2026-03-01"}, "The end date must be on or after"),
        ({"start": "2012-01-01", "end": "2025-01-01"}, "Choose a period of ten years or less."),
        ({"start": "1999-12-31", "end": "2000-01-31"}, "Choose a start date in 2000 or later."),
        ({"start": "2026-01-01", "end": "2099-01-01"}, "no more than a year from now"),
        ({"start": "yesterday", "end": "today"}, "Enter a valid date."),
        ({"start": "2025-02-30", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "9999-99-99", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "<script>alert(1)</script>", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "' OR 1=1 --", "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "2" * 5000, "end": "2025-03-01"}, "Enter a valid date."),
        ({"start": "2025-01-01"}, "This field is required."),
    ],
    ids=[
        "end before start",
        "thirteen years",
        "before 2000",
        "far future",
        "words",
        "30 February",
        "nonsense digits",
        "script",
        "sql",
        "very long",
        "no end",
    ],
)
def test_a_bad_period_shows_errors_and_the_default_period(
    nurse_client, learning_index, query, error
):
    response = nurse_client.get(learning_index.url + "cpd/", query)

    page = response.content.decode()
    assert response.status_code == 200
    assert error in main_text(response)
    assert "nhsuk-error-message" in page
    assert f'href="{learning_index.url}cpd/csv/{default_query()}"' in page
    assert "<script>alert(1)" not in page


def test_a_period_of_ten_years_and_a_day_is_refused(nurse_client, learning_index):
    response = nurse_client.get(
        learning_index.url + "cpd/", {"start": "2015-01-01", "end": "2025-01-02"}
    )

    assert "Choose a period of ten years or less." in main_text(response)


def test_a_period_of_exactly_ten_years_is_accepted(nurse_client, learning_index):
    response = nurse_client.get(
        learning_index.url + "cpd/", {"start": "2015-01-02", "end": "2025-01-01"}
    )

    assert "nhsuk-error-message" not in response.content.decode()
    assert "cpd/csv/?start=2015-01-02&amp;end=2025-01-01" in response.content.decode()


def test_a_bad_period_in_the_download_falls_back_too(nurse_client, learning_index):
    response = nurse_client.get(learning_index.url + "cpd/csv/", {"start": "garbage"})

    start, end = cpd.default_period(timezone.localdate())
    assert response.status_code == 200
    assert (
        f"cpd-record-{start.isoformat()}-to-{end.isoformat()}.csv"
        in (response["Content-Disposition"])
    )


# The CSV download


def test_the_csv_lists_every_activity(nurse_client, learning_index, learning_year):
    start, end = days_ago(60), timezone.localdate()

    response = nurse_client.get(
        learning_index.url + "cpd/csv/", {"start": start.isoformat(), "end": end.isoformat()}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cpd-record-{start.isoformat()}-to-{end.isoformat()}.csv"'
    )
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == [
        "Date",
        "Title",
        "Type",
        "Minutes",
        "Hours",
        "Participatory",
        "Detail",
    ]
    assert table[1] == [
        days_ago(40).isoformat(),
        "Symptom ECHO",
        "ECHO session",
        "60",
        "1.0",
        "yes",
        "60 minutes attended",
    ]
    body = sorted(row[1:6] for row in table[1:])
    assert body == sorted(
        [
            ["Symptom ECHO", "ECHO session", "60", "1.0", "yes"],
            ["Regional study day", "Study day", "360", "6.0", "yes"],
            ["Annual conference", "Conference", "300", "5.0", "yes"],
            ["Pain webinar", "Webinar", "45", "0.75", "yes"],
            ["Assessing pain", "Module", "45", "0.75", "no"],
            ["Comfort measures", "Module", "30", "0.5", "no"],
            ["Pain in children", "Learning track", "0", "0.0", "no"],
        ]
    )


@pytest.mark.parametrize("title", ['=HYPERLINK("http://evil.example")', "+1+1", "@SUM(A1)", "-2"])
def test_the_csv_neutralises_formulas(nurse, nurse_client, learning_index, title):
    formula_track = make_track(learning_index, slug="formula", title=title)
    make_module(formula_track, "other")
    complete(nurse, make_module(formula_track, "formula-module", title=title))

    response = nurse_client.get(learning_index.url + "cpd/csv/")

    table = list(csv.reader(io.StringIO(response.content.decode())))
    [row] = table[1:]
    assert row[1] == "'" + title
    assert row[6] == "'" + title  # the track, in the detail column
    assert not any(cell.startswith(("=", "+", "@", "-")) for cell in row)


# Members only


@pytest.mark.parametrize("route", ["cpd/", "cpd/csv/", "cpd/?view=print"])
def test_visitors_sign_in_for_the_cpd_record(client, learning_index, route):
    response = client.get(learning_index.url + route)

    assert response.status_code == 302
    assert response["Location"].startswith("/members/login/")


@pytest.mark.parametrize("route", ["cpd/", "cpd/csv/"])
def test_pending_members_have_no_cpd_record(client, pending_user, learning_index, route):
    client.force_login(pending_user)

    response = client.get(learning_index.url + route)

    assert response.status_code == 403
    assert "Your membership is not active" in response.content.decode()


def test_the_printable_view(nurse_client, learning_index, learning_year):
    start, end = days_ago(60), timezone.localdate()

    response = nurse_client.get(
        learning_index.url + "cpd/",
        {"start": start.isoformat(), "end": end.isoformat(), "view": "print"},
    )

    text = main_text(response)
    assert text.startswith("CPD record Nell Nurse")
    assert "Symptom ECHO" in text
    assert "All CPD 14.0 of 35 hours (40%)" in text


# Query count


def test_the_cpd_page_query_count_does_not_grow(
    nurse_client, nurse, coordinator, learning_index, django_assert_max_num_queries
):
    track = make_track(learning_index, slug="first", title="First")
    complete(nurse, make_module(track, "one"))
    attended_event(nurse, by=coordinator, kind=EventKind.WEBINAR, start=soon(days=-3), minutes=60)
    url = learning_index.url + "cpd/"
    with django_assert_max_num_queries(40) as baseline:
        nurse_client.get(url)
    limit = len(baseline.captured_queries)  # read now: each request empties the query log

    for n in range(6):
        more = make_track(learning_index, slug=f"more-{n}", title=f"More {n}")
        for m in range(2):
            complete(nurse, make_module(more, f"more-{n}-{m}", quiz=QUIZ))
        kind = [EventKind.ECHO_SESSION, EventKind.STUDY_DAY, EventKind.CONFERENCE][n % 3]
        attended_event(
            nurse,
            by=coordinator,
            kind=kind,
            title=f"Session {n}",
            start=soon(days=-5 - n),
            minutes=90,
        )
    with django_assert_max_num_queries(limit):
        response = nurse_client.get(url)
    assert "More 5" in main_text(response) and "Session 5" in main_text(response)
