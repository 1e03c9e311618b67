"""The CPD record: every learning activity in a period, against NMC revalidation.

Modules completed here count as non-participatory learning, at their estimated
length. Live ECHO sessions, study days, the conference and webinars count as
participatory learning, at the minutes the member actually attended (from the
events app's attendance record). A completed track is listed, but its hours are
its modules' hours, so it adds none of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from events import queries as events_queries
from events.models import EventKind
from members.models import User

from .models import Certificate, CertificateKind, ModuleProgress

NMC_TOTAL_HOURS = Decimal(35)
NMC_PARTICIPATORY_HOURS = Decimal(20)
NMC_PERIOD_YEARS = 3

PARTICIPATORY_KINDS = {
    EventKind.ECHO_SESSION: _("ECHO session"),
    EventKind.STUDY_DAY: _("Study day"),
    EventKind.CONFERENCE: _("Conference"),
    EventKind.WEBINAR: _("Webinar"),
}
MODULE = "module"
TRACK = "track"
TYPE_LABELS = {MODULE: _("Module"), TRACK: _("Learning track"), **PARTICIPATORY_KINDS}


def hours(minutes: int) -> Decimal:
    """Minutes as hours, rounded down to the hundredth: never more than was done."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Activity:
    date: datetime.date
    title: str
    type: str
    minutes: int
    participatory: bool
    detail: str = ""

    @property
    def type_label(self) -> str:
        return str(TYPE_LABELS.get(self.type, self.type))

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class TypeTotal:
    type: str
    label: str
    count: int
    minutes: int
    participatory: bool

    @property
    def hours(self) -> Decimal:
        return hours(self.minutes)


@dataclass(frozen=True)
class CpdRecord:
    """Sums are kept in minutes and turned into hours only for display."""

    start: datetime.date
    end: datetime.date
    activities: list[Activity]
    totals: list[TypeTotal]
    participatory_minutes: int
    non_participatory_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.participatory_minutes + self.non_participatory_minutes

    @property
    def total_hours(self) -> Decimal:
        return hours(self.total_minutes)

    @property
    def participatory_hours(self) -> Decimal:
        return hours(self.participatory_minutes)

    @property
    def non_participatory_hours(self) -> Decimal:
        return hours(self.non_participatory_minutes)

    @property
    def total_met(self) -> bool:
        return self.total_minutes >= NMC_TOTAL_HOURS * 60

    @property
    def participatory_met(self) -> bool:
        return self.participatory_minutes >= NMC_PARTICIPATORY_HOURS * 60

    @property
    def total_percent(self) -> int:
        return min(100, int(100 * self.total_minutes // (NMC_TOTAL_HOURS * 60)))

    @property
    def participatory_percent(self) -> int:
        return min(100, int(100 * self.participatory_minutes // (NMC_PARTICIPATORY_HOURS * 60)))


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The three years up to today, which NMC revalidation looks back over."""
    try:
        start = today.replace(year=today.year - NMC_PERIOD_YEARS)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - NMC_PERIOD_YEARS, day=28)
    return start + datetime.timedelta(days=1), today


def cpd_record(user: User, start: datetime.date, end: datetime.date) -> CpdRecord:
    """Activities dated from `start` to `end` inclusive (Europe/London days)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    since = datetime.datetime.combine(start, datetime.time(), tzinfo=zone)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    activities: list[Activity] = []
    # What was completed is read from the record, as it stood when completed.
    for progress in ModuleProgress.objects.filter(
        user=user, completed_at__gte=since, completed_at__lt=until
    ):
        activities.append(
            Activity(
                date=progress.completed_at.astimezone(zone).date(),
                title=progress.module_title,
                type=MODULE,
                minutes=progress.minutes,
                participatory=False,
                detail=progress.track_title,
            )
        )
    for certificate in Certificate.objects.filter(
        user=user, kind=CertificateKind.TRACK, issued_at__gte=since, issued_at__lt=until
    ):
        activities.append(
            Activity(
                date=certificate.issued_at.astimezone(zone).date(),
                title=certificate.title,
                type=TRACK,
                minutes=0,
                participatory=False,
                detail=str(_("Track completed; its hours are counted by its modules.")),
            )
        )
    for record in events_queries.attendance_records(user, since=since, until=until):
        if record.kind not in PARTICIPATORY_KINDS:
            continue
        activities.append(
            Activity(
                date=record.start.astimezone(zone).date(),
                title=record.title,
                type=record.kind,
                minutes=record.minutes,
                participatory=True,
                detail=str(_("%(minutes)s minutes attended") % {"minutes": record.minutes}),
            )
        )
    activities.sort(key=lambda activity: (activity.date, activity.title))
    totals = []
    for type_code, label in TYPE_LABELS.items():
        of_type = [activity for activity in activities if activity.type == type_code]
        if of_type:
            totals.append(
                TypeTotal(
                    type=type_code,
                    label=str(label),
                    count=len(of_type),
                    minutes=sum(activity.minutes for activity in of_type),
                    participatory=of_type[0].participatory,
                )
            )
    return CpdRecord(
        start=start,
        end=end,
        activities=activities,
        totals=totals,
        participatory_minutes=sum(a.minutes for a in activities if a.participatory),
        non_participatory_minutes=sum(a.minutes for a in activities if not a.participatory),
    )
