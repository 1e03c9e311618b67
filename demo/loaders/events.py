"""Demo events for `load_demo_network`: the calendar, two ECHO programmes and their history.

What the calendar holds is in `demo/content/events/` (events, programmes and their
session topics, cases, how many register and how the register is marked); this module
makes it through `events.services`. The command runs `DEMO_STEPS` after the network's
steps, in the same transaction and with e-mails suppressed, so the demo members exist
already. Each step returns a one-line summary.

Idempotent: everything is found by its natural key, created through the services when
missing, and otherwise left alone (events and programmes are brought back to the values in
the files):

- an event by its title on the network calendar; a programme by its slug;
- a registration or an attendance record by (occurrence, member);
- a case by (series, presenter, title): a case is looked up in the whole series rather
  than on one occurrence, so that a case made for "the next session" stays where it is
  once that session has passed.

The series run on fixed dates, so which sessions are past is decided from
`timezone.now()` at each run: past sessions get registrations, attendance and presented
cases; upcoming ones get registrations and cases waiting for review. Only ever demo
accounts (`@demo.example`) take part.

`demo.loaders.evaluation` makes its ended programme with the public helpers here
(`event_data`, `programme`, `load_event`, `load_programme`, `demo_sessions`, ...).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from schedule.models import Event, Occurrence

from demo import content
from demo.content import ContentError
from events import scheduling, services
from events.models import (
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Case,
    CaseStatus,
    EchoProgramme,
    EventKind,
    Recommendation,
    Registration,
    RegistrationStatus,
    SessionPlan,
)
from events.services import CaseData, EventData, ReviewDecision
from members import roles
from members.models import ApprovalStatus, StaffGroup, User

Step = Callable[[], str]

DEMO_DOMAIN = "@demo.example"
# Who runs the calendar and who facilitates the ECHO sessions (and reviews their cases).
COORDINATOR_EMAIL = "coordinator@demo.example"
FACILITATOR_EMAIL = "facilitator@demo.example"


# --- The content -------------------------------------------------------------------------------


def _at(day: datetime.date, clock: str) -> datetime.datetime:
    """A wall-clock time ("12:30") on `day` in the network's zone (Europe/London)."""
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=scheduling.network_zone()
    )


def event_data(spec: Mapping[str, Any]) -> EventData:
    """An event from its mapping in the files (see demo/content/events/events.yaml)."""
    fields = dict(spec)
    day = fields.pop("day")
    if not isinstance(day, datetime.date):
        raise ContentError(f"{fields['title']!r}: day is a date (2026-09-08), not {day!r}.")
    starts, ends = fields.pop("time").split("-")
    fields["audience"] = tuple(fields.get("audience", ()))
    fields["description"] = "".join(fields.get("description", ()))
    if "cpd_hours" in fields:
        fields["cpd_hours"] = Decimal(str(fields["cpd_hours"]))
    return EventData(start=_at(day, starts), end=_at(day, ends), **fields)


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    series: EventData
    description: str
    hub_team: tuple[str, ...]  # e-mails of facilitators
    target_staff_groups: tuple[str, ...]
    # The teaching topic and its presenter by the (year, month) of the session.
    topics: Mapping[tuple[int, int], tuple[str, str]]
    # Sessions the coordinator has cancelled: local date and the reason given.
    cancelled: tuple[tuple[datetime.date, str], ...] = ()
    # Who comes to (nearly) every session, besides the hub team.
    regulars: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.series.title

    @property
    def cycle_start(self) -> datetime.date:
        return scheduling.local(self.series.start).date()

    @property
    def cycle_end(self) -> datetime.date:
        assert self.series.repeat_until is not None
        return self.series.repeat_until


def _month(value: str) -> tuple[int, int]:
    year, month = value.split("-")
    return int(year), int(month)


def programme(spec: Mapping[str, Any], series: EventData) -> DemoProgramme:
    """A programme from its mapping in the files (see demo/content/events/programmes.yaml)."""
    if spec["series"] != series.title:
        raise ContentError(f"{spec['slug']!r} is on {spec['series']!r}, not {series.title!r}.")
    return DemoProgramme(
        slug=spec["slug"],
        series=series,
        description=spec["description"],
        hub_team=tuple(spec["hub_team"]),
        target_staff_groups=tuple(spec["target_staff_groups"]),
        topics={
            _month(topic["month"]): (topic["topic"], topic["presenter"]) for topic in spec["topics"]
        },
        cancelled=tuple((item["day"], item["reason"]) for item in spec.get("cancelled", ())),
        regulars=tuple(spec.get("regulars", ())),
    )


