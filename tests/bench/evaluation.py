"""Benchmark of the evaluation pages at ten times the demo network, on PostgreSQL.

Run: `.venv/bin/python tests/bench/evaluation.py [--scale 10] [--repeat 15]`

It starts its own throwaway PostgreSQL (as the test rig does), migrates, builds
a network of `45 × scale` members in `12 × scale` organisations with `30 × scale`
held occurrences, about `2,000 × scale` attendance rows and `500 × scale`
feedback responses, then requests each page as a coordinator through Django's
test client and prints the median and p90 CPU time, the ratio of the median to
a bare `HttpResponse("ok")` view (`/healthz`, same middleware) measured
interleaved in the same run, the SQL queries and the response size.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.rig import Services  # noqa: E402


def _setup_django(services: Services) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={services.pg_port} user=postgres dbname=postgres",
        autocommit=True,
    ) as connection:
        connection.execute("CREATE DATABASE network_commons")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cop_site.settings.test"
    os.environ["TEST_DATABASE_URL"] = services.database_url
    os.environ["TEST_REDIS_URL"] = services.redis_url
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(scale: int) -> None:
    """A network of the given scale, written in bulk (this is a benchmark fixture)."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from schedule.models import Calendar, Event, Occurrence

    from evaluation.models import Answer, Question, Response, Survey, SurveyKind
    from events.models import (
        Attendance,
        AttendanceSource,
        AttendanceStatus,
        EchoProgramme,
        EventDetails,
        EventKind,
    )
    from members import roles
    from members.models import (
        ApprovalStatus,
        NetworkRole,
        Organisation,
        OrganisationKind,
        Rurality,
        StaffGroup,
        User,
    )

    rng = random.Random(20261207)
    now = timezone.now()
    kinds = OrganisationKind.values
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation {n}",
            slug=f"organisation-{n}",
            kind=kinds[n % len(kinds)],
            is_nhs=n % 3 != 0,
            network_role=NetworkRole.HUB if n % 10 == 0 else NetworkRole.SPOKE,
            locality=f"Locality {n % 7}",
            rurality=Rurality.values[n % 3],
        )
        for n in range(12 * scale)
    )
    password = make_password("bench-password")
    groups = StaffGroup.values
    members = User.objects.bulk_create(
        User(
            email=f"member{n}@bench.example",
            full_name=f"Member {n}",
            organisation=organisations[n % len(organisations)],
            staff_group=groups[n % 3],
            profession="nurse",
            approval_status=ApprovalStatus.APPROVED,
            password=password,
        )
        for n in range(45 * scale)
    )
    coordinator = User.objects.create_user(
        "coordinator@bench.example",
        "bench-password",
        full_name="Bench Coordinator",
        staff_group=StaffGroup.CLINICAL,
        profession="nurse",
        approval_status=ApprovalStatus.APPROVED,
    )
    coordinator.groups.add(Group.objects.get(name=roles.COORDINATORS))
    calendar = Calendar.objects.get_or_create(slug="network", defaults={"name": "Network"})[0]
    occurrences = []
    per_series = 10 * scale
    for index, kind in enumerate(
        (EventKind.ECHO_SESSION, EventKind.ECHO_SESSION, EventKind.STUDY_DAY)
    ):
        first = now - datetime.timedelta(days=per_series * 3 + 5)
        event = Event.objects.create(
            title=f"Series {index}",
            start=first,
            end=first + datetime.timedelta(minutes=90),
            calendar=calendar,
        )
        EventDetails.objects.create(event=event, kind=kind, attendance_mode="online")
        if kind == EventKind.ECHO_SESSION:
            EchoProgramme.objects.create(
                name=f"Programme {index}",
                slug=f"programme-{index}",
                series=event,
                cycle_start=first.date(),
                cycle_end=now.date(),
            )
        for n in range(per_series):
            start = first + datetime.timedelta(days=3 * n)
            occurrences.append(
                Occurrence(
                    event=event,
                    title=event.title,
                    start=start,
                    end=start + datetime.timedelta(minutes=90),
                    original_start=start,
                    original_end=start + datetime.timedelta(minutes=90),
                )
            )
    occurrences = Occurrence.objects.bulk_create(occurrences)
    attendance = []
    per_occurrence = max(1, 2000 * scale // len(occurrences))
    for occurrence in occurrences:
        for member in rng.sample(members, min(per_occurrence, len(members))):
            attendance.append(
                Attendance(
                    occurrence=occurrence,
                    member=member,
                    status=AttendanceStatus.PRESENT,
                    minutes=rng.choice((60, 75, 90)),
                    source=AttendanceSource.LIVE,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    session_survey = Survey.objects.get(kind=SurveyKind.SESSION_FEEDBACK, programme=None)
    questions = list(Question.objects.filter(survey=session_survey, kind="likert5"))
    chosen = rng.sample(attendance, min(500 * scale, len(attendance)))
    responses = Response.objects.bulk_create(
        Response(survey=session_survey, member=row.member, occurrence=row.occurrence)
        for row in chosen
    )
    Answer.objects.bulk_create(
        (
            Answer(response=response, question=question, value=rng.choice((3, 4, 4, 5, 5)))
            for response in responses
            for question in questions
        ),
        batch_size=5000,
    )
    print(
        f"Built: {len(members)} members, {len(organisations)} organisations, "
        f"{len(occurrences)} occurrences, {len(attendance)} attendance rows, "
        f"{len(responses)} responses."
    )


def measure(paths: list[str], repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from members.models import User

    client = Client()
    client.force_login(User.objects.get(email="coordinator@bench.example"))
    bare = "/healthz"
    for path in [bare, *paths]:  # warm caches and connections
        client.get(path)
    timings: dict[str, list[float]] = {path: [] for path in [bare, *paths]}
    for _round in range(repeat):
        for path in paths:
            for target in (bare, path):
                started = time.process_time()
                response = client.get(target)
                timings[target].append(time.process_time() - started)
                assert response.status_code == 200, (target, response.status_code)
    bare_median = statistics.median(timings[bare])
    print(f"\nBare view: median {bare_median * 1000:.2f} ms CPU\n")
    print(f"{'page':48} {'median ms':>10} {'p90 ms':>8} {'× bare':>8} {'queries':>8} {'KiB':>7}")
    for path in paths:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        values = sorted(timings[path])
        p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
        median = statistics.median(values)
        print(
            f"{path:48} {median * 1000:10.1f} {p90 * 1000:8.1f} {median / bare_median:8.1f} "
            f"{len(queries):8d} {len(response.content) / 1024:7.1f}"
        )


def profile(path: str) -> None:
    import cProfile
    import pstats

    from django.test import Client

    from members.models import User

    client = Client()
    client.force_login(User.objects.get(email="coordinator@bench.example"))
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(5):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    for number, query in enumerate(queries, 1):
        print(f"{number:3d} {query['time']:>6} {query['sql'][:300]}")


PAGES = [
    "/evaluation/",
    "/evaluation/?period=6m&staff_group=clinical&rurality=rural",
    "/evaluation/report/",
    "/evaluation/programmes/programme-0/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--profile", metavar="PATH", help="print a cProfile of PATH (one request) instead"
    )
    args = parser.parse_args()
    services = Services()
    services.start()
    try:
        _setup_django(services)
        build(args.scale)
        from evaluation.views import CSV_TABLES

        if args.profile:
            profile(args.profile)
            return
        measure([*PAGES, *(f"/evaluation/csv/{table}/" for table in CSV_TABLES)], args.repeat)
    finally:
        from django.db import connections

        connections.close_all()
        services.stop()


if __name__ == "__main__":
    main()
