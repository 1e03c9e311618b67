"""Attendance marked by hand on the register, each change kept with its reason.

Attendance from live-room connections is written by `events.live`; the figures
other apps read (minutes, records, cycle summaries) are in `events.queries`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from schedule.models import Occurrence

from members.models import User

from .. import permissions
from ..exceptions import EventsError
from ..models import Attendance, AttendanceChange, AttendanceSource, AttendanceStatus


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