EVENTS: tuple[EventData, ...] = tuple(event_data(spec) for spec in content.load("events/events"))


def _event(*, title: str | None = None, kind: str | None = None) -> EventData:
    """The one event with this title, or the one of this kind."""
    found = [e for e in EVENTS if e.title == title or (title is None and e.kind == kind)]
    if len(found) != 1:
        raise ContentError(f"events.yaml needs exactly one event {title or kind!r}.")
    return found[0]


STUDY_DAY = _event(kind=EventKind.STUDY_DAY)
CONFERENCE = _event(kind=EventKind.CONFERENCE)
GOVERNANCE = _event(kind=EventKind.GOVERNANCE)
WEBINAR = _event(kind=EventKind.WEBINAR)

PROGRAMMES: tuple[DemoProgramme, ...] = tuple(
    programme(spec, _event(title=spec["series"])) for spec in content.load("events/programmes")
)

PAST, UPCOMING = "past", "upcoming"


@dataclass(frozen=True)
class DemoCase:
    programme: DemoProgramme
    presenter: str  # e-mail
    session: str  # PAST: the latest session held; UPCOMING: the next one CASE_NOTICE away
    outcome: str  # the CaseStatus it is brought to
    data: CaseData
    review_note: str = ""
    recommendations: tuple[str, ...] = ()


def _case(spec: Mapping[str, Any]) -> DemoCase:
    if spec["session"] not in (PAST, UPCOMING) or spec["outcome"] not in CaseStatus.values:
        raise ContentError(f"{spec['title']!r}: session {spec['session']!r}, {spec['outcome']!r}")
    return DemoCase(
        programme=next(p for p in PROGRAMMES if p.slug == spec["programme"]),
        presenter=spec["presenter"],
        session=spec["session"],
        outcome=spec["outcome"],
        data=CaseData(
            title=spec["title"],
            age_band=spec["age_band"],
            condition_group=spec["condition_group"],
            summary="\n\n".join(spec["summary"]),
            question=spec["question"],
        ),
        review_note=spec.get("review_note", ""),
        recommendations=tuple(spec.get("recommendations", ())),
    )


_CASES = content.load("events/cases")
CASES: tuple[DemoCase, ...] = tuple(_case(spec) for spec in _CASES["cases"])
# Cases are submitted for a session at least this long before it starts.
CASE_NOTICE = datetime.timedelta(**_CASES["notice"])
# When a case presented at a past session went through each step, from that session.
HISTORY = {step: datetime.timedelta(**offset) for step, offset in _CASES["history"].items()}

REGISTRATIONS = content.load("events/registrations")
ATTENDANCE = content.load("events/attendance")
ECHO_MINUTES: tuple[int, ...] = tuple(ATTENDANCE["echo_minutes"])


# --- Helpers -----------------------------------------------------------------------------------


def _update(obj: Any, values: dict[str, Any]) -> bool:
    """Set the fields that differ from `values` and save only those; True if any changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
    return bool(changed)


def user(email: str) -> User:
    return User.objects.get(email__iexact=email)


def demo_members() -> Any:
    """Approved, active demo accounts (never anyone else who happens to be in the database)."""
    return User.objects.filter(
        approval_status=ApprovalStatus.APPROVED,
        is_active=True,
        email__iendswith=DEMO_DOMAIN,
    ).order_by("email")


def find_series(data: EventData) -> Event | None:
    """The network calendar's series with the event's title, if it has been made."""
    return (
        Event.objects.filter(calendar=scheduling.network_calendar(), title=data.title)
        .order_by("pk")
        .first()
    )


def demo_series() -> list[Event]:
    """The series of this module's events (not the evaluation demo's ended programme)."""
    return [event for data in EVENTS if (event := find_series(data)) is not None]


def demo_sessions(spec: DemoProgramme) -> list[Occurrence]:
    """The programme's sessions that take place (not cancelled), in order."""
    series = find_series(spec.series)
    if series is None:
        return []
    return list(
        Occurrence.objects.filter(event=series, cancelled=False)
        .select_related("event__details")
        .order_by("start")
    )


