"""The network's figures by Moore's levels, read from the records with aggregate queries.

Nothing here is stored: every figure is counted again from attendance,
registrations, survey answers, learning records and guideline adoption each
time it is asked for. Pages, CSV downloads and the impact report all call
these functions with the same `Filters`.

Survey figures over fewer than `MIN_RESPONDENTS` respondents are suppressed
(`Cell.suppressed`): templates and CSVs print "fewer than 5" in their place.
"""

from __future__ import annotations

import datetime
import functools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Occurrence

from core.queries import count_rows
from events import scheduling
from events.models import Attendance, EchoProgramme, EventKind
from members.models import (
    ApprovalStatus,
    NetworkRole,
    Organisation,
    OrganisationKind,
    Rurality,
    StaffGroup,
    User,
)

from .models import Answer, QuestionKind, Response, SurveyKind

MIN_RESPONDENTS = 5
PERIPHERY_MONTHS = 6
SUPPRESSED_TEXT = _("fewer than 5")


@dataclass(frozen=True)
class Filters:
    """What the figures are limited to. None means no limit."""

    start: datetime.date | None = None
    end: datetime.date | None = None  # inclusive
    programme: EchoProgramme | None = None
    event_kind: str | None = None
    organisation_kind: str | None = None
    network_role: str | None = None
    rurality: str | None = None
    staff_group: str | None = None
    organisation: Organisation | None = None
    occurrence_id: int | None = None

    def member_q(self, prefix: str = "") -> Q:
        q = Q()
        pairs = (
            ("organisation__kind", self.organisation_kind),
            ("organisation__network_role", self.network_role),
            ("organisation__rurality", self.rurality),
            ("staff_group", self.staff_group),
            ("organisation", self.organisation),
        )
        for path, value in pairs:
            if value is not None:
                q &= Q(**{prefix + path: value})
        return q

    def occurrence_q(self, prefix: str = "") -> Q:
        zone = scheduling.network_zone()
        q = Q(**{prefix + "cancelled": False})
        if self.start is not None:
            start = datetime.datetime.combine(self.start, datetime.time(), zone)
            q &= Q(**{prefix + "start__gte": start})
        if self.end is not None:
            end = datetime.datetime.combine(
                self.end + datetime.timedelta(days=1), datetime.time(), zone
            )
            q &= Q(**{prefix + "start__lt": end})
        if self.programme is not None:
            q &= Q(**{prefix + "event_id": self.programme.series_id})
        if self.event_kind is not None:
            q &= Q(**{prefix + "event__details__kind": self.event_kind})
        if self.occurrence_id is not None:
            q &= Q(**{prefix + "pk": self.occurrence_id})
        return q


@dataclass(frozen=True)
class Cell:
    """A count or mean over respondents; suppressed when there are fewer than five."""

    value: float | int | None
    respondents: int

    @property
    def suppressed(self) -> bool:
        return self.respondents < MIN_RESPONDENTS

    def __str__(self) -> str:
        if self.suppressed:
            return str(SUPPRESSED_TEXT)
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)

    def export(self) -> str | float | int:
        return str(self) if self.suppressed or self.value is None else self.value


def percent(count: int, total: int) -> int | None:
    return round(100 * count / total) if total else None


def members(filters: Filters) -> QuerySet[User]:
    return User.objects.filter(is_active=True, approval_status=ApprovalStatus.APPROVED).filter(
        filters.member_q()
    )


def attendances(filters: Filters, now: datetime.datetime | None = None) -> QuerySet[Attendance]:
    """Present records at held occurrences within the filters, by approved members."""
    now = now or timezone.now()
    return (
        Attendance.objects.present()
        .filter(filters.occurrence_q("occurrence__"))
        .filter(Q(occurrence__end__lte=now) | Q(occurrence__live_state__ended_at__lte=now))
        .filter(filters.member_q("member__"))
    )


def held_occurrences(filters: Filters, now: datetime.datetime | None = None):
    now = now or timezone.now()
    # Held: over by the clock, or ended early by the facilitator in the live room.
    return Occurrence.objects.filter(filters.occurrence_q()).filter(
        Q(end__lte=now) | Q(live_state__ended_at__lte=now)
    )


# --- Level 1: participation --------------------------------------------------------------------


@dataclass(frozen=True)
class Participation:
    sessions_held: int
    attendances: int
    unique_attendees: int
    members_in_network: int
    organisations_reached: int
    organisations_in_network: int

    @property
    def mean_per_session(self) -> float | None:
        return self.attendances / self.sessions_held if self.sessions_held else None

    @property
    def members_reached_percent(self) -> int | None:
        return percent(self.unique_attendees, self.members_in_network)

    @property
    def organisations_reached_percent(self) -> int | None:
        return percent(self.organisations_reached, self.organisations_in_network)


