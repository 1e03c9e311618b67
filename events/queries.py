"""Reads: what the events pages and other apps look up, list and count. Nothing here writes.

Functions other apps call (CPD records in `learning`, the evaluation dashboard):

- `attended_minutes(member, since=None, until=None, kinds=None) -> int`
  Minutes present across occurrences starting in [since, until), optionally
  only events of the given `EventKind` values.
- `attendance_records(member, since=None, until=None) -> list[AttendanceRecord]`
  One row per occurrence the member attended: date, title, kind, minutes,
  CPD hours offered and how the presence was recorded.
- `programme_sessions(programme)` — the occurrences of a programme's cycle.
- `cycle_summary(member, programme) -> CycleSummary`
  Sessions attended out of sessions held in the programme's current cycle.

For the events pages: `network_occurrences()` (what a listing shows),
`registration_statuses()` and `attendance_register(occurrence)`, the register
a facilitator or coordinator marks.

All times are aware datetimes; occurrences are `schedule.Occurrence` rows.
Changes are in `events.services`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from schedule.models import Occurrence

from members.models import User

from . import scheduling
from .models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    EchoProgramme,
    Registration,
    RegistrationStatus,
)


def network_occurrences() -> QuerySet[Occurrence]:
    """Occurrences on the network calendar with everything a listing shows, in 3 queries."""
    return (
        Occurrence.objects.filter(event__calendar__slug=scheduling.NETWORK_CALENDAR_SLUG)
        .select_related("event__details", "event__echo_programme", "session_plan")
        .annotate(
            places_taken=Count(
                "registrations", filter=Q(registrations__status=RegistrationStatus.REGISTERED)
            )
        )
        .order_by("start", "pk")
    )


def registration_statuses(member: User, occurrences: Iterable[Occurrence]) -> dict[int, str]:
    """The member's registration status (registered or waiting) by occurrence id."""
    ids = [occurrence.pk for occurrence in occurrences]
    return dict(
        Registration.objects.filter(member=member, occurrence_id__in=ids)
        .active()
        .values_list("occurrence_id", "status")
    )


def occurrence_is_open(occurrence: Occurrence, now: datetime.datetime | None = None) -> bool:
    return not occurrence.cancelled and occurrence.end > (now or timezone.now())


def waiting_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        occurrence_id=registration.occurrence_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


@dataclass(frozen=True)
class AttendanceRecord:
    occurrence_id: int
    start: datetime.datetime
    title: str
    kind: str
    minutes: int
    cpd_hours: Decimal
    source: str


def _attended(member: User, since, until, kinds: Iterable[str] | None = None):
    records = Attendance.objects.present().filter(member=member, occurrence__cancelled=False)
    if since is not None:
        records = records.filter(occurrence__start__gte=since)
    if until is not None:
        records = records.filter(occurrence__start__lt=until)
    if kinds is not None:
        records = records.filter(occurrence__event__details__kind__in=list(kinds))
    return records


def attended_minutes(
    member: User,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    kinds: Iterable[str] | None = None,
) -> int:
    """Minutes the member was present at occurrences starting in [since, until)."""
    total = _attended(member, since, until, kinds).aggregate(total=Sum("minutes"))["total"]
    return total or 0


def attendance_records(
    member: User,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> list[AttendanceRecord]:
    """Each occurrence the member attended, oldest first, for CPD records and reports."""
    rows = (
        _attended(member, since, until)
        .select_related("occurrence__event__details")
        .order_by("occurrence__start")
    )
    return [
        AttendanceRecord(
            occurrence_id=row.occurrence_id,
            start=row.occurrence.start,
            title=row.occurrence.title or row.occurrence.event.title,
            kind=getattr(getattr(row.occurrence.event, "details", None), "kind", ""),
            minutes=row.minutes,
            cpd_hours=getattr(
                getattr(row.occurrence.event, "details", None), "cpd_hours", Decimal(0)
            ),
            source=row.source,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class CycleSummary:
    programme: EchoProgramme
    held: int
    attended: int

    @property
    def share(self) -> float:
        return self.attended / self.held if self.held else 0.0


def programme_sessions(programme: EchoProgramme):
    """Occurrences of the programme's series inside its cycle, in order."""
    zone = scheduling.network_zone()
    start = datetime.datetime.combine(programme.cycle_start, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        programme.cycle_end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    return Occurrence.objects.filter(
        event_id=programme.series_id, start__gte=start, start__lt=end
    ).order_by("start")


def cycle_summary(
    member: User, programme: EchoProgramme, now: datetime.datetime | None = None
) -> CycleSummary:
    """Sessions of the cycle held so far (not cancelled) and how many the member attended."""
    now = now or timezone.now()
    held = programme_sessions(programme).filter(cancelled=False, end__lte=now)
    attended = (
        Attendance.objects.present()
        .filter(member=member, occurrence__in=held)
        .values("occurrence")
        .distinct()
        .count()
    )
    return CycleSummary(programme=programme, held=held.count(), attended=attended)


# --- The attendance register --------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterRow:
    """One person on the register and what is recorded for them."""

    member: User
    registered: bool
    record: Attendance | None
    changes: list[AttendanceChange]

    @property
    def status(self) -> str:
        """The `AttendanceStatus` value, or "" when nobody has marked them yet."""
        return self.record.status if self.record else ""

    @property
    def minutes(self) -> int | None:
        return self.record.minutes if self.record else None

    @property
    def is_adjusted(self) -> bool:
        """Someone changed the record by hand after it was first made."""
        return any(change.old_status for change in self.changes)


@dataclass(frozen=True)
class AttendanceRegister:
    occurrence: Occurrence
    rows: list[RegisterRow]

    @cached_property
    def _by_member(self) -> dict[int, RegisterRow]:
        return {row.member.pk: row for row in self.rows}

    def row_for(self, member_id: int | None) -> RegisterRow | None:
        """The row of this member, or None for someone who is not on the register."""
        return self._by_member.get(member_id) if member_id is not None else None

    @property
    def counts(self) -> dict[str, int]:
        """Rows by status: each `AttendanceStatus` value, and "" for those not marked."""
        counts = dict.fromkeys(["", *AttendanceStatus.values], 0)
        for row in self.rows:
            counts[row.status] += 1
        return counts


def attendance_register(occurrence: Occurrence) -> AttendanceRegister:
    """Everyone registered for the occurrence, and anyone else with a record, by name.

    A record comes with who marked it and its trail of changes, oldest first. Three
    queries, however many people are on the register.
    """
    registered = User.objects.filter(
        registrations__occurrence=occurrence,
        registrations__status=RegistrationStatus.REGISTERED,
    ).select_related("organisation")
    records = {
        record.member_id: record
        for record in Attendance.objects.filter(occurrence=occurrence)
        .select_related("member__organisation", "marked_by")
        .prefetch_related(
            Prefetch("changes", queryset=AttendanceChange.objects.select_related("changed_by"))
        )
    }
    people = {member.pk: member for member in registered}
    registered_ids = set(people)
    for record in records.values():
        people.setdefault(record.member_id, record.member)
    rows = [
        RegisterRow(
            member=member,
            registered=member.pk in registered_ids,
            record=records.get(member.pk),
            changes=list(records[member.pk].changes.all()) if member.pk in records else [],
        )
        for member in sorted(people.values(), key=lambda member: (member.full_name, member.pk))
    ]
    return AttendanceRegister(occurrence=occurrence, rows=rows)
