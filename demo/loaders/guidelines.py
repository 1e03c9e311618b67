"""Demo guidelines for `load_demo_network`, from `demo/content/guidelines/`.

`index.yaml` lists the guidelines in the order they are created and the rhythm of an
endorsement; `<slug>.yaml` holds one guideline: its versions, bodies, reviewers,
acknowledgements and adoptions. Each guideline is drafted under the guideline index and
taken through the "Guideline endorsement" workflow with `guidelines.services`, as in the
admin: the owner drafts it, the coordinator submits it, a member of the clinical steering
group approves it and a member of the executive committee endorses it. Later versions are
edited and endorsed again. Members then acknowledge each version and organisation leads
record their organisation's adoption.

Times are relative to the load, so the demo is always a network that has been endorsing
guidelines for about eighteen months. The services date what they write from the `now`
they are given; the rows Wagtail writes with its own clock (revisions, log entries,
workflow and task states, publication dates) are moved back afterwards.

Idempotent: a guideline found by its slug under the guideline index is left exactly as it
is, so running the command again creates nothing. Only demo accounts (`@demo.example`)
take part.
"""

from __future__ import annotations

import calendar
import datetime
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, TaskState, WorkflowState

from demo import content
from demo.blocks import Block
from demo.content import ContentError
from guidelines import services
from guidelines.models import (
    AUDIENCES,
    CARE_SETTINGS,
    Acknowledgement,
    Adoption,
    AdoptionChange,
    EndorsedVersion,
    GuidelineIndexPage,
    GuidelinePage,
)
from members.models import ApprovalStatus, Organisation, User

Step = Callable[[], str]
Spec = dict[str, Any]

DEMO_DOMAIN = "@demo.example"
COORDINATOR = "coordinator@demo.example"  # submits every version for endorsement
TABLE_OPTIONS = {
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_header_choice": "row",
}


@dataclass(frozen=True)
class Rhythm:
    """When the steps of an endorsement happen, from `index.yaml`."""

    drafted_before: datetime.timedelta
    submitted_before: datetime.timedelta
    reviewed_before: datetime.timedelta
    endorsed_at: datetime.time
    working_day_starts: datetime.time
    working_day: datetime.timedelta
    history: datetime.timedelta

    @classmethod
    def read(cls, index: Spec) -> Rhythm:
        day = index["working_day"]
        return cls(
            drafted_before=datetime.timedelta(**index["drafted_before"]),
            submitted_before=datetime.timedelta(**index["submitted_before"]),
            reviewed_before=datetime.timedelta(**index["reviewed_before"]),
            endorsed_at=datetime.time.fromisoformat(index["endorsed_at"]),
            working_day_starts=datetime.time.fromisoformat(day["starts"]),
            working_day=datetime.timedelta(hours=day["hours"]),
            history=datetime.timedelta(days=index["history_days"]),
        )


def demo_guidelines() -> list[Spec]:
    """The guidelines' files, in the order of `index.yaml`, which must list every one."""
    slugs = content.load("guidelines/index")["guidelines"]
    files = {path.stem for path in (content.CONTENT / "guidelines").glob("*.yaml")} - {"index"}
    if files != set(slugs):
        raise ContentError(f"index.yaml lists {sorted(slugs)}; the files are {sorted(files)}.")
    specs = [content.load(f"guidelines/{slug}") for slug in slugs]
    for number, (slug, spec) in enumerate(zip(slugs, specs, strict=True)):
        if spec["slug"] != slug:
            raise ContentError(f"{slug}.yaml says its slug is {spec['slug']!r}.")
        related = {other for version in spec["versions"] for other in version.get("related", ())}
        if not related <= set(slugs[:number]):
            raise ContentError(f"{slug}.yaml: related guidelines come before it in index.yaml.")
    return specs


def _block(spec: Spec) -> Block:
    if isinstance(spec, dict) and list(spec) == ["table"]:
        table = spec["table"]
        return {
            "type": "table",
            "value": {
                "data": [table["header"], *table["rows"]],
                **TABLE_OPTIONS,
                "table_caption": table["caption"],
            },
        }
    return content.block(spec)


# --- Helpers -----------------------------------------------------------------------------------


def _user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def _approved_demo_members() -> Any:
    """Approved, active demo accounts (never anyone else who happens to be in the database)."""
    return User.objects.filter(
        approval_status=ApprovalStatus.APPROVED,
        is_active=True,
        email__iendswith=DEMO_DOMAIN,
    ).order_by("email")


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _fraction(key: str) -> float:
    """A stable number in [0, 1) for `key`, the same on every run and every machine."""
    return zlib.crc32(key.encode()) / 2**32


