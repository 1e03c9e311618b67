"""Every change to events, registrations, attendance and cases, and the figures other apps read.

Functions other apps call (CPD records in `learning`, the evaluation dashboard):

- `attended_minutes(member, since=None, until=None, kinds=None) -> int`
  Minutes present across occurrences starting in [since, until), optionally
  only events of the given `EventKind` values.
- `attendance_records(member, since=None, until=None) -> list[AttendanceRecord]`
  One row per occurrence the member attended: date, title, kind, minutes,
  CPD hours offered and how the presence was recorded.
- `cycle_summary(member, programme) -> CycleSummary`
  Sessions attended out of sessions held in the programme's current cycle.

All times are aware datetimes; occurrences are `schedule.Occurrence` rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from schedule.models import Event, Occurrence

from core.emails import send_templated_email_on_commit
from core.pii import refuse_identifiers
from core.text import unique_slug
from members import permissions as member_permissions
from members.models import ApprovalStatus, User

from . import ical, permissions, scheduling
from .exceptions import CaseError, EventsError, RegistrationError
from .models import (
    Attendance,
    AttendanceChange,
    AttendanceSource,
    AttendanceStatus,
    CalendarFeed,
    Case,
    CaseStatus,
    EchoProgramme,
    EventDetails,
    Recommendation,
    Registration,
    RegistrationStatus,
    SessionPlan,
)

REMINDER_LEAD = datetime.timedelta(hours=24)


def _base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL


def _ics_attachment(occurrence: Occurrence) -> tuple[str, str, str]:
    content = ical.calendar_bytes([occurrence], name=occurrence.title, for_member=True)
    return ("event.ics", content.decode("utf-8"), "text/calendar")


# --- Events and occurrences -------------------------------------------------------------------


@dataclass(frozen=True)
class EventData:
    """Everything the coordinator sets on a series."""

    title: str
    kind: str
    start: datetime.datetime
    end: datetime.datetime
    recurrence: str = scheduling.Recurrence.NONE
    repeat_until: datetime.date | None = None
    audience: Sequence[str] = ()
    attendance_mode: str = "online"
    venue: str = ""
    video_link: str = ""
    capacity: int | None = None
    waiting_list: bool = True
    cpd_hours: Decimal = Decimal("0")
    description: str = ""


def _end_of_series(data: EventData) -> datetime.datetime | None:
    if data.recurrence == scheduling.Recurrence.NONE or data.repeat_until is None:
        return None
    day_after = data.repeat_until + datetime.timedelta(days=1)
    return datetime.datetime.combine(day_after, datetime.time(), tzinfo=scheduling.network_zone())


def _check_event_data(data: EventData) -> None:
    if data.end <= data.start:
        raise EventsError(_("The event must end after it starts."))
    if data.repeat_until and data.repeat_until < scheduling.local(data.start).date():
        raise EventsError(_("The series cannot end before its first occurrence."))


def _save_details(event: Event, data: EventData) -> EventDetails:
    details, _created = EventDetails.objects.update_or_create(
        event=event,
        defaults={
            "kind": data.kind,
            "audience": list(data.audience),
            "attendance_mode": data.attendance_mode,
            "venue": data.venue.strip(),
            "video_link": data.video_link.strip(),
            "capacity": data.capacity,
            "waiting_list": data.waiting_list,
            "cpd_hours": data.cpd_hours,
            "description": data.description,
        },
    )
    return details


@transaction.atomic
def create_event(data: EventData, *, by: User | None) -> Event:
    """Create a series (or a one-off event) on the network calendar and its occurrences.

    `by=None` is for the demo loader and migrations only.
    """
    if by is not None and not permissions.can_manage_events(by):
        raise PermissionDenied
    _check_event_data(data)
    event = Event.objects.create(
        title=data.title.strip(),
        start=data.start,
        end=data.end,
        calendar=scheduling.network_calendar(),
        creator=by,
        rule=scheduling.make_rule(data.recurrence, data.start),
        end_recurring_period=_end_of_series(data),
    )
    _save_details(event, data)
    scheduling.materialise(event)
    return event


@transaction.atomic
def update_event(event: Event, data: EventData, *, by: User) -> Event:
    """Change a series; future occurrences follow it (see `scheduling.reconcile`)."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied
    _check_event_data(data)
    event = Event.objects.select_for_update().get(pk=event.pk)
    old_rule = event.rule
    event.title = data.title.strip()
    event.start = data.start
    event.end = data.end
    event.rule = scheduling.make_rule(data.recurrence, data.start)
    event.end_recurring_period = _end_of_series(data)
    event.save()
    if old_rule is not None:
        old_rule.delete()
    _save_details(event, data)
    for occurrence in scheduling.reconcile(event):
        _tell_registrants(occurrence, "events/email/occurrence_cancelled", {"reason": ""})
    return event