def _local_month(occurrence: Occurrence) -> tuple[int, int]:
    start = scheduling.local(occurrence.original_start or occurrence.start)
    return start.year, start.month


def _current_event_data(event: Event) -> EventData | None:
    details = getattr(event, "details", None)
    if details is None:
        return None
    until = None
    if event.end_recurring_period is not None:
        last_day = scheduling.local(event.end_recurring_period) - datetime.timedelta(days=1)
        until = last_day.date()
    return EventData(
        title=event.title,
        kind=details.kind,
        start=event.start,
        end=event.end,
        recurrence=scheduling.recurrence_of(event),
        repeat_until=until,
        audience=tuple(details.audience),
        attendance_mode=details.attendance_mode,
        venue=details.venue,
        video_link=details.video_link,
        capacity=details.capacity,
        waiting_list=details.waiting_list,
        cpd_hours=details.cpd_hours,
        description=details.description,
    )


# --- Events and programmes ---------------------------------------------------------------------


def load_event(data: EventData, coordinator: User) -> Event:
    """The event's series, made or brought back to `data`."""
    event = find_series(data)
    if event is None:
        return services.create_event(data, by=None)
    if _current_event_data(event) != data:
        return services.update_event(event, data, by=coordinator)
    # A series loaded earlier has every occurrence up to its end already; this adds
    # any that a shorter horizon left out.
    scheduling.materialise(event)
    return event


def load_programme(
    spec: DemoProgramme, series: Event, coordinator: User
) -> tuple[EchoProgramme, int]:
    """The programme on its series, its cancelled sessions and its session plans.

    Returns the programme and how many of its sessions have a plan from `spec`."""
    hub_team = [user(email) for email in spec.hub_team]
    programme = EchoProgramme.objects.filter(slug=spec.slug).first()
    if programme is None:
        programme = services.create_programme(
            name=spec.name,
            slug=spec.slug,
            description=spec.description,
            series=series,
            cycle_start=spec.cycle_start,
            cycle_end=spec.cycle_end,
            target_staff_groups=spec.target_staff_groups,
            hub_team=hub_team,
        )
    else:
        # There is no service for editing a programme; these are plain fields.
        _update(
            programme,
            {
                "name": spec.name,
                "description": spec.description,
                "series": series,
                "cycle_start": spec.cycle_start,
                "cycle_end": spec.cycle_end,
                "target_staff_groups": list(spec.target_staff_groups),
            },
        )
        if set(programme.hub_team.values_list("pk", flat=True)) != {u.pk for u in hub_team}:
            programme.hub_team.set(hub_team)
    for day, reason in spec.cancelled:
        for occurrence in Occurrence.objects.filter(event=series, cancelled=False):
            if scheduling.local(occurrence.original_start).date() == day:
                services.cancel_occurrence(occurrence, by=coordinator, reason=reason)
    plans = 0
    for occurrence in demo_sessions(spec):
        planned = spec.topics.get(_local_month(occurrence))
        if planned is None:
            continue
        topic, presenter = planned
        current = SessionPlan.objects.filter(occurrence=occurrence).first()
        if current is None or (current.didactic_topic, current.didactic_presenter) != planned:
            services.plan_session(occurrence, didactic_topic=topic, didactic_presenter=presenter)
        plans += 1
    return programme, plans


def load_events() -> str:
    """The network calendar's events, the two ECHO programmes and their session plans."""
    coordinator = user(COORDINATOR_EMAIL)
    series = {data.title: load_event(data, coordinator) for data in EVENTS}
    plans = 0
    for spec in PROGRAMMES:
        plans += load_programme(spec, series[spec.name], coordinator)[1]
    occurrences = Occurrence.objects.filter(event__in=series.values())
    cancelled = occurrences.filter(cancelled=True).count()
    return (
        f"{len(series)} events, {occurrences.count()} occurrences ({cancelled} cancelled), "
        f"{len(PROGRAMMES)} ECHO programmes, {plans} session plans"
    )


# --- Registrations -----------------------------------------------------------------------------


def _case_occurrence(spec: DemoCase, now: datetime.datetime) -> Occurrence | None:
    """Where the case is: where it was put on an earlier run, else the session it is for."""
    series = find_series(spec.programme.series)
    if series is None:
        return None
    existing = _find_case(spec, series)
    if existing is not None:
        return existing.occurrence
    sessions = demo_sessions(spec.programme)
    if spec.session == PAST:
        held = [s for s in sessions if s.end <= now]
        return held[-1] if held else None
    ahead = [s for s in sessions if s.start >= now + CASE_NOTICE]
    return ahead[0] if ahead else None