def _participation_counts(filters: Filters, now: datetime.datetime | None) -> dict[str, QuerySet]:
    """The querysets `participation` counts, for `count_rows` (alone or with others)."""
    records = attendances(filters, now).order_by()
    organisations = Organisation.objects.all()
    if filters.organisation_kind:
        organisations = organisations.filter(kind=filters.organisation_kind)
    if filters.network_role:
        organisations = organisations.filter(network_role=filters.network_role)
    if filters.rurality:
        organisations = organisations.filter(rurality=filters.rurality)
    if filters.organisation is not None:
        organisations = organisations.filter(pk=filters.organisation.pk)
    return {
        "held": held_occurrences(filters, now).values("pk"),
        "attendances": records.values("pk"),
        "people": records.values("member").distinct(),
        "organisations_reached": records.filter(member__organisation__isnull=False)
        .values("member__organisation")
        .distinct(),
        "members": members(filters).values("pk"),
        "organisations": organisations.values("pk"),
    }


def _participation_from(counts: dict[str, int]) -> Participation:
    return Participation(
        sessions_held=counts["held"],
        attendances=counts["attendances"],
        unique_attendees=counts["people"],
        members_in_network=counts["members"],
        organisations_reached=counts["organisations_reached"],
        organisations_in_network=counts["organisations"],
    )


def participation(filters: Filters, now: datetime.datetime | None = None) -> Participation:
    return _participation_from(count_rows(**_participation_counts(filters, now)))


@dataclass(frozen=True)
class ReachRow:
    label: str
    members: int
    members_reached: int
    organisations: int
    organisations_reached: int

    @property
    def members_percent(self) -> int | None:
        return percent(self.members_reached, self.members)

    @property
    def organisations_percent(self) -> int | None:
        return percent(self.organisations_reached, self.organisations)


REACH_DIMENSIONS = {
    "network_role": (_("Hub, spoke or associate"), "organisation__network_role", NetworkRole),
    "is_nhs": (_("NHS or non-NHS"), "organisation__is_nhs", None),
    "rurality": (_("Rural or urban"), "organisation__rurality", Rurality),
    "organisation_kind": (_("Kind of organisation"), "organisation__kind", OrganisationKind),
    "locality": (_("Locality"), "organisation__locality", None),
    "staff_group": (_("Staff group"), "staff_group", StaffGroup),
    "organisation": (_("Organisation"), "organisation__name", None),
}


def _dimension_label(dimension: str, value) -> str:
    choices = REACH_DIMENSIONS[dimension][2]
    if value is None or value == "":
        return str(_("No organisation")) if dimension != "staff_group" else str(_("Not given"))
    if dimension == "is_nhs":
        return str(_("NHS")) if value else str(_("Non-NHS"))
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def reach(filters: Filters, now: datetime.datetime | None = None) -> dict[str, list[ReachRow]]:
    """Members and organisations reached out of those in the network, split every way at once.

    One grouped query over members (with whether each attended within the
    filters); the splits are sums of its rows.
    """
    return _reach_from(_reach_rows(filters, now))


def _reach_rows(filters: Filters, now: datetime.datetime | None) -> list[dict]:
    """Members within the filters counted by organisation, whether they attended and every
    split of `REACH_DIMENSIONS` (staff group among them)."""
    attended = attendances(filters, now).filter(member=OuterRef("pk"))
    columns = [path for _label, path, _choices in REACH_DIMENSIONS.values()]
    return list(
        members(filters)
        .annotate(reached=Exists(attended))
        .values("organisation_id", "reached", *columns)
        .annotate(n=Count("pk"))
        .order_by()
    )


def _members_by_staff_group(reach_rows: list[dict]) -> dict[str, int]:
    """Members within the filters by staff group, added up from `_reach_rows`."""
    totals: dict[str, int] = defaultdict(int)
    for row in reach_rows:
        totals[row["staff_group"]] += row["n"]
    return dict(totals)