def _tell_registrants(
    occurrence: Occurrence, template: str, context: dict, *, attach_ics: bool = False
) -> None:
    members = User.objects.filter(
        registrations__occurrence=occurrence,
        registrations__status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.WAITING],
    )
    attachments = [_ics_attachment(occurrence)] if attach_ics else None
    for member in members:
        send_templated_email_on_commit(
            [member.email],
            template,
            {**context, "member": member, "occurrence": occurrence, "base_url": _base_url()},
            attachments=attachments,
        )


@transaction.atomic
def cancel_occurrence(occurrence: Occurrence, *, by: User, reason: str = "") -> Occurrence:
    """Cancel one occurrence of a series; everyone registered or waiting is told."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if occurrence.cancelled:
        raise EventsError(_("This occurrence is already cancelled."))
    occurrence.cancelled = True
    occurrence.save(update_fields=["cancelled", "updated_on"])
    _tell_registrants(occurrence, "events/email/occurrence_cancelled", {"reason": reason.strip()})
    return occurrence


@transaction.atomic
def move_occurrence(
    occurrence: Occurrence, *, by: User, start: datetime.datetime, end: datetime.datetime
) -> Occurrence:
    """Move one occurrence; registrants get the new time with a fresh calendar file."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied
    if end <= start:
        raise EventsError(_("The event must end after it starts."))
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if occurrence.cancelled:
        raise EventsError(_("A cancelled occurrence cannot be moved."))
    occurrence.start, occurrence.end = start, end
    occurrence.save(update_fields=["start", "end", "updated_on"])
    _tell_registrants(occurrence, "events/email/occurrence_moved", {}, attach_ics=True)
    return occurrence


# --- Registration -----------------------------------------------------------------------------


def _lock_occurrence(occurrence: Occurrence) -> Occurrence:
    return (
        Occurrence.objects.select_for_update(of=("self",))
        .select_related("event__details")
        .get(pk=occurrence.pk)
    )


def occurrence_is_open(occurrence: Occurrence, now: datetime.datetime | None = None) -> bool:
    return not occurrence.cancelled and occurrence.end > (now or timezone.now())


@transaction.atomic
def register_for_occurrence(member: User, occurrence: Occurrence) -> Registration:
    """Give the member a place, or a place on the waiting list when the event is full."""
    if not member_permissions.is_approved_member(member):
        raise PermissionDenied
    occurrence = _lock_occurrence(occurrence)
    if occurrence.cancelled:
        raise RegistrationError(_("This event has been cancelled."))
    if occurrence.start <= timezone.now():
        raise RegistrationError(_("Registration has closed: this event has already started."))
    registration = Registration.objects.filter(occurrence=occurrence, member=member).first()
    if registration is not None and registration.status != RegistrationStatus.CANCELLED:
        raise RegistrationError(
            _("You are already registered for this event.")
            if registration.status == RegistrationStatus.REGISTERED
            else _("You are already on the waiting list for this event.")
        )
    details = getattr(occurrence.event, "details", None)
    taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
    full = details is not None and details.capacity is not None and taken >= details.capacity
    if full and not details.waiting_list:
        raise RegistrationError(_("This event is full and has no waiting list."))
    now = timezone.now()
    status = RegistrationStatus.WAITING if full else RegistrationStatus.REGISTERED
    if registration is None:
        registration = Registration(occurrence=occurrence, member=member)
    registration.status = status
    registration.registered_at = now
    registration.queued_at = now if full else None
    registration.cancelled_at = None
    registration.reminder_sent_for = None
    registration.save()
    template = "events/email/waiting" if full else "events/email/registered"
    send_templated_email_on_commit(
        [member.email],
        template,
        {"member": member, "occurrence": occurrence, "base_url": _base_url()},
        attachments=None if full else [_ics_attachment(occurrence)],
    )
    return registration


