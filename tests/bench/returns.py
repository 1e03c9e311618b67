"""Benchmark of a data return's pages on PostgreSQL: a 121-field return (118 numbers and a
repeating group of two columns) with 50 rows, sent to 100 organisations.

Run: `.venv/bin/python tests/bench/returns.py [--repeat 11]`

It starts its own PostgreSQL and Redis (as the test rig does), builds the return in
bulk, fills one organisation's return, then prints for the lead's form page and for
a full save-and-submit: median CPU time, the ratio to a bare `HttpResponse("ok")`
view measured interleaved in the same run, and the SQL queries, at 5 and at 50 rows
and with 10 and 100 organisations sent the return (the counts must not grow).
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.rig import Services  # noqa: E402

FIELDS = 118  # top-level numbers; with the group and its two columns, 121 fields


def _setup(services: Services) -> None:
    import os

    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={services.pg_port} user=postgres dbname=postgres", autocommit=True
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


def build(organisations: int):
    from members import roles
    from members.tests.factories import OrganisationFactory, UserFactory
    from returns import services
    from returns.models import Field, FieldKind, ReturnTemplate, Section

    coordinator = UserFactory(roles=[roles.COORDINATORS])
    template = ReturnTemplate.objects.create(
        name=f"Bench {organisations}", slug=f"bench-{organisations}"
    )
    section = Section.objects.create(template=template, title="Figures")
    Field.objects.bulk_create(
        Field(
            section=section,
            code=f"n{n}",
            label=f"Figure {n}",
            kind=FieldKind.INTEGER,
            definition="A count.",
            position=n,
            min_value=0,
        )
        for n in range(FIELDS)
    )
    group = Field.objects.create(
        section=section,
        code="rows",
        label="Rows",
        kind=FieldKind.GROUP,
        position=FIELDS,
        max_rows=60,
    )
    Field.objects.create(
        section=section,
        group=group,
        code="row_name",
        label="Name",
        kind=FieldKind.SHORT_TEXT,
        position=1,
    )
    Field.objects.create(
        section=section,
        group=group,
        code="row_count",
        label="Count",
        kind=FieldKind.INTEGER,
        position=2,
        min_value=0,
    )
    orgs = [OrganisationFactory() for _ in range(organisations)]
    returns = services.open_template(template, orgs, datetime.date(2030, 1, 1), by=coordinator)
    lead = UserFactory(organisation=orgs[0])
    orgs[0].leads.add(lead)
    return returns[0], lead


def post_data(organisation_return, rows: int) -> dict:
    organisation_return.refresh_from_db()
    data = {"revision": organisation_return.revision, "submit": "1"}
    data.update({f"f-n{n}": str(n) for n in range(FIELDS)})
    for row in range(rows):
        data[f"f-row_name-{row}"] = f"Item {row}"
        data[f"f-row_count-{row}"] = str(row)
    return data


def measure(organisation_return, lead, rows: int, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from returns.models import OrganisationReturn, ReturnStatus

    client = Client()
    client.force_login(lead)
    url = f"/returns/{organisation_return.pk}/"
    client.get("/healthz")
    bare, page, submit = [], [], []
    page_queries = submit_queries = 0
    for _ in range(repeat):
        OrganisationReturn.objects.filter(pk=organisation_return.pk).update(
            status=ReturnStatus.DRAFT
        )
        organisation_return.answers.all().delete()
        data = post_data(organisation_return, rows)
        started = time.process_time()
        client.get("/healthz")
        bare.append(time.process_time() - started)
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = client.post(url, data)
            submit.append(time.process_time() - started)
        assert response.status_code == 302, response.content[:500]
        submit_queries = len(captured)
        with CaptureQueriesContext(connection) as captured:
            started = time.process_time()
            response = client.get(url)
            page.append(time.process_time() - started)
        assert response.status_code == 200
        page_queries = len(captured)
    base = statistics.median(bare)
    return {
        "bare": base,
        "page": (statistics.median(page), page_queries),
        "submit": (statistics.median(submit), submit_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=11)
    args = parser.parse_args()
    services = Services()
    services.start()
    try:
        _setup(services)
        print(
            f"\n{'case':34} {'page ms':>8} {'× bare':>7} {'q':>4} "
            f"{'submit ms':>10} {'× bare':>7} {'q':>4}"
        )
        for organisations in (10, 100):
            organisation_return, lead = build(organisations)
            for rows in (5, 50):
                figures = measure(organisation_return, lead, rows, args.repeat)
                base = figures["bare"]
                (page, page_q), (submit, submit_q) = figures["page"], figures["submit"]
                print(
                    f"{organisations:3d} organisations, {rows:2d} rows          "
                    f"{page * 1000:8.1f} {page / base:7.0f} {page_q:4d} "
                    f"{submit * 1000:10.1f} {submit / base:7.0f} {submit_q:4d}"
                )
        print(f"bare view median {base * 1000:.2f} ms CPU")
    finally:
        from django.db import connections

        connections.close_all()
        services.stop()


if __name__ == "__main__":
    main()