def _reach_from(rows: list[dict]) -> dict[str, list[ReachRow]]:
    tallies: dict[str, dict[str, list]] = {
        name: defaultdict(lambda: [0, 0, set(), set()]) for name in REACH_DIMENSIONS
    }
    labels: dict[tuple[str, object], str] = {}
    for row in rows:
        for name, (_label, path, _choices) in REACH_DIMENSIONS.items():
            key = (name, row[path])
            if key not in labels:
                labels[key] = _dimension_label(name, row[path])
            tally = tallies[name][labels[key]]
            tally[0] += row["n"]
            if row["organisation_id"] is not None:
                tally[2].add(row["organisation_id"])
            if row["reached"]:
                tally[1] += row["n"]
                if row["organisation_id"] is not None:
                    tally[3].add(row["organisation_id"])
    return {
        name: [
            ReachRow(label, total, reached, len(orgs), len(reached_orgs))
            for label, (total, reached, orgs, reached_orgs) in sorted(tallies[name].items())
        ]
        for name in REACH_DIMENSIONS
    }


@dataclass(frozen=True)
class PeripheryRow:
    organisation: Organisation
    members: int
    last_attended: datetime.datetime | None


def periphery(filters: Filters, now: datetime.datetime | None = None) -> list[PeripheryRow]:
    """Organisations none of whose members attended anything in the last six months."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=round(PERIPHERY_MONTHS * 30.44))
    present = Q(
        members__attendance__status="present",
        members__attendance__minutes__gt=0,
        members__attendance__occurrence__cancelled=False,
    )
    organisations = Organisation.objects.annotate(
        last_attended=Max("members__attendance__occurrence__start", filter=present),
        member_count=Count(
            "members",
            filter=Q(members__approval_status=ApprovalStatus.APPROVED, members__is_active=True),
            distinct=True,
        ),
    ).filter(Q(last_attended__isnull=True) | Q(last_attended__lt=since))
    for path, value in (
        ("kind", filters.organisation_kind),
        ("network_role", filters.network_role),
        ("rurality", filters.rurality),
    ):
        if value:
            organisations = organisations.filter(**{path: value})
    return [
        PeripheryRow(org, org.member_count, org.last_attended)
        for org in organisations.order_by("name")
    ]


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    attendances: int
    attendees: int


def _trend_rows(filters: Filters, now: datetime.datetime | None) -> QuerySet:
    """Attendances and attendees by London month, as `_attendance_rows` (part "month")."""
    return (
        attendances(filters, now)
        .annotate(month=TruncMonth("occurrence__start", tzinfo=scheduling.network_zone()))
        .values("month")
        .annotate(n=Count("pk"), people=Count("member", distinct=True))
        .annotate(
            part=Value("month"),
            series=Value(None, output_field=IntegerField()),
            attendee=Value(None, output_field=IntegerField()),
        )
        .values(*ATTENDANCE_COLUMNS)
        .order_by()
    )


def _trend_from(rows: Iterable[dict]) -> list[MonthRow]:
    result = []
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        result.append(MonthRow(month, row["n"], row["people"]))
    return sorted(result, key=lambda row: row.month)


def trend_by_month(filters: Filters, now: datetime.datetime | None = None) -> list[MonthRow]:
    return _trend_from(_trend_rows(filters, now))


@dataclass(frozen=True)
class CycleRow:
    programme: EchoProgramme
    sessions_held: int
    attendees: int
    mean_share: float | None  # mean share of the held sessions each attendee came to
    attended_most: int  # attendees at 80% or more of the sessions held


def _held_in_cycle(now: datetime.datetime) -> QuerySet[Occurrence]:
    """Occurrences of programmes' series held by `now` (over, not cancelled) that started
    within their programme's current cycle, by London dates."""
    return Occurrence.objects.annotate(
        day=TruncDate("start", tzinfo=scheduling.network_zone())
    ).filter(
        cancelled=False,
        end__lte=now,
        day__gte=F("event__echo_programme__cycle_start"),
        day__lte=F("event__echo_programme__cycle_end"),
    )


def programmes_with_sessions_held(now: datetime.datetime | None = None) -> list[EchoProgramme]:
    """Every programme by name, each annotated `sessions_held`: the sessions of its current
    cycle held by `now`. The dashboard's filters list them too."""
    now = now or timezone.now()
    held = (
        _held_in_cycle(now)
        .filter(event_id=OuterRef("series_id"))
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        EchoProgramme.objects.annotate(
            sessions_held=Coalesce(Subquery(held, output_field=IntegerField()), Value(0))
        ).order_by("name")
    )


def cycle_shares(
    filters: Filters,
    now: datetime.datetime | None = None,
    programmes: list[EchoProgramme] | None = None,
) -> list[CycleRow]:
    """For each programme's current cycle: how much of it its attendees came to.

    `programmes` are those of `programmes_with_sessions_held(now)` when the caller has them.
    """
    now = now or timezone.now()
    if programmes is None:
        programmes = programmes_with_sessions_held(now)
    return _cycles_from(filters, programmes, _cycle_rows(filters, now))


