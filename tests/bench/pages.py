"""Page-speed benchmark of every app's key pages, as the roles that use them (issue 15).

Run: `.venv/bin/python tests/bench/pages.py [--engine postgresql|sqlite|both]
[--scale 1 10] [--repeat 15] [--only SUBSTRING] [--profile SUBSTRING]`

For each engine (by default PostgreSQL, then SQLite, each in its own process) it makes a
fresh database: PostgreSQL and Redis started from the machine's binaries as the test rig
does (`tests.rig.Services`), or a SQLite file in a temporary directory with the in-memory
channel layer and the local-memory cache, as `make run` has. It migrates, loads the demo
network (`load_demo_network`) and adds one forum thread of 500 posts. For each scale,
smallest first, it grows the data to `scale` times the demo by copying, in bulk, what
grows in real life: members and (spoke) organisations with their leads, registrations
and attendance on the same occurrences, forum threads, posts, subscriptions and
notifications, guideline acknowledgements and adoptions, learning progress, quiz
attempts and certificates, evaluation responses and invitations, and the returns of the
new organisations; then it rebuilds the search index from the records.

Each page (found from the data at run time) is requested through Django's test client,
logged in as its role, `--repeat` times. Every request is preceded by one of the bare
view `/healthz` (an `HttpResponse("ok")` through the same middleware) from the same
client, so the two are measured interleaved under the same load. It prints a table per
engine and scale, one row per page and role:

- median and p90 CPU time of this process (`time.process_time()`; the database server's
  own work is not in it, so wall time is shown too),
- the ratio of the median to the bare view's median,
- the SQL queries of one request, and how many of them repeat an earlier query's shape
  (the same SQL with other values: the sign of a query per row),
- the response size in KiB,

and, after each table and at the end, how many rows are over the target of issue 15: more
than 20 times the bare view or more than 15 queries (the target is judged on PostgreSQL).
Absolute times depend on the machine and on what else runs on it; the ratios, measured
interleaved, are the fairer figure. A page that does not answer 200 for its role is
printed with its status and counted as over the target.

`--profile SUBSTRING` skips the table and prints, for the first page whose name, role or
address contains SUBSTRING, a cProfile of five requests (wall-clock, so waiting for the
database shows: top 30 by cumulative time, then the project's own functions) and the SQL
of its repeated queries. Search's rate limit is lifted for the run.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import pstats
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ENGINES = ("postgresql", "sqlite")
BARE = "/healthz"
TARGET_RATIO = 20
TARGET_QUERIES = 15
PROFILE_REQUESTS = 5
BIG_THREAD_POSTS = 500
SEARCH_QUERY = "advance care plan"

# Who is signed in for each role (the demo's accounts); None is a visitor.
ACCOUNTS = {
    "visitor": None,
    "coordinator": "coordinator@demo.example",
    "facilitator": "facilitator@demo.example",
    "nurse": "nurse@demo.example",
    "admin": "admin@demo.example",
    "teacher": "teacher@demo.example",
    "exec": "exec@demo.example",
    "moderator": "fiona.mcleod@demo.example",
}


@dataclass
class Row:
    """One page as one role, and what was measured of it."""

    page: str
    role: str
    path: str
    status: int = 0
    cpu: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    queries: list[dict] = field(default_factory=list)
    size: int = 0

    @property
    def name(self) -> str:
        return f"{self.page} {self.role} {self.path}".lower()

    @property
    def median(self) -> float:
        return statistics.median(self.cpu)

    @property
    def p90(self) -> float:
        values = sorted(self.cpu)
        return values[min(len(values) - 1, int(len(values) * 0.9))]


# --- Database and Django ------------------------------------------------------------------


@contextlib.contextmanager
def database(engine: str) -> Iterator[None]:
    """A fresh, empty database for the engine, with Django set up on it; removed afterwards."""
    if engine == "postgresql":
        from tests.rig import Services

        services = Services()
        services.start()
        try:
            _create_postgres_database(services)
            _setup_django(services.database_url, services.redis_url)
            yield
        finally:
            _close_connections()
            services.stop()
    else:
        folder = Path(tempfile.mkdtemp(prefix="network-commons-bench-"))
        try:
            # The Redis address is never used: the SQLite overrides replace the layer and cache.
            _setup_django("sqlite:///unused", "redis://127.0.0.1:1/0", sqlite=folder / "db.sqlite3")
            yield
        finally:
            _close_connections()
            shutil.rmtree(folder, ignore_errors=True)


def _create_postgres_database(services) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={services.pg_port} user=postgres dbname=postgres", autocommit=True
    ) as connection:
        connection.execute("CREATE DATABASE network_commons")


def _setup_django(database_url: str, redis_url: str, sqlite: Path | None = None) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cop_site.settings.test"
    os.environ["TEST_DATABASE_URL"] = database_url
    os.environ["TEST_REDIS_URL"] = redis_url
    from django.conf import settings

    if sqlite is not None:
        # As cop_site.settings.dev has them, before anything opens a connection.
        settings.DATABASES = {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(sqlite),
                "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
            }
        }
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    import django

    django.setup()
    settings.ALLOWED_HOSTS = ["*"]

    import search.service

    search.service.RATE_LIMIT = 10**9  # the benchmark searches far more than 30 times a minute


def _close_connections() -> None:
    with contextlib.suppress(Exception):
        from django.db import connections

        connections.close_all()


def load_demo() -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    call_command("load_demo_network", verbosity=0)
    print(
        f"Migrated in {migrated - started:.0f} s, loaded the demo network in "
        f"{time.perf_counter() - migrated:.0f} s.",
        flush=True,
    )


# --- Data at scale ----------------------------------------------------------------------------

BODIES = [
    "We started the syringe driver at home last week and the family coped well with the "
    "night visits. **What helped most** was a written plan left in the house.",
    "Has anyone used the new anticipatory medicines box? We found:\n\n"
    "- the chart was easier to follow\n- the GP signed it on the first visit\n"
    "- the pharmacy needed two days' notice",
    "Agree with the above. The out-of-hours team now has the plan on the shared record, "
    "see https://example.org/guidance for the regional template.",
    "> Breakthrough doses were the hardest part\n\nSame for us: we now give the parents a "
    "simple table with the times and doses, and ring them each morning.",
    "Thank you, this is really useful. We will bring it to the next ECHO session and "
    "share what the hospice team thinks.",
    "Our hospice at home team reviewed the last six cases. Four families preferred the "
    "*pump at night only*, two wanted it continuously; none needed admission.",
]


def add_big_thread() -> None:
    """One thread of 500 posts in the open category with the most threads."""
    import datetime

    from django.db.models import Count
    from django.utils import timezone

    from core.sanitise import markdown_to_html
    from forums.models import Category, Post, Thread
    from members.models import ApprovalStatus, User

    category = (
        Category.objects.filter(restricted_to=None, case_discussion=False)
        .annotate(threads_count=Count("threads"))
        .order_by("-threads_count", "position")
        .first()
    )
    authors = list(User.objects.filter(approval_status=ApprovalStatus.APPROVED).order_by("pk"))
    html = {body: markdown_to_html(body) for body in BODIES}
    first = timezone.now() - datetime.timedelta(days=60)
    thread = Thread.objects.create(
        category=category,
        title="Syringe drivers at home: what we have learnt (a long thread)",
        author=authors[0],
        created_at=first,
    )
    posts = Post.objects.bulk_create(
        Post(
            thread=thread,
            author=authors[n % len(authors)],
            body=BODIES[n % len(BODIES)],
            body_html=html[BODIES[n % len(BODIES)]],
            created_at=first + datetime.timedelta(hours=2 * n),
        )
        for n in range(BIG_THREAD_POSTS)
    )
    for number in range(25, BIG_THREAD_POSTS, 25):  # a quote now and then
        posts[number].quote_of = posts[number - 3]
    Post.objects.bulk_update(posts[25::25], ["quote_of"])
    Thread.objects.filter(pk=thread.pk).update(
        post_count=BIG_THREAD_POSTS, last_post_at=posts[-1].created_at
    )


# Models whose demo rows are copied to grow the data (by app label and model name).
GROWING = [
    "members.Organisation",
    "members.User",
    "forums.ForumProfile",
    "events.Registration",
    "events.Attendance",
    "forums.Thread",
    "forums.Post",
    "forums.Subscription",
    "forums.Notification",
    "guidelines.Acknowledgement",
    "guidelines.Adoption",
    "guidelines.AdoptionChange",
    "learning.ModuleProgress",
    "learning.QuizAttempt",
    "learning.Certificate",
    "evaluation.Response",
    "evaluation.Answer",
    "evaluation.SurveyInvitation",
    "returns.OrganisationReturn",
    "returns.Answer",
    "returns.AuditEntry",
]


def demo_rows() -> dict[str, list[int]]:
    """The primary keys of the demo's own rows of every growing model: what each copy copies."""
    from django.apps import apps

    from members.models import NetworkRole

    rows = {
        label: list(apps.get_model(label).objects.values_list("pk", flat=True)) for label in GROWING
    }
    # Hubs stay as they are: the network grows by spokes and associates, hubs by staff.
    rows["members.Organisation"] = list(
        apps.get_model("members.Organisation")
        .objects.exclude(network_role=NetworkRole.HUB)
        .values_list("pk", flat=True)
    )
    return rows


