"""Benchmark of search on PostgreSQL with about 10,000 search documents.

Run: `.venv/bin/python tests/bench/search.py [--threads 9500] [--queries 100]`

It starts its own throwaway PostgreSQL and Redis (as the test rig does), migrates,
loads the demo network, adds forum threads in bulk (each thread is one search
document; a fifth of them in categories restricted to groups) until there are about
10,000 documents, then prints:

- the full rebuild time (`rebuild_search_index`, from the records);
- p50/p95 wall time of 100 mixed queries through `search.service.run_search` as a
  member of a restricted group (store query, counts, the permission check, governance);
- p50/p95 CPU time of the same queries as `/search/?q=` pages through Django's test
  client, with the ratio to a bare `HttpResponse("ok")` view measured interleaved in
  the same run, and the SQL queries of one page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.rig import Services  # noqa: E402

WORDS = (
    "pain breathlessness seizures secretions nausea vomiting constipation agitation sleep "
    "feeding gastrostomy syringe driver anticipatory medicines morphine midazolam oxygen "
    "school hospice community home family siblings bereavement transition adult services "
    "advance care plan respite equipment wheelchair funding continuing care night nurse "
    "out of hours pharmacy GP consultant ward discharge ambulance transfer plan review"
).split()
QUERIES = [
    "syringe driver",
    "CSCI",
    "ACP",
    "advance care plan",
    "breakthrough pain",
    "EoL",
    "rapid transfer",
    '"anticipatory medicines"',
    "pain -school",
    "seizures at night",
    "school transition",
    "feeding pump",
    "respite funding",
    "bereavement siblings",
    "oxygen at home",
    "pharmacy out of hours",
    "morphine dose",
    "wheelchair equipment",
    "night nurse",
    "discharge home ambulance",
]


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
    call_command("load_demo_network", verbosity=0)


def build(threads: int) -> None:
    """Forum threads and posts written in bulk (no signals: the rebuild indexes them)."""
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from forums.models import Category, Post, Thread
    from members.models import User

    rng = random.Random(7)
    authors = list(User.objects.filter(approval_status="approved")[:30])
    groups = list(Group.objects.all()[:3])
    categories = []
    for number in range(10):
        category = Category.objects.create(name=f"Bench category {number}", slug=f"bench-{number}")
        if number < 2:
            category.restricted_to.set([groups[number % len(groups)]])
        categories.append(category)
    now = timezone.now()

    def sentence(n: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."

    rows = [
        Thread(
            category=categories[n % len(categories)],
            title=sentence(6)[:200],
            author=rng.choice(authors),
            created_at=now,
            last_post_at=now,
            post_count=3,
        )
        for n in range(threads)
    ]
    Thread.objects.bulk_create(rows, batch_size=2000)
    posts = []
    for thread in Thread.objects.filter(category__in=categories):
        for _ in range(3):
            text = " ".join(sentence(12) for _ in range(4))
            posts.append(
                Post(
                    thread=thread, author=rng.choice(authors), body=text, body_html=f"<p>{text}</p>"
                )
            )
    Post.objects.bulk_create(posts, batch_size=5000)


def percentile(values: list[float], share: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * share))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=9_900)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--explain", action="store_true", help="print the slowest SQL too")
    args = parser.parse_args()
    services = Services()
    services.start()
    try:
        _setup_django(services)
        build(args.threads)
        from django.contrib.auth.models import Group
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from members.models import User
        from search import service
        from search.indexing import rebuild
        from search.models import SearchDocument

        started = time.perf_counter()
        count = rebuild()
        rebuild_seconds = time.perf_counter() - started
        print(f"\nFull rebuild: {count} documents in {rebuild_seconds:.1f} s")
        print(f"Documents in the table: {SearchDocument.objects.count()}")

        member = User.objects.get(email="nurse@demo.example")
        member.groups.add(Group.objects.get(name=Group.objects.order_by("pk").first().name))
        rng = random.Random(11)
        queries = [rng.choice(QUERIES) for _ in range(args.queries)]
        for query in QUERIES:  # warm
            service.run_search(member, query)
        walls = []
        for query in queries:
            started = time.perf_counter()
            service.run_search(member, query)
            walls.append(time.perf_counter() - started)
        p50, p95 = statistics.median(walls) * 1000, percentile(walls, 0.95) * 1000
        print(
            f"run_search as a member of a restricted group, {len(queries)} mixed queries: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms"
        )

        if args.explain:
            for query in QUERIES[:6]:
                with CaptureQueriesContext(connection) as captured:
                    service.run_search(member, query)
                slow = sorted(captured, key=lambda q: -float(q["time"]))[:3]
                print(f"  {query!r}: " + "; ".join(f"{q['time']}s {q['sql'][:120]}" for q in slow))
        client = Client()
        client.force_login(member)
        service.RATE_LIMIT = 10**9  # one benchmarking member searches far faster than anyone
        bare, pages = [], []
        for query in queries:
            for target, bucket in (("/healthz", bare), (f"/search/?q={query}", pages)):
                started = time.process_time()
                response = client.get(target)
                bucket.append(time.process_time() - started)
                assert response.status_code == 200, (target, response.status_code)
        bare_median = statistics.median(bare)
        with CaptureQueriesContext(connection) as captured:
            client.get("/search/?q=syringe+driver")
        print(
            f"/search/ pages: CPU p50 {statistics.median(pages) * 1000:.1f} ms, "
            f"p95 {percentile(pages, 0.95) * 1000:.1f} ms; bare view {bare_median * 1000:.2f} ms; "
            f"p50 = {statistics.median(pages) / bare_median:.1f}× bare; "
            f"{len(captured)} SQL queries per page"
        )
    finally:
        from django.db import connections

        connections.close_all()
        services.stop()


if __name__ == "__main__":
    main()