@transaction.atomic
def cancel_registration(member: User, occurrence: Occurrence) -> Registration:
    """Give up a place (or a place in the queue); the first in the queue moves up."""
    occurrence = _lock_occurrence(occurrence)
    registration = (
        Registration.objects.select_for_update()
        .filter(occurrence=occurrence, member=member)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is None:
        raise RegistrationError(_("You are not registered for this event."))
    if occurrence.start <= timezone.now():
        raise RegistrationError(_("This event has already started."))
    had_place = registration.status == RegistrationStatus.REGISTERED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.queued_at = None
    registration.save(update_fields=["status", "cancelled_at", "queued_at"])
    if had_place:
        promote_waiting_list(occurrence)
    return registration


def promote_waiting_list(occurrence: Occurrence) -> list[Registration]:
    """Fill free places from the waiting list, first come first served. Caller holds the lock."""
    details = getattr(occurrence.event, "details", None)
    waiting = Registration.objects.filter(
        occurrence=occurrence, status=RegistrationStatus.WAITING
    ).order_by("queued_at", "pk")
    if details is None or details.capacity is None:
        free = waiting.count()
    else:
        taken = Registration.objects.filter(occurrence=occurrence).confirmed().count()
        free = max(details.capacity - taken, 0)
    promoted = list(waiting.select_related("member")[:free])
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.queued_at = None
        registration.save(update_fields=["status", "queued_at"])
        send_templated_email_on_commit(
            [registration.member.email],
            "events/email/promoted",
            {"member": registration.member, "occurrence": occurrence, "base_url": _base_url()},
            attachments=[_ics_attachment(occurrence)],
        )
    return promoted


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


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """E-mail everyone registered for an occurrence starting within the next 24 hours.

    Safe to run every few minutes and from several workers: each registration is
    claimed with a conditional update, so nobody gets the same reminder twice. A
    moved occurrence gets a new reminder for its new time.
    """
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=RegistrationStatus.REGISTERED,
            occurrence__cancelled=False,
            occurrence__start__gt=now,
            occurrence__start__lte=now + REMINDER_LEAD,
            member__is_active=True,
            member__approval_status=ApprovalStatus.APPROVED,
        )
        .exclude(reminder_sent_for=F("occurrence__start"))
        .select_related("member", "occurrence__event__details")
    )
    sent = 0
    for registration in due:
        occurrence = registration.occurrence
        with transaction.atomic():
            claimed = (
                Registration.objects.filter(pk=registration.pk)
                .exclude(reminder_sent_for=occurrence.start)
                .update(reminder_sent_for=occurrence.start)
            )
            if not claimed:
                continue
            send_templated_email_on_commit(
                [registration.member.email],
                "events/email/reminder",
                {"member": registration.member, "occurrence": occurrence, "base_url": _base_url()},
                attachments=[_ics_attachment(occurrence)],
            )
        sent += 1
    return sent