def _copy(queryset, **changes: Callable) -> dict[int, int]:
    """Insert a copy of every row, with `changes` (field name → function of the row) applied;
    the original primary keys mapped to the copies'."""
    originals, copies = [], []
    for row in queryset.order_by("pk"):
        originals.append(row.pk)
        row.pk = None
        row._state.adding = True
        for name, change in changes.items():
            setattr(row, name, change(row))
        copies.append(row)
    created = queryset.model.objects.bulk_create(copies, batch_size=2000)
    return dict(zip(originals, (row.pk for row in created), strict=True))


def add_copy(number: int, demo: dict[str, list[int]]) -> None:
    """One more demo's worth of what grows, made by members of new copies of the spokes."""
    from django.apps import apps

    def rows(label: str, **lookups):
        return apps.get_model(label).objects.filter(pk__in=demo[label], **lookups)

    organisations = _copy(
        rows("members.Organisation"),
        name=lambda row: f"{row.name} {number}",
        slug=lambda row: f"{row.slug}-{number}",
    )
    users = _copy(
        rows("members.User"),
        email=lambda row: f"copy{number}.{row.email}",
        full_name=lambda row: f"{row.full_name} {number}",
        organisation_id=lambda row: organisations.get(row.organisation_id, row.organisation_id),
        is_staff=lambda row: False,
        is_superuser=lambda row: False,
        last_login=lambda row: None,
    )
    same_user = {"user_id": lambda row: users[row.user_id]}
    same_member = {"member_id": lambda row: users[row.member_id]}

    leads = apps.get_model("members.Organisation").leads.through
    leads.objects.bulk_create(
        leads(organisation_id=organisations[lead.organisation_id], user_id=users[lead.user_id])
        for lead in leads.objects.filter(organisation_id__in=organisations, user_id__in=users)
    )
    _copy(
        rows("forums.ForumProfile"),
        **same_user,
        handle=lambda row: f"{row.handle}-{number}"[:60],
        unsubscribe_token=lambda row: secrets.token_urlsafe(24),
    )
    _copy(rows("events.Registration"), **same_member)
    _copy(rows("events.Attendance"), **same_member)
    _copy_forums(number, demo, users)

    _copy(rows("guidelines.Acknowledgement"), **same_user)
    adoptions = _copy(
        rows("guidelines.Adoption", organisation_id__in=organisations),
        organisation_id=lambda row: organisations[row.organisation_id],
        updated_by_id=lambda row: users.get(row.updated_by_id, row.updated_by_id),
    )
    _copy(
        rows("guidelines.AdoptionChange", adoption_id__in=adoptions),
        adoption_id=lambda row: adoptions[row.adoption_id],
        changed_by_id=lambda row: users.get(row.changed_by_id, row.changed_by_id),
    )

    _copy(rows("learning.ModuleProgress"), **same_user)
    _copy(rows("learning.QuizAttempt"), **same_user)
    _copy(
        rows("learning.Certificate"),
        **same_user,
        code=lambda row: secrets.token_hex(len(row.code) // 2 + 1)[: len(row.code)].upper(),
        recipient_name=lambda row: f"{row.recipient_name} {number}",
    )

    responses = _copy(rows("evaluation.Response"), **same_member)
    _copy(rows("evaluation.Answer"), response_id=lambda row: responses[row.response_id])
    _copy(rows("evaluation.SurveyInvitation"), **same_member)

    returns = _copy(
        rows("returns.OrganisationReturn", organisation_id__in=organisations),
        organisation_id=lambda row: organisations[row.organisation_id],
    )
    _copy(
        rows("returns.Answer", organisation_return_id__in=returns),
        organisation_return_id=lambda row: returns[row.organisation_return_id],
    )
    _copy(
        rows("returns.AuditEntry", organisation_return_id__in=returns),
        organisation_return_id=lambda row: returns[row.organisation_return_id],
        user_id=lambda row: users.get(row.user_id, row.user_id),
    )


def _copy_forums(number: int, demo: dict[str, list[int]], users: dict[int, int]) -> None:
    from forums.models import Notification, Post, Subscription, Thread

    def member(user_id):
        return users.get(user_id, user_id)

    threads = _copy(
        Thread.objects.filter(pk__in=demo["forums.Thread"]),
        title=lambda row: f"{row.title} ({number})"[:200],
        author_id=lambda row: member(row.author_id),
        accepted_post_id=lambda row: None,
    )
    posts = _copy(
        Post.objects.filter(pk__in=demo["forums.Post"]),
        thread_id=lambda row: threads[row.thread_id],
        author_id=lambda row: member(row.author_id),
        quote_of_id=lambda row: None,
    )
    quoting = list(
        Post.objects.filter(pk__in=demo["forums.Post"], quote_of__in=demo["forums.Post"])
    )
    Post.objects.bulk_update(
        [Post(pk=posts[post.pk], quote_of_id=posts[post.quote_of_id]) for post in quoting],
        ["quote_of"],
    )
    accepted = Thread.objects.filter(pk__in=demo["forums.Thread"], accepted_post__isnull=False)
    Thread.objects.bulk_update(
        [
            Thread(pk=threads[thread.pk], accepted_post_id=posts[thread.accepted_post_id])
            for thread in accepted
        ],
        ["accepted_post"],
    )
    _copy(
        Subscription.objects.filter(pk__in=demo["forums.Subscription"], user_id__in=users),
        user_id=lambda row: users[row.user_id],
        thread_id=lambda row: threads.get(row.thread_id),
    )
    _copy(
        Notification.objects.filter(
            pk__in=demo["forums.Notification"], user_id__in=users, post_id__in=posts
        ),
        user_id=lambda row: users[row.user_id],
        post_id=lambda row: posts[row.post_id],
    )


def grow(demo: dict[str, list[int]], from_scale: int, to_scale: int) -> None:
    """From `from_scale` to `to_scale` times the demo; then the search index is rebuilt."""
    from django.db import transaction

    from search.indexing import rebuild

    if to_scale <= from_scale:
        return
    started = time.perf_counter()
    with transaction.atomic():
        for number in range(from_scale, to_scale):
            add_copy(number, demo)
    documents = rebuild()
    print(
        f"Grew the data to {to_scale}× the demo in {time.perf_counter() - started:.0f} s "
        f"({documents} search documents).",
        flush=True,
    )


def data_summary() -> str:
    from events.models import Attendance, Registration
    from forums.models import Notification, Post
    from learning.models import ModuleProgress
    from members.models import Organisation, User
    from returns.models import OrganisationReturn

    counts = {
        "members": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "registrations": Registration.objects.count(),
        "attendance rows": Attendance.objects.count(),
        "forum posts": Post.objects.count(),
        "notifications": Notification.objects.count(),
        "module progress rows": ModuleProgress.objects.count(),
        "organisation returns": OrganisationReturn.objects.count(),
    }
    return ", ".join(f"{count} {name}" for name, count in counts.items())


# --- The pages ------------------------------------------------------------------------------


def find_pages() -> list[Row]:
    """The pages to measure, found from the data, in the order of the table."""
    from django.urls import reverse

    rows: list[Row] = [Row("home", "visitor", "/")]
    rows += [
        Row("home (dashboard)", role, "/")
        for role in ("coordinator", "facilitator", "nurse", "admin", "teacher", "exec")
    ]
    calendar = reverse("events:calendar")
    rows += [Row("calendar list", role, calendar) for role in ("nurse", "coordinator")]
    rows.append(Row("calendar month", "nurse", f"{calendar}?view=month"))
    upcoming, held = _sessions()
    occurrence = reverse("events:occurrence", args=[upcoming.pk])
    rows += [Row("occurrence", role, occurrence) for role in ("nurse", "facilitator")]
    register = reverse("events:attendance", args=[held.pk])
    rows += [Row("attendance register", role, register) for role in ("coordinator", "facilitator")]
    rows += _guideline_pages()
    rows += _learning_pages()
    rows += _forum_pages()
    rows += _organisation_pages()
    rows += [
        Row("evaluation dashboard", "coordinator", reverse("evaluation:dashboard")),
        Row("evaluation dashboard", "exec", reverse("evaluation:dashboard")),
        Row("evaluation report", "coordinator", reverse("evaluation:report")),
    ]
    search = f"{reverse('search:search')}?q={SEARCH_QUERY.replace(' ', '+')}"
    rows += [Row("search", role, search) for role in ("nurse", "coordinator")]
    rows += _returns_pages()
    return rows


def _sessions():
    """The next ECHO session with the most registrations, and the held ECHO session of the
    facilitator's programmes with the most attendance (any held one if they have none)."""
    from django.db.models import Count, Q
    from django.utils import timezone
    from schedule.models import Occurrence

    from events.models import EventKind, RegistrationStatus

    now = timezone.now()
    echo = Occurrence.objects.filter(event__details__kind=EventKind.ECHO_SESSION)
    upcoming = (
        echo.filter(start__gt=now)
        .annotate(
            registered=Count(
                "registrations", filter=~Q(registrations__status=RegistrationStatus.CANCELLED)
            )
        )
        .order_by("-registered", "start")
        .first()
    )
    held = echo.filter(start__lt=now).annotate(present=Count("attendance", distinct=True))
    theirs = held.filter(event__echo_programme__hub_team__email=ACCOUNTS["facilitator"])
    return upcoming, (
        theirs.order_by("-present", "-start").first() or held.order_by("-present").first()
    )


def _guideline_pages() -> list[Row]:
    from guidelines.models import GuidelineIndexPage, GuidelinePage

    index = GuidelineIndexPage.objects.live().first()
    guideline = GuidelinePage.objects.live().order_by("path").first()
    return [
        Row("guideline index", "nurse", index.url),
        Row("guideline index", "teacher", index.url),
        Row("guideline page", "nurse", guideline.url),
        Row("guideline uptake", "coordinator", f"{guideline.url}uptake/"),
        Row("guideline uptake", "exec", f"{guideline.url}uptake/"),
        Row("uptake overview", "coordinator", f"{index.url}uptake/"),
    ]


def _learning_pages() -> list[Row]:
    from django.db.models import Count, Q

    from learning.models import LearningIndexPage, ModulePage, TrackPage

    index = LearningIndexPage.objects.live().first()
    track = (
        TrackPage.objects.live()
        .annotate(
            progress=Count(
                "module_progress", filter=Q(module_progress__user__email=ACCOUNTS["nurse"])
            )
        )
        .order_by("-progress", "path")
        .first()
    )
    module = ModulePage.objects.child_of(track).live().order_by("path").first()
    return [
        Row("learning index", "nurse", index.url),
        Row("learning index", "teacher", index.url),
        Row("track", "nurse", track.url),
        Row("module", "nurse", module.url),
        Row("CPD record", "nurse", f"{index.url}cpd/"),
    ]


def _forum_pages() -> list[Row]:
    from django.urls import reverse

    from forums.models import Thread

    thread = Thread.objects.get(post_count=BIG_THREAD_POSTS, title__startswith="Syringe drivers")
    path = reverse("forums:thread", args=[thread.pk])
    last_page = -(-BIG_THREAD_POSTS // 20)
    return [
        Row("forums index", "nurse", reverse("forums:index")),
        Row("forum category", "nurse", thread.category.get_absolute_url()),
        Row("500-post thread", "nurse", path),
        Row("500-post thread", "moderator", path),
        Row("500-post thread, last page", "nurse", f"{path}?page={last_page}"),
    ]


def _organisation_pages() -> list[Row]:
    from django.db.models import Count
    from django.urls import reverse

    from members.models import NetworkRole, Organisation

    hub = (
        Organisation.objects.filter(network_role=NetworkRole.HUB)
        .annotate(staff=Count("members"))
        .order_by("-staff")
        .first()
    )
    return [
        Row("organisation directory", "nurse", reverse("members:organisation_directory")),
        Row("organisation page (largest hub)", "nurse", hub.get_absolute_url()),
    ]


def _returns_pages() -> list[Row]:
    from django.urls import reverse

    from returns.models import OrganisationReturn, ReturnStatus, TemplateStatus

    index = reverse("returns:index")
    open_returns = OrganisationReturn.objects.filter(template__status=TemplateStatus.OPEN)
    own = (
        open_returns.filter(organisation__leads__email=ACCOUNTS["nurse"])
        .order_by("-template__created_at", "pk")
        .first()
    )
    submitted = open_returns.filter(status=ReturnStatus.SUBMITTED).order_by("pk").first() or own
    return [
        Row("returns index", "nurse", index),
        Row("returns index", "coordinator", index),
        Row("return page (own, to fill in)", "nurse", reverse("returns:return", args=[own.pk])),
        Row(
            "return page (submitted)", "coordinator", reverse("returns:return", args=[submitted.pk])
        ),
        Row(
            "return progress",
            "coordinator",
            reverse("returns:progress", args=[submitted.template_id]),
        ),
    ]


# --- Measuring -------------------------------------------------------------------------------


def clients(roles: set[str]) -> dict:
    from django.test import Client

    from members.models import User

    signed_in = {}
    for role in roles:
        client = Client()
        if ACCOUNTS[role] is not None:
            client.force_login(User.objects.get(email=ACCOUNTS[role]))
        signed_in[role] = client
    return signed_in


def _timed(client, path: str) -> tuple[float, float, int]:
    started_cpu, started_wall = time.process_time(), time.perf_counter()
    response = client.get(path)
    return (
        time.process_time() - started_cpu,
        time.perf_counter() - started_wall,
        response.status_code,
    )


def measure(rows: list[Row], repeat: int) -> list[float]:
    """Time every page interleaved with the bare view; the bare view's CPU times."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    by_role = clients({row.role for row in rows})
    for row in rows:  # warm caches, connections and template loading; check the status
        for _ in range(2):
            row.status = by_role[row.role].get(row.path).status_code
            by_role[row.role].get(BARE)
    bare: list[float] = []
    answering = [row for row in rows if row.status == 200]
    for _round in range(repeat):
        for row in answering:
            client = by_role[row.role]
            bare.append(_timed(client, BARE)[0])
            cpu, wall, status = _timed(client, row.path)
            row.cpu.append(cpu)
            row.wall.append(wall)
            assert status == 200, (row.path, row.role, status)
    for row in answering:
        with CaptureQueriesContext(connection) as captured:
            response = by_role[row.role].get(row.path)
        row.queries = list(captured.captured_queries)
        row.size = len(response.content)
    return bare


def _shape(sql: str) -> str:
    """The query with its values taken out, so a query repeated for each row has one shape."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\((?:\s*\?\s*,?)+\)", "(?)", sql)


def repeated(queries: list[dict]) -> Counter:
    """Shapes that occur more than once, with their number of occurrences."""
    shapes = Counter(_shape(query["sql"]) for query in queries)
    return Counter({shape: count for shape, count in shapes.items() if count > 1})


def _repeats(queries: list[dict]) -> int:
    """How many queries repeat the shape of an earlier one."""
    return sum(count - 1 for count in repeated(queries).values())


def over_target(row: Row, bare_median: float) -> bool:
    if row.status != 200:
        return True
    return row.median / bare_median > TARGET_RATIO or len(row.queries) > TARGET_QUERIES


def print_table(engine: str, scale: int, rows: list[Row], bare: list[float]) -> list[dict]:
    """The table of one engine and scale; its rows as plain data, for the final summary."""
    bare_median = statistics.median(bare)
    print(
        f"\n{engine} at {scale}× the demo: bare view median {bare_median * 1000:.2f} ms CPU "
        f"over {len(bare)} requests; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores\n",
        flush=True,
    )
    print(
        f"{'page':34} {'role':12} {'median ms':>9} {'p90 ms':>8} {'× bare':>7} "
        f"{'wall ms':>8} {'queries':>7} {'rep':>4} {'KiB':>7}"
    )
    results = []
    for row in rows:
        over = over_target(row, bare_median)
        if row.status != 200:
            print(f"{row.page:34} {row.role:12} status {row.status} at {row.path}  <-- not 200")
        else:
            ratio = row.median / bare_median
            print(
                f"{row.page:34} {row.role:12} {row.median * 1000:9.1f} {row.p90 * 1000:8.1f} "
                f"{ratio:7.1f} {statistics.median(row.wall) * 1000:8.1f} {len(row.queries):7d} "
                f"{_repeats(row.queries):4d} {row.size / 1024:7.1f}"
                f"{'  <--' if over else ''}"
            )
        results.append(
            {
                "engine": engine,
                "scale": scale,
                "page": row.page,
                "role": row.role,
                "status": row.status,
                "over": over,
            }
        )
    over = [result for result in results if result["over"]]
    print(
        f"\n{engine} at {scale}×: {len(over)} of {len(rows)} rows over the target "
        f"(> {TARGET_RATIO}× the bare view, > {TARGET_QUERIES} queries or not 200).",
        flush=True,
    )
    return results


def profile(row: Row) -> None:
    """A cProfile of a few requests of one page, and the SQL of its repeated queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = clients({row.role})[row.role]
    status = client.get(row.path).status_code
    print(
        f"\nProfile of {row.page} as {row.role} ({row.path}, status {status}), "
        f"{PROFILE_REQUESTS} requests:\n"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILE_REQUESTS):
        client.get(row.path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative")
    stats.print_stats(30)
    print("The project's own functions among them:")
    stats.print_stats(rf"^{re.escape(str(ROOT))}/(?!\.venv/)", 20)
    with CaptureQueriesContext(connection) as captured:
        client.get(row.path)
    queries = captured.captured_queries
    total = sum(float(query["time"]) for query in queries)
    print(f"{len(queries)} queries, {total * 1000:.1f} ms in the database (one request).")
    shapes = repeated(queries)
    if not shapes:
        print("No query repeats.")
    for shape, count in shapes.most_common():
        example = next(query["sql"] for query in queries if _shape(query["sql"]) == shape)
        print(f"\n{count}× {example[:700]}")


# --- Running ---------------------------------------------------------------------------------


def run_engine(engine: str, args: argparse.Namespace) -> list[dict]:
    """Every scale on one engine, in this process; the table rows as plain data."""
    results: list[dict] = []
    with database(engine):
        load_demo()
        demo = demo_rows()
        add_big_thread()
        scale_now = 1
        for scale in sorted(set(args.scale)):
            grow(demo, scale_now, scale)
            scale_now = max(scale_now, scale)
            print(f"Data at {scale}×: {data_summary()}.", flush=True)
            rows = [row for row in find_pages() if not args.only or args.only.lower() in row.name]
            if args.profile:
                chosen = [row for row in rows if args.profile.lower() in row.name]
                if not chosen:
                    sys.exit(f"No page matches --profile {args.profile!r}.")
                profile(chosen[0])
                continue
            bare = measure(rows, args.repeat)
            results += print_table(engine, scale, rows, bare)
    return results


def run_each_engine(passed: list[str]) -> int:
    """One process per engine (Django's settings are set once a process), then the summary."""
    results: list[dict] = []
    failed = False
    for engine in ENGINES:
        with tempfile.NamedTemporaryFile(suffix=".json") as output:
            command = [sys.executable, "-u", __file__, *passed, "--engine", engine]
            completed = subprocess.run([*command, "--results", output.name], check=False)
            failed |= completed.returncode != 0
            text = Path(output.name).read_text()
            results += json.loads(text) if text else []
    print_summary(results)
    return 1 if failed or _not_answering(results) else 0


def print_summary(results: list[dict]) -> None:
    if not results:  # profiling only
        return
    print()
    for engine in ENGINES:
        mine = [result for result in results if result["engine"] == engine]
        if mine:
            over = [result for result in mine if result["over"]]
            print(f"Over the target on {engine}: {len(over)} of {len(mine)} rows.")
    over = [result for result in results if result["over"]]
    print(
        f"Over the target in all: {len(over)} of {len(results)} rows (> {TARGET_RATIO}× the "
        f"bare view, > {TARGET_QUERIES} queries or not 200)."
    )


def describe_checkout() -> str:
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {commit}" + (f" with {len(changed)} changed files" if changed else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument("--scale", type=int, nargs="+", default=[1, 10], metavar="N")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--only", metavar="SUBSTRING", help="pages whose name, role or address contain it"
    )
    parser.add_argument(
        "--profile", metavar="SUBSTRING", help="profile the first matching page instead"
    )
    parser.add_argument("--results", help=argparse.SUPPRESS)  # where a child writes its rows
    args = parser.parse_args()
    if args.engine == "both":
        print(f"Page-speed benchmark, {describe_checkout()}, repeat {args.repeat}.", flush=True)
        return run_each_engine(_without_engine(sys.argv[1:]))
    if not args.results:
        print(f"Page-speed benchmark, {describe_checkout()}, repeat {args.repeat}.", flush=True)
    print(f"\n=== {args.engine} ===", flush=True)
    results = run_engine(args.engine, args)
    if args.results:
        Path(args.results).write_text(json.dumps(results))
    else:
        print_summary(results)
    return 1 if _not_answering(results) else 0


def _not_answering(results: list[dict]) -> bool:
    return any(result["status"] != 200 for result in results)


def _without_engine(arguments: list[str]) -> list[str]:
    kept, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--engine":
            skip = True
        elif not argument.startswith("--engine="):
            kept.append(argument)
    return kept


if __name__ == "__main__":
    sys.exit(main())