def _cycle_rows(filters: Filters, now: datetime.datetime) -> QuerySet:
    """Each attendee's sessions of each programme's current cycle, by the programme's series,
    as `_attendance_rows` (part "cycle")."""
    held = _held_in_cycle(now)
    if filters.programme is not None:
        held = held.filter(event_id=filters.programme.series_id)
    return (
        Attendance.objects.present()
        .filter(occurrence__in=held.values("pk"))
        .filter(filters.member_q("member__"))
        .annotate(series=F("occurrence__event_id"), attendee=F("member_id"))
        .values("series", "attendee")
        .annotate(n=Count("occurrence", distinct=True))
        .annotate(
            part=Value("cycle"),
            month=Value(None, output_field=DateTimeField()),
            people=Value(0, output_field=IntegerField()),
        )
        .values(*ATTENDANCE_COLUMNS)
        .order_by()
    )


def _cycles_from(
    filters: Filters, programmes: list[EchoProgramme], rows: Iterable[dict]
) -> list[CycleRow]:
    if filters.programme is not None:
        programmes = [p for p in programmes if p.pk == filters.programme.pk]
    counts: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        counts[row["series"]].append(row["n"])
    result = []
    for programme in programmes:
        total = programme.sessions_held
        attended = counts.get(programme.series_id, [])
        result.append(
            CycleRow(
                programme=programme,
                sessions_held=total,
                attendees=len(attended),
                mean_share=statistics.fmean(n / total for n in attended)
                if attended and total
                else None,
                attended_most=sum(1 for n in attended if total and n / total >= 0.8),
            )
        )
    return result


# The columns the month trend and the cycle shares are read in, so that both come in one
# UNION (`network_figures`); each part leaves the other's columns empty.
ATTENDANCE_COLUMNS = ("part", "month", "series", "attendee", "n", "people")


# --- Level 2: satisfaction ---------------------------------------------------------------------


def responses(filters: Filters, kinds: Iterable[str]) -> QuerySet[Response]:
    """Responses to surveys of `kinds` within the filters (by the subject's date)."""
    kinds = list(kinds)
    q = Q(survey__kind__in=kinds) & Q(member__in=members(filters))
    occurrence_kinds = [
        k for k in kinds if k in (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)
    ]
    cycle_kinds = [k for k in kinds if k not in occurrence_kinds]
    subject = Q()
    if occurrence_kinds:
        subject |= Q(survey__kind__in=occurrence_kinds) & filters.occurrence_q("occurrence__")
    if cycle_kinds:
        cycle = Q(survey__kind__in=cycle_kinds, programme__isnull=False)
        if filters.programme is not None:
            cycle &= Q(programme=filters.programme)
        if filters.event_kind not in (None, EventKind.ECHO_SESSION):
            cycle &= Q(pk__in=[])
        if filters.start is not None:
            cycle &= Q(programme__cycle_end__gte=filters.start)
        if filters.end is not None:
            cycle &= Q(programme__cycle_start__lte=filters.end)
        subject |= cycle
    return Response.objects.filter(q & subject)


@dataclass(frozen=True)
class SatisfactionSummary:
    responses: int
    attendances: int  # attendances that were asked for feedback

    @property
    def response_rate(self) -> int | None:
        return percent(self.responses, self.attendances)


def _satisfaction_counts(filters: Filters, now: datetime.datetime | None) -> dict[str, QuerySet]:
    """The querysets `satisfaction_summary` counts, for `count_rows` (alone or with others)."""
    kinds = (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)
    asked = attendances(filters, now).filter(
        occurrence__event__details__kind__in=[
            EventKind.ECHO_SESSION,
            EventKind.WEBINAR,
            EventKind.CONFERENCE,
            EventKind.STUDY_DAY,
        ]
    )
    return {"responses": responses(filters, kinds).values("pk"), "asked": asked.values("pk")}


def satisfaction_summary(
    filters: Filters, now: datetime.datetime | None = None
) -> SatisfactionSummary:
    counts = count_rows(**_satisfaction_counts(filters, now))
    return SatisfactionSummary(counts["responses"], counts["asked"])


@dataclass(frozen=True)
class Distribution:
    question_id: int
    question: str
    kind: str
    survey_kind: str
    moore_level: int | None
    respondents: int
    counts: tuple[tuple[str, int], ...]  # (option, count) in option order
    mean: float | None

    @property
    def suppressed(self) -> bool:
        return self.respondents < MIN_RESPONDENTS

    @property
    def mean_cell(self) -> Cell:
        return Cell(self.mean, self.respondents)

    @property
    def bars(self) -> tuple[tuple[str, int, int], ...]:
        """(option, count, percent of respondents) for the bar chart beside the table."""
        return tuple(
            (option, count, percent(count, self.respondents) or 0) for option, count in self.counts
        )


