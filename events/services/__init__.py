"""Every change to events, registrations, attendance, ECHO programmes and cases.

Each capability has its module; this package re-exports their public functions
and data classes, so other apps, the demo loaders and tests can write
`from events import services; services.register_for_occurrence(...)`. Code
inside `events` names the module: `services.cases.submit_case(...)` or
`from .services.cases import CaseData`.

- `calendar`: series and occurrences (`EventData`, `create_event`, `update_event`,
  `cancel_occurrence`, `move_occurrence`) and personal feeds (`feed_for`, `reset_feed`).
- `registration`: places and the waiting list (`register_for_occurrence`,
  `cancel_registration`, `promote_waiting_list`) and reminders (`send_due_reminders`).
- `attendance`: the register marked by hand, with its trail (`record_attendance`).
- `programmes`: ECHO programmes and curricula (`save_programme`, `create_programme`,
  `plan_curriculum`, `plan_session`).
- `cases`: cases for ECHO sessions (`CaseData`, `check_case_text`, `submit_case`,
  `update_case`, `ReviewDecision`, `review_case`, `move_case_on_agenda`,
  `add_recommendation`, `send_recommendations`).

The live room's changes are `events.live`: the state machine of the session
protocol, called by its consumer. Reads (look-ups, lists, counts, the figures
other apps use, the attendance register) are in `events.queries`.
"""

from .attendance import record_attendance
from .calendar import (
    EventData,
    cancel_occurrence,
    create_event,
    feed_for,
    move_occurrence,
    reset_feed,
    update_event,
)
from .cases import (
    CASE_TEXT_FIELDS,
    CaseData,
    ReviewDecision,
    add_recommendation,
    check_case_text,
    move_case_on_agenda,
    review_case,
    send_recommendations,
    submit_case,
    update_case,
)
from .programmes import create_programme, plan_curriculum, plan_session, save_programme
from .registration import (
    REMINDER_LEAD,
    cancel_registration,
    promote_waiting_list,
    register_for_occurrence,
    send_due_reminders,
)

__all__ = [
    "CASE_TEXT_FIELDS",
    "REMINDER_LEAD",
    "CaseData",
    "EventData",
    "ReviewDecision",
    "add_recommendation",
    "cancel_occurrence",
    "cancel_registration",
    "check_case_text",
    "create_event",
    "create_programme",
    "feed_for",
    "move_case_on_agenda",
    "move_occurrence",
    "plan_curriculum",
    "plan_session",
    "promote_waiting_list",
    "record_attendance",
    "register_for_occurrence",
    "reset_feed",
    "review_case",
    "save_programme",
    "send_due_reminders",
    "send_recommendations",
    "submit_case",
    "update_case",
    "update_event",
]
