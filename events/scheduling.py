"""Recurring series on django-scheduler, correct across daylight saving.

django-scheduler expands a series in the time zone of the bounds it is given.
We always give it bounds in the network's zone (Europe/London), so a 12:30
series stays at 12:30 local time in GMT and BST, and we persist ("materialise")
every occurrence up to the end of the series or `HORIZON` ahead. Pages,
registrations and feeds then read `schedule.Occurrence` rows directly.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from schedule.models import Calendar, Event, Occurrence, Rule

HORIZON = datetime.timedelta(days=550)
NETWORK_CALENDAR_SLUG = "network"

WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ORDINALS = {1: _("First"), 2: _("Second"), 3: _("Third"), 4: _("Fourth"), -1: _("Last")}


def network_zone() -> ZoneInfo:
    return ZoneInfo(settings.NETWORK_TIME_ZONE)


def local(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(network_zone())


class Recurrence(models.TextChoices):
    NONE = "none", _("Does not repeat")
    WEEKLY = "weekly", _("Every week on the same day")
    MONTHLY_WEEKDAY = "monthly_weekday", _("Monthly on the same weekday (e.g. second Tuesday)")
    MONTHLY_DATE = "monthly_date", _("Monthly on the same date")


def network_calendar() -> Calendar:
    calendar, _ = Calendar.objects.get_or_create(
        slug=NETWORK_CALENDAR_SLUG, defaults={"name": "Network calendar"}
    )
    return calendar


def week_of_month(day: datetime.date) -> int:
    """1-4 for the first to fourth such weekday of the month; -1 for a fifth, i.e. the last."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def rule_params(recurrence: str, start: datetime.datetime) -> tuple[str, str] | None:
    """(frequency, params) for django-scheduler's Rule, from the local start."""
    start = local(start)
    if recurrence == Recurrence.NONE:
        return None
    if recurrence == Recurrence.WEEKLY:
        return "WEEKLY", ""
    if recurrence == Recurrence.MONTHLY_DATE:
        return "MONTHLY", f"bymonthday:{start.day}"
    if recurrence == Recurrence.MONTHLY_WEEKDAY:
        weekday = WEEKDAY_CODES[start.weekday()]
        return "MONTHLY", f"byweekday:{weekday};bysetpos:{week_of_month(start.date())}"
    raise ValueError(f"Unknown recurrence {recurrence!r}")


def recurrence_of(event: Event) -> str:
    rule = event.rule
    if rule is None:
        return Recurrence.NONE
    if rule.frequency == "WEEKLY":
        return Recurrence.WEEKLY
    if "bysetpos" in rule.params:
        return Recurrence.MONTHLY_WEEKDAY
    return Recurrence.MONTHLY_DATE


def make_rule(recurrence: str, start: datetime.datetime) -> Rule | None:
    params = rule_params(recurrence, start)
    if params is None:
        return None
    frequency, rule_params_text = params
    return Rule.objects.create(
        name=str(Recurrence(recurrence).label)[:32],
        description=describe(recurrence, start),
        frequency=frequency,
        params=rule_params_text,
    )


def describe(recurrence: str, start: datetime.datetime) -> str:
    start = local(start)
    weekday = start.strftime("%A")
    if recurrence == Recurrence.WEEKLY:
        return str(_("Every %(weekday)s")) % {"weekday": weekday}
    if recurrence == Recurrence.MONTHLY_DATE:
        return str(_("Monthly on day %(day)s")) % {"day": start.day}
    if recurrence == Recurrence.MONTHLY_WEEKDAY:
        ordinal = ORDINALS[week_of_month(start.date())]
        return str(_("%(ordinal)s %(weekday)s of each month")) % {
            "ordinal": ordinal,
            "weekday": weekday,
        }
    return str(_("Once"))


def describe_event(event: Event) -> str:
    """e.g. "Second Tuesday of each month, 12:30–14:00"."""
    recurrence = recurrence_of(event)
    start, end = local(event.start), local(event.end)
    times = f"{start:%H:%M}–{end:%H:%M}"
    if recurrence == Recurrence.NONE:
        return f"{start:%-d %B %Y}, {times}"
    return f"{describe(recurrence, event.start)}, {times}"


def window_end(event: Event, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    limit = now + HORIZON
    if event.rule is None:
        return event.end + datetime.timedelta(seconds=1)
    if event.end_recurring_period is not None:
        return min(event.end_recurring_period, limit)
    return limit


def expected_occurrences(event: Event, now: datetime.datetime | None = None) -> list[Occurrence]:
    """The series' occurrences (persisted or not) from its start to the window's end."""
    zone = network_zone()
    start = event.start.astimezone(zone)
    end = window_end(event, now).astimezone(zone)
    return event.get_occurrences(start, end)


@transaction.atomic
def materialise(event: Event, now: datetime.datetime | None = None) -> int:
    """Persist every occurrence of the series that is not yet a row; returns how many."""
    created = 0
    for occurrence in expected_occurrences(event, now):
        if occurrence.pk is None:
            occurrence.save()
            created += 1
    return created


@transaction.atomic
def reconcile(event: Event, now: datetime.datetime | None = None) -> list[Occurrence]:
    """Bring future occurrences in line with a changed series.

    Past occurrences are never touched. A future occurrence that was moved or
    cancelled by hand keeps its state. Others are matched to the new series by
    local date and take its times (keeping their registrations); those with no
    match are deleted if nothing points at them, or cancelled otherwise (the
    cancelled ones are returned so their registrants can be told).
    """
    now = now or timezone.now()
    future = list(
        Occurrence.objects.filter(event=event, original_start__gte=now).order_by("original_start")
    )
    adjustable = [o for o in future if not o.cancelled and not o.moved]
    fixed_dates = {local(o.original_start).date() for o in future if o.cancelled or o.moved}
    by_date = {local(o.original_start).date(): o for o in adjustable}

    duration = event.end - event.start
    zone = network_zone()
    start = max(event.start, now).astimezone(zone)
    end = window_end(event, now).astimezone(zone)
    for occurrence in (
        event._get_occurrence_list(start, end)
        if event.rule
        else [event._create_occurrence(event.start)]
    ):
        if occurrence.start < now or local(occurrence.start).date() in fixed_dates:
            continue
        existing = by_date.pop(local(occurrence.start).date(), None)
        if existing is None:
            occurrence.save()
            continue
        if existing.original_start != occurrence.start or existing.end - existing.start != duration:
            existing.start = existing.original_start = occurrence.start
            existing.end = existing.original_end = occurrence.start + duration
        existing.title = event.title
        existing.save()

    cancelled = []
    for leftover in by_date.values():
        if leftover.registrations.exists() or leftover.cases.exists():
            leftover.cancelled = True
            leftover.save(update_fields=["cancelled", "updated_on"])
            cancelled.append(leftover)
        else:
            leftover.delete()
    return cancelled