def _endorsed_at(version: Spec, now: datetime.datetime, rhythm: Rhythm) -> datetime.datetime:
    day = now.astimezone(_zone()).date() - datetime.timedelta(days=version["endorsed_days_ago"])
    anchored_on = version.get("endorsed_on")
    if anchored_on is not None:
        anchored = datetime.datetime.combine(anchored_on, rhythm.endorsed_at, tzinfo=_zone())
        if now - rhythm.history <= anchored <= now - datetime.timedelta(days=1):
            day = anchored_on
    return datetime.datetime.combine(day, rhythm.endorsed_at, tzinfo=_zone())


def _move_wagtail_rows(page_id: int, since: datetime.datetime, when: datetime.datetime) -> None:
    """Move what Wagtail recorded about the page since `since` (its clock) back to `when`.

    Wagtail stamps page revisions, log entries, workflow and task states and the page's
    publication dates itself, with no way to pass a time, so these are updated afterwards.
    """
    for field in ("first_published_at", "last_published_at", "latest_revision_created_at"):
        GuidelinePage.objects.filter(pk=page_id, **{f"{field}__gte": since}).update(**{field: when})
    page = GuidelinePage.objects.get(pk=page_id)
    Revision.objects.for_instance(page).filter(created_at__gte=since).update(created_at=when)
    PageLogEntry.objects.filter(page_id=page_id, timestamp__gte=since).update(timestamp=when)
    workflow_states = WorkflowState.objects.for_instance(page)
    workflow_states.filter(created_at__gte=since).update(created_at=when)
    task_states = TaskState.objects.filter(workflow_state__in=workflow_states)
    task_states.filter(started_at__gte=since).update(started_at=when)
    task_states.filter(finished_at__gte=since).update(finished_at=when)


def _content(
    index: GuidelineIndexPage, spec: Spec, version: Spec, review_due: datetime.date
) -> dict[str, Any]:
    """The page's fields for this version; related guidelines not created yet are left out."""
    wanted = version.get("related", [])
    related = dict(
        GuidelinePage.objects.child_of(index).filter(slug__in=wanted).values_list("slug", "pk")
    )
    values: dict[str, Any] = {
        "title": spec["title"],
        "summary": spec["summary"],
        "body": [_block(block) for block in version["body"]],
        "category": spec["category"],
        "change_summary": version.get("change_summary", ""),
        "review_due": review_due,
        "related_guidelines": [
            {"type": "guideline", "value": related[slug]} for slug in wanted if slug in related
        ],
    }
    for code, field, _label in CARE_SETTINGS:
        values[field] = code in spec["care_settings"]
    for group, field, _label in AUDIENCES:
        values[field] = group in spec["audiences"]
    return values


# --- Loading -----------------------------------------------------------------------------------


def _endorse(
    index: GuidelineIndexPage,
    page: GuidelinePage | None,
    spec: Spec,
    version: Spec,
    endorsed_at: datetime.datetime,
    rhythm: Rhythm,
) -> GuidelinePage:
    """Draft the version (a new page if `page` is None) and take it through the workflow."""
    owner = _user(spec["owner"])
    review_due = _add_months(endorsed_at.date(), version["review_after_months"])
    values = _content(index, spec, version, review_due)
    since = timezone.now()
    if page is None:
        page = GuidelinePage(slug=spec["slug"], live=False, guideline_owner=owner, **values)
        index.add_child(instance=page)
    else:
        for name, value in values.items():
            setattr(page, name, value)
    page.save_revision(user=owner)
    _move_wagtail_rows(page.pk, since, endorsed_at - rhythm.drafted_before)

    since = timezone.now()
    services.submit_for_endorsement(page, _user(COORDINATOR))
    _move_wagtail_rows(page.pk, since, endorsed_at - rhythm.submitted_before)

    for step, at in (
        ("clinical_review", endorsed_at - rhythm.reviewed_before),
        ("endorsement", endorsed_at),
    ):
        since = timezone.now()
        by, comment = _user(version[step]["by"]), version[step]["comment"]
        services.approve_step(page, by, comment=comment, now=at)
        _move_wagtail_rows(page.pk, since, at)
    return GuidelinePage.objects.get(pk=page.pk)


def _acknowledgers(
    page: GuidelinePage, version: Spec, number: int, previous: list[User] | None
) -> list[User]:
    """Who acknowledges this version: a stable sample, then the named inclusions and exclusions."""
    wanted = version["acknowledgements"]
    audience = list(_approved_demo_members().filter(staff_group__in=page.audience_groups))
    pool = audience if previous is None else previous
    count = min(len(pool), round(wanted["share"] * len(audience)))
    chosen = sorted(pool, key=lambda user: _fraction(f"{page.slug}:{number}:{user.email}"))
    chosen = chosen[:count]
    emails = {user.email.lower() for user in chosen}
    audience_by_email = {user.email.lower(): user for user in audience}
    chosen += [
        audience_by_email[email]
        for email in wanted.get("including", ())
        if email in audience_by_email and email not in emails
    ]
    excluded = {email.lower() for email in wanted.get("excluding", ())}
    return [user for user in chosen if user.email.lower() not in excluded]