def feed_for(member: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def reset_feed(member: User) -> CalendarFeed:
    """Give the member a new secret feed address; the old one stops working at once."""
    CalendarFeed.objects.filter(member=member).delete()
    return CalendarFeed.objects.create(member=member)


# --- Attendance -------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    occurrence: Occurrence,
    member: User,
    *,
    status: str,
    minutes: int | None = None,
    by: User,
    reason: str = "",
) -> Attendance:
    """Mark a member present, absent or excused by hand, keeping an audit trail.

    `minutes` defaults to the occurrence's length for "present" and 0 otherwise.
    Changing an existing record needs a reason.
    """
    if not permissions.can_take_register(by, occurrence):
        raise PermissionDenied
    if status not in AttendanceStatus.values:
        raise EventsError(_("Choose present, absent or excused."))
    length = int((occurrence.end - occurrence.start).total_seconds() // 60)
    if minutes is None:
        minutes = length if status == AttendanceStatus.PRESENT else 0
    if minutes < 0 or minutes > length:
        raise EventsError(
            _("Minutes present must be between 0 and %(length)s.") % {"length": length}
        )
    if status != AttendanceStatus.PRESENT:
        minutes = 0
    attendance = (
        Attendance.objects.select_for_update().filter(occurrence=occurrence, member=member).first()
    )
    reason = reason.strip()
    if attendance is None:
        attendance = Attendance.objects.create(
            occurrence=occurrence,
            member=member,
            status=status,
            minutes=minutes,
            source=AttendanceSource.MANUAL,
            marked_by=by,
        )
        AttendanceChange.objects.create(
            attendance=attendance,
            changed_by=by,
            old_status="",
            new_status=status,
            old_minutes=None,
            new_minutes=minutes,
            reason=reason or _("Marked on the register"),
        )
        return attendance
    if attendance.status == status and attendance.minutes == minutes:
        return attendance
    if not reason:
        raise EventsError(_("Give a reason for changing an attendance record."))
    AttendanceChange.objects.create(
        attendance=attendance,
        changed_by=by,
        old_status=attendance.status,
        new_status=status,
        old_minutes=attendance.minutes,
        new_minutes=minutes,
        reason=reason,
    )
    attendance.status = status
    attendance.minutes = minutes
    attendance.marked_by = by
    attendance.save(update_fields=["status", "minutes", "marked_by", "updated_at"])
    return attendance


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


# --- ECHO programmes and cases ----------------------------------------------------------------


@transaction.atomic
def save_programme(
    programme: EchoProgramme | None,
    *,
    by: User,
    name: str,
    description: str,
    series: Event,
    hub_team: Iterable[User],
    target_staff_groups: Sequence[str],
    cycle_start: datetime.date,
    cycle_end: datetime.date,
) -> EchoProgramme:
    """Create (programme=None) or change an ECHO programme."""
    if not permissions.can_manage_events(by):
        raise PermissionDenied
    if cycle_end < cycle_start:
        raise EventsError(_("The cycle must end after it starts."))
    if programme is None:
        programme = EchoProgramme(slug=unique_slug(EchoProgramme, name, "programme"))
    programme.name = name.strip()
    programme.description = description.strip()
    programme.series = series
    programme.target_staff_groups = list(target_staff_groups)
    programme.cycle_start = cycle_start
    programme.cycle_end = cycle_end
    programme.save()
    programme.hub_team.set(list(hub_team))
    return programme


@transaction.atomic
def plan_curriculum(
    programme: EchoProgramme, plans: Iterable[tuple[int, str, str]], *, by: User
) -> int:
    """Set the teaching topic and presenter of the programme's sessions; returns how many."""
    if not permissions.can_manage_programme(by, programme):
        raise PermissionDenied
    session_ids = set(programme_sessions(programme).values_list("pk", flat=True))
    count = 0
    for occurrence_id, topic, presenter in plans:
        if occurrence_id not in session_ids:
            raise EventsError(_("That session is not part of this programme."))
        SessionPlan.objects.update_or_create(
            occurrence_id=occurrence_id,
            defaults={"didactic_topic": topic.strip(), "didactic_presenter": presenter.strip()},
        )
        count += 1
    return count


@transaction.atomic
def create_programme(
    *,
    name: str,
    slug: str,
    description: str,
    series: Event,
    cycle_start: datetime.date,
    cycle_end: datetime.date,
    target_staff_groups: Sequence[str] = (),
    hub_team: Iterable[User] = (),
) -> EchoProgramme:
    programme = EchoProgramme.objects.create(
        name=name,
        slug=slug,
        description=description,
        series=series,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        target_staff_groups=list(target_staff_groups),
    )
    programme.hub_team.set(list(hub_team))
    return programme


@transaction.atomic
def plan_session(
    occurrence: Occurrence, *, didactic_topic: str, didactic_presenter: str = ""
) -> SessionPlan:
    plan, _created = SessionPlan.objects.update_or_create(
        occurrence=occurrence,
        defaults={"didactic_topic": didactic_topic, "didactic_presenter": didactic_presenter},
    )
    return plan


CASE_TEXT_FIELDS = ("title", "summary", "question")


@dataclass(frozen=True)
class CaseData:
    title: str
    age_band: str
    condition_group: str
    summary: str
    question: str


def check_case_text(data: CaseData) -> None:
    """Refuse text with identifiers (IdentifiableTextError lists every finding by field)."""
    refuse_identifiers({field: getattr(data, field) for field in CASE_TEXT_FIELDS})


@transaction.atomic
def submit_case(member: User, occurrence: Occurrence, data: CaseData) -> Case:
    """Submit a de-identified case for an ECHO session; reviewers are told."""
    if not permissions.can_submit_case(member, occurrence):
        raise PermissionDenied
    if not occurrence_is_open(occurrence) or occurrence.start <= timezone.now():
        raise CaseError(_("Cases can only be submitted for sessions that have not started."))
    check_case_text(data)
    case = Case.objects.create(
        occurrence=occurrence,
        presenter=member,
        title=data.title.strip(),
        age_band=data.age_band,
        condition_group=data.condition_group,
        summary=data.summary.strip(),
        question=data.question.strip(),
    )
    reviewers = permissions.case_reviewers(occurrence)
    if reviewers:
        send_templated_email_on_commit(
            [reviewer.email for reviewer in reviewers],
            "events/email/case_submitted",
            {"case": case, "occurrence": occurrence, "base_url": _base_url()},
        )
    return case


@transaction.atomic
def update_case(case: Case, data: CaseData, *, by: User) -> Case:
    """The presenter edits a case still under review; it goes back to "submitted"."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_edit_case(by, case):
        raise PermissionDenied
    if not occurrence_is_open(case.occurrence) or case.occurrence.start <= timezone.now():
        raise CaseError(_("This session has started, so the case can no longer be changed."))
    check_case_text(data)
    case.title = data.title.strip()
    case.age_band = data.age_band
    case.condition_group = data.condition_group
    case.summary = data.summary.strip()
    case.question = data.question.strip()
    case.status = CaseStatus.SUBMITTED
    case.save()
    return case


class ReviewDecision:
    ACCEPT = "accept"
    REQUEST_CHANGES = "request_changes"
    DECLINE = "decline"
    ALL = (ACCEPT, REQUEST_CHANGES, DECLINE)


@transaction.atomic
def review_case(case: Case, *, by: User, decision: str, note: str = "") -> Case:
    """Accept (onto the end of the agenda), ask for changes or decline; the presenter is told."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    if decision not in ReviewDecision.ALL:
        raise CaseError(_("Choose accept, ask for changes or decline."))
    if case.status not in {CaseStatus.SUBMITTED, CaseStatus.CHANGES_REQUESTED}:
        raise CaseError(_("This case has already been decided."))
    note = note.strip()
    if decision != ReviewDecision.ACCEPT and not note:
        raise CaseError(_("Tell the presenter what to change or why the case is declined."))
    if decision == ReviewDecision.ACCEPT:
        last = Case.objects.filter(occurrence=case.occurrence).aggregate(
            last=Max("agenda_position")
        )["last"]
        case.status = CaseStatus.ACCEPTED
        case.agenda_position = (last or 0) + 1
    elif decision == ReviewDecision.REQUEST_CHANGES:
        case.status = CaseStatus.CHANGES_REQUESTED
    else:
        case.status = CaseStatus.DECLINED
    case.review_note = note
    case.reviewed_by = by
    case.reviewed_at = timezone.now()
    case.save()
    send_templated_email_on_commit(
        [case.presenter.email],
        "events/email/case_reviewed",
        {"case": case, "base_url": _base_url()},
    )
    return case


@transaction.atomic
def move_case_on_agenda(case: Case, *, by: User, offset: int) -> None:
    """Swap an accepted case with its neighbour (offset -1 earlier, +1 later)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    if case.agenda_position is None or offset not in (-1, 1):
        raise CaseError(_("Only accepted cases can be moved on the agenda."))
    agenda = list(
        Case.objects.select_for_update()
        .filter(occurrence_id=case.occurrence_id, agenda_position__isnull=False)
        .order_by("agenda_position")
    )
    index = next(i for i, item in enumerate(agenda) if item.pk == case.pk)
    other = index + offset
    if not 0 <= other < len(agenda):
        return
    agenda[index], agenda[other] = agenda[other], agenda[index]
    Case.objects.filter(pk__in=[item.pk for item in agenda]).update(agenda_position=None)
    for position, item in enumerate(agenda, start=1):
        Case.objects.filter(pk=item.pk).update(agenda_position=position)


@transaction.atomic
def add_recommendation(case: Case, *, by: User, body: str) -> Recommendation:
    """A facilitator records what the panel recommends for the case."""
    case = Case.objects.select_for_update().select_related("occurrence").get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    body = body.strip()
    if not body:
        raise CaseError(_("Write the recommendation."))
    if len(body) > 2000:
        raise CaseError(_("A recommendation can be at most 2,000 characters."))
    if case.status not in {CaseStatus.ACCEPTED, CaseStatus.PRESENTED}:
        raise CaseError(_("Recommendations can only be added to accepted cases."))
    refuse_identifiers({"body": body})
    return Recommendation.objects.create(case=case, author=by, body=body)


@transaction.atomic
def send_recommendations(case: Case, *, by: User) -> Case:
    """Mark the case presented and e-mail the presenter the panel's recommendations."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not permissions.can_review_case(by, case):
        raise PermissionDenied
    recommendations = list(case.recommendations.all())
    if not recommendations:
        raise CaseError(_("Add at least one recommendation before sending them."))
    case.status = CaseStatus.PRESENTED
    case.recommendations_sent_at = timezone.now()
    case.save(update_fields=["status", "recommendations_sent_at", "updated_at"])
    send_templated_email_on_commit(
        [case.presenter.email],
        "events/email/recommendations",
        {"case": case, "recommendations": recommendations, "base_url": _base_url()},
    )
    return case