def _find_case(spec: DemoCase, series: Event) -> Case | None:
    return (
        Case.objects.filter(
            occurrence__event=series,
            presenter__email__iexact=spec.presenter,
            title=spec.data.title,
        )
        .select_related("occurrence__event__details")
        .order_by("pk")
        .first()
    )


def _presenters_by_occurrence(now: datetime.datetime) -> dict[int, list[User]]:
    presenters: dict[int, list[User]] = {}
    for spec in CASES:
        occurrence = _case_occurrence(spec, now)
        if occurrence is not None:
            presenters.setdefault(occurrence.pk, []).append(user(spec.presenter))
    return presenters


def _ensure_registration(
    member: User, occurrence: Occurrence, now: datetime.datetime
) -> Registration | None:
    """The member's registration for the occurrence, made if missing; None if there can't be."""
    registration = Registration.objects.filter(occurrence=occurrence, member=member).first()
    if registration is not None or occurrence.cancelled:
        return registration
    if occurrence.start > now:
        return services.register_for_occurrence(member, occurrence)
    # History cannot be made through services that guard the present:
    # register_for_occurrence refuses occurrences that have started, so the rows for
    # past occurrences are written as they would have stood when the event took place.
    details = occurrence.event.details
    taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
    full = details.capacity is not None and taken >= details.capacity
    if full and not details.waiting_list:
        return None
    registered_at = occurrence.start - datetime.timedelta(days=6 + (taken % 15), hours=taken % 7)
    return Registration.objects.create(
        occurrence=occurrence,
        member=member,
        status=RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED,
        registered_at=registered_at,
        queued_at=registered_at if full else None,
        reminder_sent_for=None if full else occurrence.start,
    )


def _unique(members: Iterable[User]) -> list[User]:
    seen: set[int] = set()
    result = []
    for member in members:
        if member.pk not in seen:
            seen.add(member.pk)
            result.append(member)
    return result


def _participants(spec: DemoProgramme) -> list[User]:
    """Members a programme is for, besides its hub team and regulars, by e-mail."""
    excluded = {*spec.hub_team, *spec.regulars, COORDINATOR_EMAIL}
    return [
        member
        for member in demo_members().filter(staff_group__in=spec.target_staff_groups)
        if member.email.lower() not in excluded
    ]


def _echo_registrants(spec: DemoProgramme, index: int, upcoming_rank: int | None) -> list[User]:
    """Who registers for the programme's `index`-th session: regulars, then a rotating share.

    `upcoming_rank` is None for a session that has started, else 0 for the next session,
    1 for the one after, ...; only the next few sessions have registrations yet.
    """
    pool = _participants(spec)
    upcoming_sizes = REGISTRATIONS["echo_upcoming_sessions"]
    if upcoming_rank is None:
        size = REGISTRATIONS["echo_past_session"]
    elif upcoming_rank < len(upcoming_sizes):
        size = upcoming_sizes[upcoming_rank]
    else:
        return []
    size = min(size, len(pool))
    offset = index * 5
    rotating = [pool[(offset + j) % len(pool)] for j in range(size)] if pool else []
    return _unique([*(user(email) for email in spec.regulars), *rotating])


