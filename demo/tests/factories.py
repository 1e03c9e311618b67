"""Builders for demo's tests and for other apps' tests that need the demo: loading the demo
network, and a snapshot of the events data it made (to compare two loads)."""

from __future__ import annotations

from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from schedule.models import Event, Occurrence

from events.models import (
    Attendance,
    AttendanceChange,
    Case,
    EchoProgramme,
    EventDetails,
    Recommendation,
    Registration,
    SessionPlan,
)

LONDON = ZoneInfo("Europe/London")


def load() -> str:
    out = StringIO()
    call_command("load_demo_network", stdout=out)
    return out.getvalue()


def occurrence_key(occurrence: Occurrence) -> tuple:
    return (occurrence.event.title, occurrence.original_start)


def snapshot() -> dict:
    occurrences = Occurrence.objects.select_related("event")
    return {
        "events": [
            (
                event.title,
                event.start,
                event.end,
                event.end_recurring_period,
                event.calendar.slug,
                (event.rule.frequency, event.rule.params) if event.rule else None,
            )
            for event in Event.objects.select_related("rule", "calendar").order_by("title")
        ],
        "details": [
            (
                details.event.title,
                details.kind,
                details.audience,
                details.attendance_mode,
                details.venue,
                details.video_link,
                details.capacity,
                details.waiting_list,
                details.cpd_hours,
                details.description,
            )
            for details in EventDetails.objects.select_related("event").order_by("event__title")
        ],
        "occurrences": [
            (*occurrence_key(o), o.start, o.end, o.cancelled, o.title)
            for o in occurrences.order_by("event__title", "original_start")
        ],
        "programmes": [
            (
                p.slug,
                p.name,
                p.description,
                p.series.title,
                p.target_staff_groups,
                p.cycle_start,
                p.cycle_end,
                tuple(sorted(p.hub_team.values_list("email", flat=True))),
            )
            for p in EchoProgramme.objects.select_related("series").order_by("slug")
        ],
        "plans": sorted(
            (*occurrence_key(plan.occurrence), plan.didactic_topic, plan.didactic_presenter)
            for plan in SessionPlan.objects.select_related("occurrence__event")
        ),
        "registrations": sorted(
            (
                *occurrence_key(r.occurrence),
                r.member.email,
                r.status,
                r.registered_at,
                r.queued_at,
                r.cancelled_at,
                r.reminder_sent_for,
            )
            for r in Registration.objects.select_related("occurrence__event", "member")
        ),
        "attendance": sorted(
            (
                *occurrence_key(a.occurrence),
                a.member.email,
                a.status,
                a.minutes,
                a.source,
                a.marked_by.email if a.marked_by else None,
                a.updated_at,
            )
            for a in Attendance.objects.select_related("occurrence__event", "member", "marked_by")
        ),
        "attendance_changes": sorted(
            (
                *occurrence_key(c.attendance.occurrence),
                c.attendance.member.email,
                c.changed_by.email,
                c.changed_at,
                c.old_status,
                c.new_status,
                c.old_minutes,
                c.new_minutes,
                c.reason,
            )
            for c in AttendanceChange.objects.select_related(
                "attendance__occurrence__event", "attendance__member", "changed_by"
            )
        ),
        "cases": sorted(
            (
                *occurrence_key(c.occurrence),
                c.presenter.email,
                c.title,
                c.age_band,
                c.condition_group,
                c.summary,
                c.question,
                c.status,
                c.review_note,
                c.reviewed_by.email if c.reviewed_by else None,
                c.reviewed_at,
                c.agenda_position,
                c.recommendations_sent_at,
                c.submitted_at,
                c.updated_at,
            )
            for c in Case.objects.select_related("occurrence__event", "presenter", "reviewed_by")
        ),
        "recommendations": sorted(
            (r.case.title, r.author.email, r.body, r.created_at)
            for r in Recommendation.objects.select_related("case", "author")
        ),
    }