def distributions(filters: Filters, kinds: Iterable[str]) -> list[Distribution]:
    """Per question: how many gave each answer (numbers and choices; free text is not counted)."""
    return distribution_groups(filters, [tuple(kinds)])[0]


def distribution_groups(
    filters: Filters, groups: list[tuple[str, ...]]
) -> list[list[Distribution]]:
    """`distributions(filters, kinds)` for each group of survey kinds, in one query: the
    answers to responses of every kind, told apart by the kind of survey responded to."""
    group_of = {kind: position for position, kinds in enumerate(groups) for kind in kinds}
    rows = (
        Answer.objects.filter(response__in=responses(filters, list(group_of)), topic="")
        .exclude(question__kind=QuestionKind.FREE_TEXT)
        .values(
            "response__survey__kind",
            "question_id",
            "question__text",
            "question__kind",
            "question__moore_level",
            "question__survey__kind",
            "question__choices",
            "value",
            "choices",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_question: list[dict[int, dict]] = [{} for _group in groups]
    for row in rows:
        entry = by_question[group_of[row["response__survey__kind"]]].setdefault(
            row["question_id"],
            {
                "row": row,
                "counts": Counter(),
                "options": row["question__choices"],
                "respondents": 0,
            },
        )
        entry["respondents"] += row["n"]
        if row["value"] is not None:
            entry["counts"][row["value"]] += row["n"]
        for choice in row["choices"] or ():
            entry["counts"][choice] += row["n"]
    return [_distributions_from(entries) for entries in by_question]


def _distributions_from(by_question: dict[int, dict]) -> list[Distribution]:
    result = []
    for question_id, entry in by_question.items():
        row = entry["row"]
        kind = row["question__kind"]
        counts: Counter = entry["counts"]
        if kind in (QuestionKind.LIKERT_5, QuestionKind.LIKERT_7, QuestionKind.CONFIDENCE):
            low, high = {"likert5": (1, 5), "likert7": (1, 7), "confidence": (0, 10)}[kind]
            ordered = tuple((str(v), counts.get(v, 0)) for v in range(low, high + 1))
            respondents = entry["respondents"]
            mean = sum(v * n for v, n in counts.items()) / respondents if respondents else None
        else:
            options = entry.get("options") or sorted(counts)
            ordered = tuple((option, counts.get(option, 0)) for option in options)
            respondents = entry["respondents"]
            mean = None
        result.append(
            Distribution(
                question_id=question_id,
                question=row["question__text"],
                kind=kind,
                survey_kind=row["question__survey__kind"],
                moore_level=row["question__moore_level"],
                respondents=respondents,
                counts=ordered,
                mean=mean,
            )
        )
    result.sort(key=lambda d: (d.survey_kind, d.question_id))
    return result


@dataclass(frozen=True)
class SessionFeedbackRow:
    occurrence: Occurrence
    attendances: int
    responses: int

    @property
    def response_rate(self) -> int | None:
        return percent(self.responses, self.attendances)


def feedback_by_session(
    filters: Filters, now: datetime.datetime | None = None, limit: int = 50
) -> list[SessionFeedbackRow]:
    """Held sessions and study days, newest first, with attendance and feedback counts."""
    present = (
        Attendance.objects.present()
        .filter(occurrence=OuterRef("pk"))
        .filter(filters.member_q("member__"))
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")
    )
    answered = (
        Response.objects.filter(
            occurrence=OuterRef("pk"),
            survey__kind__in=[SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK],
        )
        .filter(filters.member_q("member__"))
        .values("occurrence")
        .annotate(n=Count("pk"))
        .values("n")
    )
    occurrences = (
        held_occurrences(filters, now)
        .filter(
            event__details__kind__in=[
                EventKind.ECHO_SESSION,
                EventKind.WEBINAR,
                EventKind.CONFERENCE,
                EventKind.STUDY_DAY,
            ]
        )
        .annotate(
            n_present=Coalesce(Subquery(present, output_field=IntegerField()), Value(0)),
            n_responses=Coalesce(Subquery(answered, output_field=IntegerField()), Value(0)),
        )
        .select_related("event")
        .order_by("-start")[:limit]
    )
    return [SessionFeedbackRow(o, o.n_present, o.n_responses) for o in occurrences]


def session_distributions(occurrence: Occurrence) -> list[Distribution]:
    return distributions(
        Filters(occurrence_id=occurrence.pk),
        (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK),
    )


# --- Level 3: learning -------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningRow:
    staff_group: str
    label: str
    members: int
    attempted_quiz: int
    passed_quiz: int
    completed_track: int
    completed_by_level: dict[str, int] = field(default_factory=dict)

    @property
    def pass_rate(self) -> int | None:
        return percent(self.passed_quiz, self.attempted_quiz)

    @property
    def completion_percent(self) -> int | None:
        return percent(self.completed_track, self.members)


def learning_by_staff_group(
    filters: Filters, members_by_staff_group: dict[str, int] | None = None
) -> list[LearningRow]:
    """Quiz pass rates and track completion by staff group, and completions by framework level.

    `members_by_staff_group` is `members(filters)` counted by staff group, when the caller
    has it (the dashboard adds it up from the reach figures).
    """
    from learning.models import Certificate, CertificateKind, QuizAttempt

    zone = scheduling.network_zone()
    people = members(filters)
    attempts = QuizAttempt.objects.filter(user__in=people)
    certificates = Certificate.objects.filter(user__in=people, kind=CertificateKind.TRACK)
    if filters.start is not None:
        since = datetime.datetime.combine(filters.start, datetime.time(), zone)
        attempts = attempts.filter(submitted_at__gte=since)
        certificates = certificates.filter(issued_at__gte=since)
    if filters.end is not None:
        until = datetime.datetime.combine(
            filters.end + datetime.timedelta(days=1), datetime.time(), zone
        )
        attempts = attempts.filter(submitted_at__lt=until)
        certificates = certificates.filter(issued_at__lt=until)
    if members_by_staff_group is None:
        members_by_staff_group = dict(
            people.values("staff_group").annotate(n=Count("pk")).values_list("staff_group", "n")
        )
    # Three grouped counts in one round trip, told apart by `part`; every branch has the
    # columns (staff group, framework level, first count, second count, part).
    level = Value("", output_field=CharField())
    tried = (
        attempts.values("user__staff_group")
        .annotate(
            level=level,
            first=Count("user", distinct=True),
            second=Count("user", distinct=True, filter=Q(passed=True)),
            part=Value(_TRIED),
        )
        .order_by()
    )
    by_level = (
        certificates.values("user__staff_group", "track__framework_level")
        .annotate(first=Count("user", distinct=True), second=Value(0), part=Value(_BY_LEVEL))
        .order_by()
    )
    completed_any = (
        certificates.values("user__staff_group")
        .annotate(
            level=level, first=Count("user", distinct=True), second=Value(0), part=Value(_COMPLETED)
        )
        .order_by()
    )
    attempted: dict[str, int] = {}
    passed: dict[str, int] = {}
    completed: dict[str, int] = {}
    levels: dict[str, dict[str, int]] = defaultdict(dict)
    # The rows take the first branch's names.
    for row in tried.union(by_level, completed_any, all=True):
        group = row["user__staff_group"]
        if row["part"] == _TRIED:
            attempted[group] = row["first"]
            passed[group] = row["second"]
        elif row["part"] == _BY_LEVEL:
            levels[group][row["level"] or ""] = row["first"]
        else:
            completed[group] = row["first"]
    return [
        LearningRow(
            staff_group=group.value,
            label=str(group.label),
            members=members_by_staff_group.get(group.value, 0),
            attempted_quiz=attempted.get(group.value, 0),
            passed_quiz=passed.get(group.value, 0),
            completed_track=completed.get(group.value, 0),
            completed_by_level=dict(levels.get(group.value, {})),
        )
        for group in StaffGroup
    ]


_TRIED, _BY_LEVEL, _COMPLETED = 0, 1, 2


# --- Level 4: competence -----------------------------------------------------------------------


@dataclass(frozen=True)
class ConfidenceRow:
    """Paired pre/post confidence in one topic (0–10), with a 95% interval of the change."""

    programme: str
    topic: str
    pairs: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None
    retrospective_pairs: int
    mean_retrospective_pre: float | None

    @property
    def suppressed(self) -> bool:
        return self.pairs < MIN_RESPONDENTS

    @property
    def retrospective_suppressed(self) -> bool:
        return self.retrospective_pairs < MIN_RESPONDENTS

    def cell(self, name: str) -> Cell:
        respondents = self.retrospective_pairs if "retrospective" in name else self.pairs
        return Cell(getattr(self, name), respondents)


@functools.lru_cache(maxsize=512)
def _t_quantiles(degrees_of_freedom: int) -> tuple[float, float]:
    """Student's t at 2.5% and 97.5% (scipy's `stats.t.interval(0.95, df)`), which depend only
    on the degrees of freedom: worked out once per process rather than per row."""
    from scipy import stats

    low, high = stats.t.interval(0.95, degrees_of_freedom)
    return float(low), float(high)


def _interval(changes: list[float]) -> tuple[float | None, float | None]:
    """95% confidence interval of the mean of `changes` (Student's t, from scipy).

    The same arithmetic as `stats.t.interval(0.95, n - 1, loc=mean, scale=stats.sem(changes))`,
    which scales the standard quantiles as `quantile * scale + loc`, without scipy's
    per-call argument checking.
    """
    if len(changes) < 2:
        return None, None
    import numpy

    mean = statistics.fmean(changes)
    sem = numpy.std(changes, ddof=1) / len(changes) ** 0.5  # scipy.stats.sem
    if sem == 0:
        return mean, mean
    low, high = _t_quantiles(len(changes) - 1)
    return float(low * sem + mean), float(high * sem + mean)


def confidence_change(filters: Filters) -> list[ConfidenceRow]:
    """Per programme and topic: pre and post confidence of the same members, paired."""
    answers = (
        Answer.objects.filter(
            response__in=responses(
                filters, (SurveyKind.PRE_CONFIDENCE, SurveyKind.POST_CONFIDENCE)
            ),
            question__kind=QuestionKind.CONFIDENCE,
            value__isnull=False,
        )
        .values_list(
            "response__member_id",
            "response__programme_id",
            "response__programme__name",
            "response__cycle_start",
            "response__survey__kind",
            "topic",
            "value",
            "before_value",
        )
        .order_by()
    )
    pre: dict[tuple, int] = {}
    post: dict[tuple, tuple[int, int | None]] = {}
    names: dict[int, str] = {}
    for member_id, programme_id, name, cycle_start, kind, topic, value, before in answers:
        key = (programme_id, cycle_start, topic, member_id)
        names[programme_id] = name
        if kind == SurveyKind.PRE_CONFIDENCE:
            pre[key] = value
        else:
            post[key] = (value, before)
    grouped: dict[tuple[int, str], dict[str, list]] = defaultdict(
        lambda: {"pre": [], "post": [], "retro": [], "retro_post": []}
    )
    for key, (after, before) in post.items():
        group = grouped[(key[0], key[2])]
        if key in pre:
            group["pre"].append(pre[key])
            group["post"].append(after)
        if before is not None:
            group["retro"].append(before)
            group["retro_post"].append(after)
    rows = []
    for (programme_id, topic), group in sorted(
        grouped.items(), key=lambda item: (names[item[0][0]], item[0][1])
    ):
        changes = [b - a for a, b in zip(group["pre"], group["post"], strict=True)]
        low, high = _interval(changes)
        rows.append(
            ConfidenceRow(
                programme=names[programme_id],
                topic=topic or str(_("Overall")),
                pairs=len(changes),
                mean_pre=statistics.fmean(group["pre"]) if group["pre"] else None,
                mean_post=statistics.fmean(group["post"]) if group["post"] else None,
                mean_change=statistics.fmean(changes) if changes else None,
                ci_low=low,
                ci_high=high,
                retrospective_pairs=len(group["retro"]),
                mean_retrospective_pre=statistics.fmean(group["retro"]) if group["retro"] else None,
            )
        )
    return rows


# --- Level 5: performance ----------------------------------------------------------------------


@dataclass(frozen=True)
class AdoptionRow:
    title: str
    version: int | None
    adopted: int
    organisations: int
    overdue: bool
    history: tuple[int, ...] = ()  # organisations adopted at the end of each ADOPTION_MONTHS

    @property
    def adopted_percent(self) -> int | None:
        return percent(self.adopted, self.organisations)


ADOPTION_MONTHS = 6


def adoption_month_ends(today: datetime.date | None = None) -> list[datetime.date]:
    """The last day of each of the previous months and today: the columns of adoption history."""
    today = today or timezone.localdate()
    ends = [today]
    first = today.replace(day=1)
    for _month in range(ADOPTION_MONTHS - 1):
        end = first - datetime.timedelta(days=1)
        ends.append(end)
        first = end.replace(day=1)
    return ends[::-1]


def guideline_adoption(today: datetime.date | None = None) -> list[AdoptionRow]:
    """Each live guideline: organisations that have adopted it now and at each month's end,
    from `guidelines.uptake` without its readership, in one query."""
    from guidelines import uptake

    return [
        AdoptionRow(
            title=row.guideline.title,
            version=row.version,
            adopted=row.adopted.count,
            organisations=row.adopted.total,
            overdue=row.overdue,
            history=row.history,
        )
        for row in uptake.overview(history_days=adoption_month_ends(today), readership=False)
    ]


def practice_change(filters: Filters) -> list[Distribution]:
    """Self-reported practice change: the follow-up survey's answers."""
    return distributions(filters, (SurveyKind.FOLLOW_UP,))


# --- Everything at once --------------------------------------------------------------------------


FEEDBACK_KINDS = (SurveyKind.SESSION_FEEDBACK, SurveyKind.STUDY_DAY_FEEDBACK)


class NetworkFigures:
    """The figures of the evaluation dashboard and the impact report, the same as each
    function above gives. Each is read the first time it is asked for, so a page reads only
    what it shows; what figures share is read once: participation's and satisfaction's
    counts in one query, both sets of answer distributions in another, the month trend and
    the cycle shares in a third, the members by staff group from the reach figures."""

    def __init__(
        self,
        filters: Filters,
        now: datetime.datetime | None = None,
        today: datetime.date | None = None,
        sessions_limit: int = 12,
    ) -> None:
        self.filters = filters
        self.now = now or timezone.now()
        self.adoption_months = adoption_month_ends(today)
        self.sessions_limit = sessions_limit

    @functools.cached_property
    def _counts(self) -> dict[str, int]:
        return count_rows(
            **_participation_counts(self.filters, self.now),
            **{
                f"satisfaction_{name}": queryset
                for name, queryset in _satisfaction_counts(self.filters, self.now).items()
            },
        )

    @functools.cached_property
    def participation(self) -> Participation:
        return _participation_from(self._counts)

    @functools.cached_property
    def satisfaction(self) -> SatisfactionSummary:
        return SatisfactionSummary(
            self._counts["satisfaction_responses"], self._counts["satisfaction_asked"]
        )

    @functools.cached_property
    def _reach_rows(self) -> list[dict]:
        return _reach_rows(self.filters, self.now)

    @functools.cached_property
    def reach(self) -> dict[str, list[ReachRow]]:
        return _reach_from(self._reach_rows)

    @functools.cached_property
    def periphery(self) -> list[PeripheryRow]:
        return periphery(self.filters, self.now)

    @functools.cached_property
    def programmes(self) -> list[EchoProgramme]:
        """Every programme, as `programmes_with_sessions_held`."""
        return programmes_with_sessions_held(self.now)

    @functools.cached_property
    def _attendance_rows(self) -> dict[str, list[dict]]:
        rows: dict[str, list[dict]] = {"month": [], "cycle": []}
        trend, cycles = _trend_rows(self.filters, self.now), _cycle_rows(self.filters, self.now)
        for row in trend.union(cycles, all=True):
            rows[row["part"]].append(row)
        return rows

    @functools.cached_property
    def trend(self) -> list[MonthRow]:
        return _trend_from(self._attendance_rows["month"])

    @functools.cached_property
    def cycles(self) -> list[CycleRow]:
        return _cycles_from(self.filters, self.programmes, self._attendance_rows["cycle"])

    @functools.cached_property
    def _distribution_groups(self) -> list[list[Distribution]]:
        return distribution_groups(self.filters, [FEEDBACK_KINDS, (SurveyKind.FOLLOW_UP,)])

    @functools.cached_property
    def distributions(self) -> list[Distribution]:
        """Feedback on sessions and study days."""
        return self._distribution_groups[0]

    @functools.cached_property
    def practice(self) -> list[Distribution]:
        return self._distribution_groups[1]

    @functools.cached_property
    def sessions(self) -> list[SessionFeedbackRow]:
        return feedback_by_session(self.filters, self.now, limit=self.sessions_limit)

    @functools.cached_property
    def learning(self) -> list[LearningRow]:
        return learning_by_staff_group(self.filters, _members_by_staff_group(self._reach_rows))

    @functools.cached_property
    def confidence(self) -> list[ConfidenceRow]:
        return confidence_change(self.filters)

    @functools.cached_property
    def adoption(self) -> list[AdoptionRow]:
        return guideline_adoption(self.adoption_months[-1])


def network_figures(
    filters: Filters,
    now: datetime.datetime | None = None,
    today: datetime.date | None = None,
    sessions_limit: int = 12,
) -> NetworkFigures:
    """Every figure of the dashboard and the report, each read when first asked for."""
    return NetworkFigures(filters, now, today, sessions_limit)


def chosen_quotes(filters: Filters) -> list[Answer]:
    """Free-text answers a coordinator chose for the report, within the filters."""
    kinds = SurveyKind.values
    return list(
        Answer.objects.filter(response__in=responses(filters, kinds), chosen_quote__isnull=False)
        .select_related("question__survey", "response__member__organisation")
        .order_by("-chosen_quote__chosen_at")
    )