def load_registrations() -> str:
    """Members registered for past and upcoming ECHO sessions and the other events."""
    now = timezone.now()
    presenters = _presenters_by_occurrence(now)
    for spec in PROGRAMMES:
        upcoming_rank = 0
        for index, occurrence in enumerate(demo_sessions(spec)):
            if occurrence.start > now:
                registrants = _echo_registrants(spec, index, upcoming_rank)
                upcoming_rank += 1
            else:
                registrants = _echo_registrants(spec, index, None)
            for member in _unique([*presenters.get(occurrence.pk, []), *registrants]):
                _ensure_registration(member, occurrence, now)

    approved = demo_members().exclude(email__iexact=COORDINATOR_EMAIL)
    key_accounts = [user(email) for email in REGISTRATIONS["key_accounts"]]
    everyone = list(approved)
    school_and_support = list(
        approved.filter(staff_group__in=[StaffGroup.UNIVERSAL_SERVICE, StaffGroup.NON_CLINICAL])
    )
    webinar_places = WEBINAR.capacity or 0
    attendees: dict[str, list[User]] = {
        # Mostly school, social care and family support staff, with some nurses.
        STUDY_DAY.title: _unique([*key_accounts, *school_and_support])[
            : REGISTRATIONS["study_day"]
        ],
        # Every place taken, and some on the waiting list.
        WEBINAR.title: _unique([*key_accounts[:2], *everyone[::2], *everyone[1::2]])[
            : webinar_places + REGISTRATIONS["webinar_waiting"]
        ],
        GOVERNANCE.title: [
            *approved.filter(groups__name=roles.EXECUTIVE_COMMITTEE),
            user(COORDINATOR_EMAIL),
        ],
        CONFERENCE.title: _unique([*key_accounts, *everyone[1::4]])[: REGISTRATIONS["conference"]],
    }
    for title, members in attendees.items():
        event = find_series(_event(title=title))
        if event is None:
            continue
        for occurrence in Occurrence.objects.filter(event=event).select_related("event__details"):
            for member in _unique(members):
                _ensure_registration(member, occurrence, now)

    registrations = Registration.objects.filter(occurrence__event__in=demo_series()).active()
    counts = registrations.aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(status=RegistrationStatus.WAITING)),
        occurrences=Count("occurrence", distinct=True),
    )
    return (
        f"{counts['total']} registrations ({counts['waiting']} waiting) "
        f"for {counts['occurrences']} occurrences"
    )


# --- Attendance --------------------------------------------------------------------------------


def _planned_attendance(
    occurrence: Occurrence, index: int, position: int, member: User, presenters: list[User]
) -> tuple[str, int | None]:
    """(status, minutes) for the `position`-th registrant of the `index`-th occurrence.

    Minutes None means the whole occurrence.
    """
    if member in presenters:
        return AttendanceStatus.PRESENT, None
    programme = next((p for p in PROGRAMMES if p.name == occurrence.event.title), None)
    if programme is not None and member.email.lower() in programme.regulars:
        # A regular misses one session in three, with apologies.
        if index % 3 == 1:
            return AttendanceStatus.EXCUSED, None
        return AttendanceStatus.PRESENT, ECHO_MINUTES[index % len(ECHO_MINUTES)]
    slot = (3 * index + position) % 10
    if slot == ATTENDANCE["absent_slot"]:
        return AttendanceStatus.ABSENT, None
    if slot == ATTENDANCE["excused_slot"]:
        return AttendanceStatus.EXCUSED, None
    if programme is None:
        return AttendanceStatus.PRESENT, None
    return AttendanceStatus.PRESENT, ECHO_MINUTES[(index + position) % len(ECHO_MINUTES)]


def load_attendance() -> str:
    """Attendance at everything that has ended, recorded by the facilitator or coordinator."""
    now = timezone.now()
    coordinator = user(COORDINATOR_EMAIL)
    facilitator = user(FACILITATOR_EMAIL)
    correction = ATTENDANCE["correction"]
    presenters = _presenters_by_occurrence(now)
    corrected = False
    for event in demo_series():
        is_echo = event.details.kind == EventKind.ECHO_SESSION
        hub_team = list(event.echo_programme.hub_team.order_by("email")) if is_echo else []
        by = facilitator if is_echo else coordinator
        held = (
            Occurrence.objects.filter(event=event, cancelled=False, end__lte=now)
            .select_related("event__details")
            .order_by("start")
        )
        index_of = {
            pk: i
            for i, pk in enumerate(
                Occurrence.objects.filter(event=event, cancelled=False)
                .order_by("start")
                .values_list("pk", flat=True)
            )
        }
        for occurrence in held:
            index = index_of[occurrence.pk]
            # A record made earlier is left as it is: someone may have corrected it since,
            # and record_attendance only changes a record with a reason.
            marked = set(
                Attendance.objects.filter(occurrence=occurrence).values_list("member", flat=True)
            )
            for member in hub_team:
                if member.pk not in marked:
                    services.record_attendance(
                        occurrence, member, status=AttendanceStatus.PRESENT, by=by
                    )
            registrants = [
                registration.member
                for registration in Registration.objects.filter(
                    occurrence=occurrence, status=RegistrationStatus.REGISTERED
                )
                .select_related("member")
                .order_by("member__email")
            ]
            for position, member in enumerate(registrants):
                if member in hub_team:
                    continue
                status, minutes = _planned_attendance(
                    occurrence, index, position, member, presenters.get(occurrence.pk, [])
                )
                correct = is_echo and not corrected and status == AttendanceStatus.ABSENT
                # The demo's one corrected record (the first absence at an ECHO session):
                # marked absent on the day, then put right by the facilitator with a reason.
                corrected = corrected or correct
                if member.pk in marked:
                    continue
                services.record_attendance(
                    occurrence, member, status=status, minutes=minutes, by=by
                )
                if correct:
                    services.record_attendance(
                        occurrence,
                        member,
                        status=AttendanceStatus.PRESENT,
                        minutes=correction["minutes"],
                        by=by,
                        reason=correction["reason"],
                    )

    records = Attendance.objects.filter(occurrence__event__in=demo_series())
    present = records.present().count()
    changes = AttendanceChange.objects.filter(attendance__in=records).exclude(old_status="")
    return (
        f"{records.count()} attendance records ({present} present, "
        f"{records.count() - present} absent or excused; {changes.count()} corrected)"
    )


