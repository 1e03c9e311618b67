"""Uptake figures: how far each guideline has been read and adopted.

Read-only. Every function here runs a fixed number of queries, however many
organisations, members or acknowledgements there are: the counting is done by
the database with grouped aggregates, and Python only arranges the rows.

Definitions used throughout:
- a *member* is an active, approved account;
- the *audience* of a guideline is the members in the staff groups it is written for;
- an organisation has *adopted* a guideline when its current status is "adopted"
  or "adopted with local changes"; no recorded status means "not yet reviewed";
- acknowledgement shares count acknowledgements of the current version only,
  because a new version asks everyone again.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import (
    Count,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.models import ApprovalStatus, NetworkRole, Organisation, StaffGroup, User

from .models import (
    ADOPTED_STATUSES,
    AUDIENCES,
    Acknowledgement,
    Adoption,
    AdoptionChange,
    AdoptionStatus,
    EndorsedVersion,
    GuidelinePage,
)


@dataclass(frozen=True)
class Share:
    count: int
    total: int

    @property
    def percent(self) -> int | None:
        """Whole per cent, or None when there is nothing to divide by."""
        if not self.total:
            return None
        return round(100 * self.count / self.total)


def _members():
    return User.objects.filter(is_active=True, approval_status=ApprovalStatus.APPROVED)


def _london_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, ZoneInfo(settings.TIME_ZONE)).date()


# Organisations' adoption


@dataclass
class AdoptionSplit:
    label: str
    adopted: Share


@dataclass
class AdoptionSummary:
    overall: Share
    by_role: list[AdoptionSplit]
    by_sector: list[AdoptionSplit]
    by_status: list[tuple[str, int]]


def adoption_summary(guideline: GuidelinePage) -> AdoptionSummary:
    """Share of the network's organisations that have adopted it, split two ways."""
    current_status = Adoption.objects.filter(
        guideline=guideline, organisation=OuterRef("pk")
    ).values("status")[:1]
    rows = list(
        Organisation.objects.annotate(status=Subquery(current_status))
        .values("network_role", "is_nhs", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _summarise_adoption(rows)


def adoption_summary_of(rows: list[OrganisationRow]) -> AdoptionSummary:
    """`adoption_summary` of the guideline whose `organisation_rows` these are, without
    asking the database again."""
    return _summarise_adoption(
        [
            {
                "network_role": row.organisation.network_role,
                "is_nhs": row.organisation.is_nhs,
                "status": row.status,
                "n": 1,
            }
            for row in rows
        ]
    )


def _summarise_adoption(rows: list[dict]) -> AdoptionSummary:
    def share(predicate) -> Share:
        total = sum(row["n"] for row in rows if predicate(row))
        adopted = sum(
            row["n"] for row in rows if predicate(row) and row["status"] in ADOPTED_STATUSES
        )
        return Share(adopted, total)

    by_role = [
        AdoptionSplit(label, share(lambda row, role=role: row["network_role"] == role))
        for role, label in NetworkRole.choices
    ]
    by_sector = [
        AdoptionSplit(_("NHS"), share(lambda row: row["is_nhs"])),
        AdoptionSplit(_("Non-NHS"), share(lambda row: not row["is_nhs"])),
    ]
    status_counts: dict[str, int] = defaultdict(int)
    for row in rows:
        status_counts[row["status"] or AdoptionStatus.NOT_REVIEWED] += row["n"]
    by_status = [(label, status_counts[value]) for value, label in AdoptionStatus.choices]
    return AdoptionSummary(share(lambda row: True), by_role, by_sector, by_status)


# Acknowledgements


@dataclass
class StaffGroupRow:
    staff_group: str
    label: str
    in_audience: bool
    acknowledged: Share


def acknowledgements_by_staff_group(
    guideline: GuidelinePage, version: EndorsedVersion | None
) -> list[StaffGroupRow]:
    version_id = version.pk if version else -1
    counts = {
        row["staff_group"]: row
        for row in _members()
        .values("staff_group")
        .annotate(
            members=Count("pk", distinct=True),
            acknowledged=Count(
                "guideline_acknowledgements",
                filter=Q(guideline_acknowledgements__version_id=version_id),
                distinct=True,
            ),
        )
        .order_by()
    }
    audience = set(guideline.audience_groups)
    return [
        StaffGroupRow(
            staff_group=value,
            label=label,
            in_audience=value in audience,
            acknowledged=Share(
                counts.get(value, {}).get("acknowledged", 0),
                counts.get(value, {}).get("members", 0),
            ),
        )
        for value, label in StaffGroup.choices
    ]


@dataclass
class OrganisationRow:
    organisation: Organisation
    acknowledged: Share
    status: str
    status_label: str
    reason: str
    updated_at: datetime.datetime | None


def organisation_rows(
    guideline: GuidelinePage, version: EndorsedVersion | None
) -> list[OrganisationRow]:
    """One row per organisation: its members' acknowledgements and its adoption status."""
    # With no version nobody can have read it; -1 matches no acknowledgement.
    version_id = version.pk if version else -1
    approved = Q(members__is_active=True, members__approval_status=ApprovalStatus.APPROVED)
    adoption = Adoption.objects.filter(guideline=guideline, organisation=OuterRef("pk"))
    organisations = (
        Organisation.objects.annotate(
            member_total=Count("members", filter=approved, distinct=True),
            acknowledged_total=Count(
                "members",
                filter=approved & Q(members__guideline_acknowledgements__version_id=version_id),
                distinct=True,
            ),
            adoption_status=Subquery(adoption.values("status")[:1]),
            adoption_reason=Subquery(adoption.values("reason")[:1]),
            adoption_updated_at=Subquery(adoption.values("updated_at")[:1]),
        )
        .select_related("hub")
        .order_by("name")
    )
    labels = dict(AdoptionStatus.choices)
    return [
        OrganisationRow(
            organisation=organisation,
            acknowledged=Share(organisation.acknowledged_total, organisation.member_total),
            status=organisation.adoption_status or AdoptionStatus.NOT_REVIEWED,
            status_label=labels[organisation.adoption_status or AdoptionStatus.NOT_REVIEWED],
            reason=organisation.adoption_reason or "",
            updated_at=organisation.adoption_updated_at,
        )
        for organisation in organisations
    ]


# The timeline since first endorsement


@dataclass
class TimelineRow:
    date: datetime.date
    version: int
    acknowledged: int
    adopted: int
    events: list[str] = field(default_factory=list)


def timeline(
    guideline: GuidelinePage, today: datetime.date | None = None
) -> tuple[list[TimelineRow], list[EndorsedVersion]]:
    """A row for every day something changed, from the first endorsement to today.

    `acknowledged` is the number of members who had acknowledged the version in
    force that day (it starts again from nought with each new version);
    `adopted` is the number of organisations whose status that day was adopted.
    """
    today = today or timezone.localdate()
    versions = list(guideline.endorsed_versions.order_by("number"))
    if not versions:
        return [], []
    tz = ZoneInfo(settings.TIME_ZONE)
    ack_counts = (
        Acknowledgement.objects.filter(
            guideline=guideline,
            user__is_active=True,
            user__approval_status=ApprovalStatus.APPROVED,
        )
        .annotate(day=TruncDate("acknowledged_at", tzinfo=tz))
        .values("day", "version_id")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    changes = (
        AdoptionChange.objects.filter(adoption__guideline=guideline)
        .values_list("adoption__organisation_id", "status", "changed_at")
        .order_by("changed_at", "pk")
    )
    version_starts: dict[datetime.date, list[EndorsedVersion]] = defaultdict(list)
    for version in versions:
        version_starts[_london_date(version.endorsed_at)].append(version)
    acks_by_day: dict[datetime.date, dict[int, int]] = defaultdict(dict)
    for row in ack_counts:
        acks_by_day[row["day"]][row["version_id"]] = row["n"]
    adoption_by_day: dict[datetime.date, list[tuple[int, str]]] = defaultdict(list)
    for organisation_id, status, changed_at in changes:
        adoption_by_day[_london_date(changed_at)].append((organisation_id, status))

    start = min(version_starts)
    end = max(today, start)
    # Anything recorded before the first endorsement counts from its first day.
    for day in sorted(adoption_by_day):
        if day < start:
            adoption_by_day[start] = adoption_by_day.pop(day) + adoption_by_day[start]
    for day in sorted(acks_by_day):
        if day < start:
            for version_id, n in acks_by_day.pop(day).items():
                acks_by_day[start][version_id] = acks_by_day[start].get(version_id, 0) + n
    days = sorted(
        day for day in {*version_starts, *acks_by_day, *adoption_by_day, end} if day <= end
    )

    rows: list[TimelineRow] = []
    current = versions[0]
    acknowledged: dict[int, int] = defaultdict(int)
    statuses: dict[int, str] = {}
    for day in days:
        events = []
        for version in version_starts.get(day, []):
            current = version
            events.append(str(_("Version %(number)s endorsed") % {"number": version.number}))
        for version_id, n in acks_by_day.get(day, {}).items():
            acknowledged[version_id] += n
        for organisation_id, status in adoption_by_day.get(day, []):
            statuses[organisation_id] = status
        rows.append(
            TimelineRow(
                date=day,
                version=current.number,
                acknowledged=acknowledged[current.pk],
                adopted=sum(1 for status in statuses.values() if status in ADOPTED_STATUSES),
                events=events,
            )
        )
    return rows, versions


# The overview of every guideline


@dataclass
class OverviewRow:
    guideline: GuidelinePage
    version: int | None
    endorsed_at: datetime.datetime | None
    first_endorsed_at: datetime.datetime | None
    days_since_endorsement: int | None
    adopted: Share
    acknowledged: Share | None  # None when asked for no readership
    overdue: bool
    due_soon: bool
    history: tuple[int, ...] = ()  # organisations adopted at the end of each of history_days


def overview(
    guidelines: QuerySet[GuidelinePage] | Iterable[GuidelinePage] | None = None,
    history_days: list[datetime.date] | None = None,
    *,
    readership: bool = True,
) -> list[OverviewRow]:
    """Every live guideline (or those of `guidelines` that are live) with its headline uptake
    figures, in two queries (one without `readership`, when `acknowledged` is None). With
    `history_days`, each row's `history` is how many organisations had it adopted at the
    end of each of those days (London dates), counted in the same query."""
    latest = EndorsedVersion.objects.filter(guideline=OuterRef("pk")).order_by("-number")
    queryset = (
        GuidelinePage.objects.live()
        .annotate(
            current_version_id=Subquery(latest.values("pk")[:1]),
            current_number=Subquery(latest.values("number")[:1]),
            current_endorsed_at=Subquery(latest.values("endorsed_at")[:1]),
            first_endorsed_at=Min("endorsed_versions__endorsed_at"),
            adopted_count=_count(
                Adoption.objects.filter(guideline=OuterRef("pk"), status__in=ADOPTED_STATUSES)
            ),
            organisation_total=_count(Organisation.objects.all()),
            **{
                f"adopted_by_{position}": _adopted_by(day)
                for position, day in enumerate(history_days or ())
            },
        )
        .order_by("title")
    )
    if isinstance(guidelines, QuerySet):
        queryset = queryset.filter(pk__in=guidelines.values("pk"))
    elif guidelines is not None:
        queryset = queryset.filter(pk__in=[page.pk for page in guidelines])
    pages = list(queryset)
    members_by_group, acks = (
        _readers([page.current_version_id for page in pages if page.current_version_id])
        if readership
        else ({}, {})
    )
    today = timezone.localdate()
    rows = []
    for page in pages:
        audience = page.audience_groups or [group for group, _field, _label in AUDIENCES]
        rows.append(
            OverviewRow(
                guideline=page,
                version=page.current_number,
                endorsed_at=page.current_endorsed_at,
                first_endorsed_at=page.first_endorsed_at,
                days_since_endorsement=(
                    (today - _london_date(page.current_endorsed_at)).days
                    if page.current_endorsed_at
                    else None
                ),
                adopted=Share(page.adopted_count, page.organisation_total),
                acknowledged=Share(
                    sum(acks.get((page.current_version_id, group), 0) for group in audience),
                    sum(members_by_group.get(group, 0) for group in audience),
                )
                if readership
                else None,
                overdue=page.is_review_overdue(today),
                due_soon=page.is_review_due_soon(today),
                history=tuple(
                    getattr(page, f"adopted_by_{position}")
                    for position in range(len(history_days or ()))
                ),
            )
        )
    return rows


def _readers(
    version_ids: list[int],
) -> tuple[dict[str, int], dict[tuple[int, str], int]]:
    """Members by staff group, and their acknowledgements of each of these versions by
    (version, staff group), in one query."""
    rows = (
        _members()
        .values("staff_group")
        .annotate(
            members=Count("pk", distinct=True),
            **{
                f"read_{version_id}": Count(
                    "guideline_acknowledgements",
                    filter=Q(guideline_acknowledgements__version_id=version_id),
                    distinct=True,
                )
                for version_id in version_ids
            },
        )
        .order_by()
    )
    members_by_group: dict[str, int] = {}
    acks: dict[tuple[int, str], int] = {}
    for row in rows:
        members_by_group[row["staff_group"]] = row["members"]
        for version_id in version_ids:
            acks[(version_id, row["staff_group"])] = row[f"read_{version_id}"]
    return members_by_group, acks


def _count(queryset: QuerySet) -> Coalesce:
    """The number of rows of `queryset`, as a subquery (0 when there are none)."""
    counted = (
        queryset.order_by()
        .annotate(counted=Value(1, output_field=IntegerField()))
        .values("counted")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# Adoption over time, for the network's evaluation


def _adopted_by(day: datetime.date) -> Coalesce:
    """How many organisations had the guideline adopted at the end of `day` (London): those
    whose latest recorded change before the next day began is an adopted status."""
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(), ZoneInfo(settings.TIME_ZONE)
    )
    status_then = (
        AdoptionChange.objects.filter(adoption=OuterRef("pk"), changed_at__lt=end)
        .order_by("-changed_at", "-pk")
        .values("status")[:1]
    )
    return _count(
        Adoption.objects.filter(guideline=OuterRef("pk"))
        .alias(status_then=Subquery(status_then))
        .filter(status_then__in=ADOPTED_STATUSES)
    )