def _acknowledge(
    page: GuidelinePage,
    number: int,
    users: list[User],
    start: datetime.datetime,
    end: datetime.datetime,
    rhythm: Rhythm,
) -> None:
    """Each user acknowledges the current version, at a time between `start` and `end`.

    Most members read a new version in its first weeks, a few much later, and mostly during
    the working day.
    """
    first, last = start + datetime.timedelta(hours=2), end - datetime.timedelta(hours=1)
    for user in users:
        key = f"{page.slug}:{number}:{user.email}"
        moment = first + (last - first) * _fraction(f"{key}:day") ** 2
        in_working_day = datetime.datetime.combine(
            moment.astimezone(_zone()).date(), rhythm.working_day_starts, tzinfo=_zone()
        ) + rhythm.working_day * _fraction(f"{key}:time")
        if first <= in_working_day <= last:
            moment = in_working_day
        services.acknowledge(user, page, number, now=moment)


def _lead(organisation: Organisation) -> User | None:
    return (
        organisation.leads.filter(approval_status=ApprovalStatus.APPROVED, is_active=True)
        .order_by("pk")
        .first()
    )


def _record_adoptions(
    page: GuidelinePage, version: Spec, start: datetime.datetime, end: datetime.datetime
) -> None:
    """Leads record what the version says, oldest first; anything not yet due is left out."""
    adoptions = sorted(version.get("adoptions", ()), key=lambda adoption: adoption["days_after"])
    organisations = Organisation.objects.in_bulk(
        [adoption["organisation"] for adoption in adoptions], field_name="slug"
    )
    for adoption in adoptions:
        at = start + datetime.timedelta(days=adoption["days_after"], hours=-5)
        organisation = organisations.get(adoption["organisation"])
        lead = _lead(organisation) if organisation is not None else None
        if lead is None or at >= end:
            continue
        services.record_adoption(
            lead, page, organisation, adoption["status"], adoption.get("reason", ""), now=at
        )


def _load_guideline(
    index: GuidelineIndexPage, spec: Spec, now: datetime.datetime, rhythm: Rhythm
) -> None:
    page: GuidelinePage | None = None
    previous: list[User] | None = None
    times = [_endorsed_at(version, now, rhythm) for version in spec["versions"]]
    for number, version in enumerate(spec["versions"], start=1):
        endorsed_at = times[number - 1]
        until = times[number] if number < len(times) else now
        page = _endorse(index, page, spec, version, endorsed_at, rhythm)
        previous = _acknowledgers(page, version, number, previous)
        _acknowledge(page, number, previous, endorsed_at, until, rhythm)
        _record_adoptions(page, version, endorsed_at, until)


def load_guidelines(*, now: datetime.datetime | None = None) -> str:
    """The demo guidelines exist, endorsed, acknowledged and adopted, as of `now` (default:
    the clock); existing ones are kept. A one-line summary."""
    index = GuidelineIndexPage.objects.first()
    if index is None:
        raise CommandError("The guideline index page is missing: run `manage.py migrate` first.")
    now = now or timezone.now()
    rhythm = Rhythm.read(content.load("guidelines/index"))
    specs = demo_guidelines()
    existing = set(index.get_children().values_list("slug", flat=True))
    for spec in specs:
        if spec["slug"] in existing:
            continue
        try:
            _load_guideline(index, spec, now, rhythm)
        except services.GuidelineError as error:
            raise CommandError(
                f"Could not load the guideline {spec['title']!r}: {error}"
            ) from error
    pages = GuidelinePage.objects.child_of(index).filter(slug__in=[s["slug"] for s in specs])
    versions = EndorsedVersion.objects.filter(guideline__in=pages)
    revised = versions.values("guideline").annotate(n=Count("pk")).filter(n__gt=1).count()
    today = timezone.localdate(now)
    overdue = sum(page.is_review_overdue(today) for page in pages)
    due_soon = sum(page.is_review_due_soon(today) for page in pages)
    acknowledgements = Acknowledgement.objects.filter(guideline__in=pages).count()
    adoptions = Adoption.objects.filter(guideline__in=pages)
    changes = AdoptionChange.objects.filter(adoption__in=adoptions).count()
    return (
        f"{pages.count()} guidelines ({versions.count()} endorsed versions, {revised} revised; "
        f"{overdue} overdue for review, {due_soon} due within 90 days), "
        f"{acknowledgements} acknowledgements, {adoptions.count()} adoption records "
        f"({changes} changes)"
    )


DEMO_STEPS: Sequence[Step] = (load_guidelines,)