# --- Cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Moments:
    """When each step of a case happens; None is the present."""

    submitted: datetime.datetime | None = None
    reviewed: datetime.datetime | None = None
    sent: datetime.datetime | None = None
    recommendations: Mapping[str, datetime.datetime] = field(default_factory=dict)


def _moments(spec: DemoCase, occurrence: Occurrence) -> _Moments:
    """For a past session, each step as it would have happened (`history` in cases.yaml,
    from the session's start and end); for an upcoming one, the present."""
    if spec.session != PAST:
        return _Moments()
    first = occurrence.end - HISTORY["first_recommendation_before_end"]
    return _Moments(
        submitted=occurrence.start - HISTORY["submitted_before_start"],
        reviewed=occurrence.start - HISTORY["reviewed_before_start"],
        sent=occurrence.end + HISTORY["sent_after_end"],
        recommendations={
            body: first + number * HISTORY["between_recommendations"]
            for number, body in enumerate(spec.recommendations)
        },
    )


def _load_case(spec: DemoCase, reviewer: User, now: datetime.datetime) -> Case | None:
    occurrence = _case_occurrence(spec, now)
    if occurrence is None:
        return None  # no session held yet, or none left this cycle
    case = _find_case(spec, occurrence.event)
    # A case for a session that has passed goes through the same services, each step
    # dated when it would have happened: submitted a fortnight before, and so on.
    when = _moments(spec, occurrence)
    if case is None:
        case = services.submit_case(user(spec.presenter), occurrence, spec.data, now=when.submitted)
    if case.status == CaseStatus.SUBMITTED and spec.outcome != CaseStatus.SUBMITTED:
        decision = (
            ReviewDecision.REQUEST_CHANGES
            if spec.outcome == CaseStatus.CHANGES_REQUESTED
            else ReviewDecision.ACCEPT
        )
        case = services.review_case(
            case, by=reviewer, decision=decision, note=spec.review_note, now=when.reviewed
        )
    if case.status == CaseStatus.ACCEPTED and spec.outcome == CaseStatus.PRESENTED:
        written = set(case.recommendations.values_list("body", flat=True))
        for body in spec.recommendations:
            if body not in written:
                services.add_recommendation(
                    case, by=reviewer, body=body, now=when.recommendations.get(body)
                )
        case = services.send_recommendations(case, by=reviewer, now=when.sent)
    return case


def load_cases() -> str:
    """Cases presented at past sessions with their recommendations, and cases under review."""
    now = timezone.now()
    reviewer = user(FACILITATOR_EMAIL)
    for spec in CASES:
        _load_case(spec, reviewer, now)
    cases = Case.objects.filter(occurrence__event__in=demo_series())
    by_status = dict(
        cases.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    statuses = ", ".join(
        f"{by_status[status]} {status.replace('_', ' ')}"
        for status in CaseStatus.values
        if by_status.get(status)
    )
    recommendations = Recommendation.objects.filter(case__in=cases).count()
    return f"{cases.count()} cases ({statuses}), {recommendations} recommendations"


DEMO_STEPS: Sequence[Step] = (load_events, load_registrations, load_attendance, load_cases)
