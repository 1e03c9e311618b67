"""The network calendar: series and their occurrences, cancelling and moving one, feeds."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from schedule.models import Event, Occurrence

from core.emails import send_templated_email_on_commit
from members.models import User

from .. import permissions, scheduling
from ..exceptions import EventsError
from ..models import CalendarFeed, EventDetails, RegistrationStatus
from ._mail import base_url, ics_attachment


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
    attachments = [ics_attachment(occurrence)] if attach_ics else None
    for member in members:
        send_templated_email_on_commit(
            [member.email],
            template,
            {**context, "member": member, "occurrence": occurrence, "base_url": base_url()},
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


def feed_for(member: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(member=member)
    return feed


@transaction.atomic
def reset_feed(member: User) -> CalendarFeed:
    """Give the member a new secret feed address; the old one stops working at once."""
    CalendarFeed.objects.filter(member=member).delete()
    return CalendarFeed.objects.create(member=member)
