"""The live ECHO session room: state changes, snapshots and attendance from connections.

Every change is a function here, run inside a transaction by the consumer
(`events.consumers.SessionConsumer`). Each returns the events to broadcast;
`broadcast_on_commit` sends them to the room's group only after the commit,
so the database is always the record and a fresh `snapshot()` always agrees
with what clients were told. See `events/PROTOCOL.md`.
"""

from __future__ import annotations

import datetime
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from schedule.models import Occurrence

from core.pii import IdentifiableTextError, refuse_identifiers
from members import permissions as member_permissions
from members.models import User

from . import permissions, services
from .models import (
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Case,
    CaseStatus,
    ChatMessage,
    HandRaise,
    LiveState,
    Poll,
    PollVote,
    PresenceInterval,
    Recommendation,
    Registration,
    RegistrationStatus,
)

OPEN_BEFORE = datetime.timedelta(minutes=15)
CHAT_HISTORY = 200
MAX_TEXT = 2000
HEARTBEAT_STALE = datetime.timedelta(seconds=90)

Event = dict[str, Any]


class LiveError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def room_group(occurrence_id: int) -> str:
    return f"session.{occurrence_id}"


def member_group(user_id: int) -> str:
    return f"member.{user_id}"


def broadcast_on_commit(occurrence_id: int, events: list[Event]) -> None:
    """Send the events to everyone in the room once the current transaction commits.

    Each event is serialised once here; consumers forward the text as it is.
    """
    if not events:
        return
    texts = [json.dumps(event, separators=(",", ":")) for event in events]

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(
            room_group(occurrence_id), {"type": "room.event", "texts": texts}
        )

    transaction.on_commit(send)


def drop_member_on_commit(user_id: int) -> None:
    """Close every live-room connection of this member (approval withdrawn, signed out)."""

    def send() -> None:
        async_to_sync(get_channel_layer().group_send)(
            member_group(user_id), {"type": "member.drop"}
        )

    transaction.on_commit(send)


# --- Who may join -------------------------------------------------------------------------------


def is_room_facilitator(user: User, occurrence: Occurrence) -> bool:
    return permissions.can_review_cases_for(user, occurrence)


def get_session(occurrence_id: int) -> Occurrence | None:
    return (
        Occurrence.objects.select_related("event__details", "event__echo_programme", "live_state")
        .filter(pk=occurrence_id)
        .first()
    )


def is_open(occurrence: Occurrence, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    state = getattr(occurrence, "live_state", None)
    if occurrence.cancelled or (state is not None and state.ended_at is not None):
        return False
    return occurrence.start - OPEN_BEFORE <= now < occurrence.end


def may_join(user: User, occurrence: Occurrence | None, now=None) -> bool:
    """Registered approved members, the hub team and coordinators, while the room is open."""
    if occurrence is None or not is_open(occurrence, now):
        return False
    return would_join_when_open(user, occurrence)


def would_join_when_open(user: User, occurrence: Occurrence) -> bool:
    """The member takes part in this session, whether or not its room is open now."""
    if not permissions.is_echo_session(occurrence):
        return False
    if not member_permissions.is_approved_member(user):
        return False
    if is_room_facilitator(user, occurrence):
        return True
    return Registration.objects.filter(
        occurrence=occurrence, member=user, status=RegistrationStatus.REGISTERED
    ).exists()


# --- Shapes -------------------------------------------------------------------------------------


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _agenda_items(occurrence: Occurrence) -> list[dict]:
    cases = Case.objects.filter(
        occurrence=occurrence, status__in=[CaseStatus.ACCEPTED, CaseStatus.PRESENTED]
    ).order_by("agenda_position", "pk")
    plan = getattr(occurrence, "session_plan", None)
    didactic = _("Teaching")
    if plan is not None and plan.didactic_topic:
        didactic = f"{didactic}: {plan.didactic_topic}"
    return [
        {"key": "introductions", "title": _("Introductions")},
        {"key": "didactic", "title": didactic},
        *({"key": f"case:{case.pk}", "title": _("Case: %s") % case.title} for case in cases),
        {"key": "wrap_up", "title": _("Wrap-up")},
        {"key": "feedback", "title": _("Feedback")},
    ]


def _state(occurrence: Occurrence) -> LiveState:
    state, _created = LiveState.objects.get_or_create(occurrence=occurrence)
    return state


def agenda_event(occurrence: Occurrence) -> Event:
    state = _state(occurrence)
    return {
        "type": "agenda",
        "items": _agenda_items(occurrence),
        "current": state.current_item or None,
    }


def _case_shape(case: Case | None) -> dict | None:
    if case is None:
        return None
    return {
        "id": case.pk,
        "title": case.title,
        "age_band": case.get_age_band_display(),
        "condition_group": case.get_condition_group_display(),
        "summary": case.summary,
        "question": case.question,
        "presenter": case.presenter.full_name,
    }


def case_event(occurrence: Occurrence) -> Event:
    state = LiveState.objects.select_related("current_case__presenter").get(occurrence=occurrence)
    return {"type": "case", "case": _case_shape(state.current_case)}


def presence_event(occurrence: Occurrence, now: datetime.datetime | None = None) -> Event:
    now = now or timezone.now()
    member_ids = (
        PresenceInterval.objects.filter(
            occurrence=occurrence, left_at__isnull=True, last_seen__gte=now - HEARTBEAT_STALE
        )
        .values_list("member_id", flat=True)
        .distinct()
    )
    people = list(
        User.objects.filter(pk__in=member_ids)
        .select_related("organisation")
        .order_by("full_name", "pk")
    )
    member_permissions.prime_roles(people)
    return {
        "type": "presence",
        "people": [
            {
                "id": person.pk,
                "name": person.full_name,
                "staff_group": person.get_staff_group_display(),
                "organisation": person.organisation.name if person.organisation else "",
                "is_facilitator": is_room_facilitator(person, occurrence),
            }
            for person in people
        ],
    }


def hands_event(occurrence: Occurrence) -> Event:
    queue = HandRaise.objects.filter(
        occurrence=occurrence, resolved_at__isnull=True
    ).select_related("member")
    state = LiveState.objects.select_related("last_taken").get(occurrence=occurrence)
    taken = state.last_taken
    return {
        "type": "hands",
        "queue": [
            {"id": hand.member_id, "name": hand.member.full_name, "raised_at": _iso(hand.raised_at)}
            for hand in queue
        ],
        "taken": {"id": taken.pk, "name": taken.full_name} if taken else None,
    }


def _message_shape(message: ChatMessage) -> dict:
    return {
        "id": message.pk,
        "author": {"id": message.author_id, "name": message.author.full_name},
        "body": message.body,
        "sent_at": _iso(message.sent_at),
    }


def _recommendation_shape(item: Recommendation) -> dict:
    return {
        "id": item.pk,
        "case": item.case_id,
        "body": item.body,
        "author": item.author.full_name,
        "created_at": _iso(item.created_at),
    }


def _poll_shape(poll: Poll, counts: dict[int, int] | None = None) -> dict:
    if counts is None:
        counts = dict(
            poll.votes.values("option").annotate(n=Count("pk")).values_list("option", "n")
        )
    return {
        "id": poll.pk,
        "question": poll.question,
        "options": [
            {"index": index, "label": label, "votes": counts.get(index, 0)}
            for index, label in enumerate(poll.options)
        ],
        "open": poll.closed_at is None,
        "total": sum(counts.values()),
    }


def poll_event(poll: Poll) -> Event:
    return {"type": "poll", "poll": _poll_shape(poll)}


def snapshot(occurrence: Occurrence, user: User) -> Event:
    """The whole room as `user` sees it: what every (re)connecting client receives first."""
    occurrence = get_session(occurrence.pk)
    state = _state(occurrence)
    chat = list(
        ChatMessage.objects.filter(occurrence=occurrence)
        .select_related("author")
        .order_by("-sent_at", "-pk")[:CHAT_HISTORY]
    )
    chat.reverse()
    recommendations = Recommendation.objects.filter(case__occurrence=occurrence).select_related(
        "author"
    )
    polls = list(Poll.objects.filter(occurrence=occurrence))
    counts: dict[int, dict[int, int]] = {}
    for poll_id, option, n in (
        PollVote.objects.filter(poll__in=polls)
        .values("poll_id", "option")
        .annotate(n=Count("pk"))
        .values_list("poll_id", "option", "n")
    ):
        counts.setdefault(poll_id, {})[option] = n
    my_votes = dict(
        PollVote.objects.filter(poll__in=polls, member=user).values_list("poll_id", "option")
    )
    polls.sort(key=lambda poll: (poll.closed_at is not None, poll.opened_at, poll.pk))
    details = occurrence.event.details
    return {
        "type": "state",
        "session": {
            "id": occurrence.pk,
            "title": occurrence.title,
            "start": _iso(occurrence.start),
            "end": _iso(occurrence.end),
            "video_link": details.video_link,
            "ended": state.ended_at is not None,
        },
        "you": {
            "id": user.pk,
            "name": user.full_name,
            "is_facilitator": is_room_facilitator(user, occurrence),
        },
        "presence": presence_event(occurrence)["people"],
        "agenda": {k: v for k, v in agenda_event(occurrence).items() if k != "type"},
        "case": case_event(occurrence)["case"],
        "hands": {k: v for k, v in hands_event(occurrence).items() if k != "type"},
        "chat": [_message_shape(message) for message in chat],
        "recommendations": [_recommendation_shape(item) for item in recommendations],
        "polls": [
            {**_poll_shape(poll, counts.get(poll.pk, {})), "your_vote": my_votes.get(poll.pk)}
            for poll in polls
        ],
    }


# --- Changes ------------------------------------------------------------------------------------


@dataclass
class Room:
    """One connection's view of its room: who, where, and whether they lead it."""

    occurrence_id: int
    user: User
    is_facilitator: bool

    def occurrence(self) -> Occurrence:
        occurrence = get_session(self.occurrence_id)
        if occurrence is None:
            raise LiveError("not_found", _("This session no longer exists."))
        state = getattr(occurrence, "live_state", None)
        if state is not None and state.ended_at is not None:
            raise LiveError("session_ended", _("The session has ended."))
        return occurrence

    def require_facilitator(self) -> None:
        if not self.is_facilitator:
            raise LiveError("not_allowed", _("Only the session's facilitators can do that."))


_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _deidentified(text: str) -> str:
    """The room is case talk: text that could identify someone is refused before anything
    is stored or broadcast, with the same message as the case form."""
    try:
        refuse_identifiers({"text": text})
    except IdentifiableTextError as error:
        raise LiveError("identifiable", error.sentence) from None
    return text


def _text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise LiveError("invalid_field", _("“%s” must be text.") % field)
    if _UNSTORABLE.search(value):
        # NUL and unpaired surrogates cannot be stored as text.
        raise LiveError("invalid_field", _("“%s” contains characters that cannot be used.") % field)
    value = value.strip()
    if not value or all(char.isspace() or unicodedata.category(char) == "Cf" for char in value):
        raise LiveError("invalid_field", _("“%s” cannot be empty.") % field)
    if len(value) > limit:
        raise LiveError(
            "invalid_field",
            _("“%(field)s” can be at most %(limit)s characters.")
            % {"field": field, "limit": limit},
        )
    return value


def _integer(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise LiveError("invalid_field", _("“%s” must be a whole number.") % field)
    return value


@transaction.atomic
def join(room: Room, channel_name: str) -> PresenceInterval:
    occurrence = room.occurrence()
    _state(occurrence)
    # Connections that stopped sending heartbeats (a crashed browser or server) end at
    # their last heartbeat, so they leave the presence list.
    for stale in PresenceInterval.objects.filter(
        occurrence=occurrence,
        left_at__isnull=True,
        last_seen__lt=timezone.now() - HEARTBEAT_STALE,
    ):
        stale.left_at = stale.last_seen
        stale.save(update_fields=["left_at"])
    interval = PresenceInterval.objects.create(
        occurrence=occurrence, member=room.user, channel_name=channel_name
    )
    broadcast_on_commit(occurrence.pk, [presence_event(occurrence)])
    return interval


@transaction.atomic
def leave(room: Room, interval_id: int) -> None:
    """Close this connection's interval, update the member's live attendance, tell the room."""
    now = timezone.now()
    PresenceInterval.objects.filter(pk=interval_id, left_at__isnull=True).update(
        left_at=now, last_seen=now
    )
    occurrence = get_session(room.occurrence_id)
    if occurrence is None:
        return
    write_live_attendance(occurrence, [room.user.pk])
    broadcast_on_commit(occurrence.pk, [presence_event(occurrence)])


def heartbeat(interval_id: int) -> None:
    PresenceInterval.objects.filter(pk=interval_id, left_at__isnull=True).update(
        last_seen=timezone.now()
    )


@transaction.atomic
def send_chat(room: Room, body: Any) -> None:
    occurrence = room.occurrence()
    body = _deidentified(_text(body, "body"))
    message = ChatMessage.objects.create(occurrence=occurrence, author=room.user, body=body)
    message.author = room.user
    broadcast_on_commit(
        occurrence.pk, [{"type": "chat.message", "message": _message_shape(message)}]
    )


@transaction.atomic
def raise_hand(room: Room) -> None:
    occurrence = room.occurrence()
    _state(occurrence)
    if not HandRaise.objects.filter(
        occurrence=occurrence, member=room.user, resolved_at__isnull=True
    ).exists():
        HandRaise.objects.create(occurrence=occurrence, member=room.user)
    broadcast_on_commit(occurrence.pk, [hands_event(occurrence)])


def _resolve_hand(occurrence: Occurrence, member_id: int, resolution: str) -> int:
    return HandRaise.objects.filter(
        occurrence=occurrence, member_id=member_id, resolved_at__isnull=True
    ).update(resolved_at=timezone.now(), resolution=resolution)


@transaction.atomic
def lower_hand(room: Room) -> None:
    occurrence = room.occurrence()
    _state(occurrence)
    _resolve_hand(occurrence, room.user.pk, "lowered")
    broadcast_on_commit(occurrence.pk, [hands_event(occurrence)])


@transaction.atomic
def next_hand(room: Room) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    state = LiveState.objects.select_for_update().get_or_create(occurrence=occurrence)[0]
    first = (
        HandRaise.objects.select_for_update()
        .filter(occurrence=occurrence, resolved_at__isnull=True)
        .order_by("raised_at", "pk")
        .first()
    )
    if first is None:
        raise LiveError("not_found", _("No hands are raised."))
    first.resolved_at, first.resolution = timezone.now(), "taken"
    first.save(update_fields=["resolved_at", "resolution"])
    state.last_taken_id = first.member_id
    state.save(update_fields=["last_taken"])
    broadcast_on_commit(occurrence.pk, [hands_event(occurrence)])


@transaction.atomic
def clear_hand(room: Room, user_id: Any) -> None:
    room.require_facilitator()
    user_id = _integer(user_id, "user")
    occurrence = room.occurrence()
    _state(occurrence)
    if not _resolve_hand(occurrence, user_id, "cleared"):
        raise LiveError("not_found", _("That member has no hand raised."))
    broadcast_on_commit(occurrence.pk, [hands_event(occurrence)])


def _session_case(occurrence: Occurrence, case_id: Any) -> Case:
    case_id = _integer(case_id, "case")
    case = (
        Case.objects.select_related("presenter")
        .filter(
            pk=case_id,
            occurrence=occurrence,
            status__in=[CaseStatus.ACCEPTED, CaseStatus.PRESENTED],
        )
        .first()
    )
    if case is None:
        raise LiveError("not_found", _("That case is not on this session's agenda."))
    return case


@transaction.atomic
def set_agenda(room: Room, item: Any) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    if not isinstance(item, str) or not item:
        raise LiveError("invalid_field", _("“item” must be an agenda item."))
    keys = {entry["key"] for entry in _agenda_items(occurrence)}
    if item not in keys:
        raise LiveError("not_found", _("That is not an item on this session's agenda."))
    state = LiveState.objects.select_for_update().get_or_create(occurrence=occurrence)[0]
    state.current_item = item
    events = []
    if item.startswith("case:"):
        state.current_case = _session_case(occurrence, int(item.split(":", 1)[1]))
    state.save()
    events.append(agenda_event(occurrence))
    if item.startswith("case:"):
        events.append(case_event(occurrence))
    broadcast_on_commit(occurrence.pk, events)


@transaction.atomic
def show_case(room: Room, case_id: Any) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    case = _session_case(occurrence, case_id)
    state = LiveState.objects.select_for_update().get_or_create(occurrence=occurrence)[0]
    state.current_case = case
    state.save(update_fields=["current_case"])
    broadcast_on_commit(occurrence.pk, [case_event(occurrence)])


@transaction.atomic
def add_recommendation(room: Room, case_id: Any, body: Any) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    case = _session_case(occurrence, case_id)
    try:
        recommendation = services.cases.add_recommendation(
            case, by=room.user, body=_text(body, "body")
        )
    except IdentifiableTextError as error:
        raise LiveError("identifiable", error.sentence) from None
    except ValidationError as error:
        raise LiveError("invalid_field", " ".join(error.messages)) from None
    recommendation.author = room.user
    broadcast_on_commit(
        occurrence.pk,
        [{"type": "recommendation", "recommendation": _recommendation_shape(recommendation)}],
    )


@transaction.atomic
def open_poll(room: Room, question: Any, options: Any) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    question = _deidentified(_text(question, "question", 300))
    if not isinstance(options, list) or not 2 <= len(options) <= 6:
        raise LiveError("invalid_field", _("A poll has between 2 and 6 options."))
    labels = [_deidentified(_text(option, "options", 100)) for option in options]
    poll = Poll.objects.create(
        occurrence=occurrence, question=question, options=labels, opened_by=room.user
    )
    broadcast_on_commit(occurrence.pk, [{"type": "poll", "poll": _poll_shape(poll, {})}])


def _session_poll(occurrence: Occurrence, poll_id: Any, *, lock: bool = False) -> Poll:
    poll_id = _integer(poll_id, "poll")
    polls = Poll.objects.select_for_update() if lock else Poll.objects
    poll = polls.filter(pk=poll_id, occurrence=occurrence).first()
    if poll is None:
        raise LiveError("not_found", _("That poll is not part of this session."))
    return poll


@transaction.atomic
def close_poll(room: Room, poll_id: Any) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    poll = _session_poll(occurrence, poll_id, lock=True)
    if poll.closed_at is not None:
        raise LiveError("poll_closed", _("This poll is already closed."))
    poll.closed_at = timezone.now()
    poll.save(update_fields=["closed_at"])
    broadcast_on_commit(occurrence.pk, [poll_event(poll)])


@transaction.atomic
def vote(room: Room, poll_id: Any, option: Any) -> None:
    occurrence = room.occurrence()
    poll = _session_poll(occurrence, poll_id, lock=True)
    option = _integer(option, "option")
    if poll.closed_at is not None:
        raise LiveError("poll_closed", _("This poll is closed."))
    if not 0 <= option < len(poll.options):
        raise LiveError("invalid_field", _("That is not one of the poll's options."))
    if PollVote.objects.filter(poll=poll, member=room.user).exists():
        raise LiveError("already_voted", _("You have already voted in this poll."))
    PollVote.objects.create(poll=poll, member=room.user, option=option)
    broadcast_on_commit(occurrence.pk, [poll_event(poll)])


@transaction.atomic
def end_session(room: Room) -> None:
    room.require_facilitator()
    occurrence = room.occurrence()
    now = timezone.now()
    state = LiveState.objects.select_for_update().get_or_create(occurrence=occurrence)[0]
    state.ended_at = now
    state.save(update_fields=["ended_at"])
    still_open = list(Poll.objects.filter(occurrence=occurrence, closed_at__isnull=True))
    Poll.objects.filter(pk__in=[poll.pk for poll in still_open]).update(closed_at=now)
    for poll in still_open:
        poll.closed_at = now
    close_open_intervals(occurrence, at=now)
    # Each presenter receives the recommendations made for their case.
    for case in Case.objects.filter(
        occurrence=occurrence,
        recommendations__isnull=False,
        recommendations_sent_at__isnull=True,
    ).distinct():
        services.cases.send_recommendations(case, by=room.user)
    broadcast_on_commit(
        occurrence.pk,
        [poll_event(poll) for poll in still_open]
        + [{"type": "session.ended", "ended_at": _iso(now)}],
    )


# --- Attendance from the connection -------------------------------------------------------------


def close_open_intervals(occurrence: Occurrence, at: datetime.datetime) -> None:
    """Close intervals still open (crashed connections at their last heartbeat) and write
    everyone's live attendance."""
    open_intervals = PresenceInterval.objects.filter(occurrence=occurrence, left_at__isnull=True)
    member_ids = set(open_intervals.values_list("member_id", flat=True))
    for interval in open_intervals:
        interval.left_at = min(at, max(interval.last_seen, interval.joined_at))
        interval.save(update_fields=["left_at"])
    everyone = set(
        PresenceInterval.objects.filter(occurrence=occurrence).values_list("member_id", flat=True)
    )
    write_live_attendance(occurrence, sorted(member_ids | everyone))


def merged_minutes(
    intervals: list[tuple[datetime.datetime, datetime.datetime]],
    start: datetime.datetime,
    end: datetime.datetime,
) -> int:
    """Minutes covered by the intervals inside [start, end], overlaps counted once."""
    clipped = sorted(
        (max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)
    )
    total = datetime.timedelta()
    current_start = current_end = None
    for a, b in clipped:
        if current_end is None or a > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = a, b
        else:
            current_end = max(current_end, b)
    if current_end is not None:
        total += current_end - current_start
    return int(total.total_seconds() // 60)


def write_live_attendance(occurrence: Occurrence, member_ids: list[int]) -> None:
    """Minutes present from the members' intervals into the shared attendance record.

    A record someone marked or adjusted by hand is left as they set it.
    """
    now = timezone.now()
    state = getattr(occurrence, "live_state", None)
    end = occurrence.end
    if state is not None and state.ended_at is not None:
        end = min(end, state.ended_at)
    window_start = occurrence.start
    intervals: dict[int, list] = {}
    for member_id, joined, left, seen in PresenceInterval.objects.filter(
        occurrence=occurrence, member_id__in=member_ids
    ).values_list("member_id", "joined_at", "left_at", "last_seen"):
        intervals.setdefault(member_id, []).append((joined, left or max(seen, min(now, end))))
    manual = set(
        Attendance.objects.filter(
            occurrence=occurrence, member_id__in=member_ids, source=AttendanceSource.MANUAL
        ).values_list("member_id", flat=True)
    )
    for member_id, spans in intervals.items():
        if member_id in manual:
            continue
        minutes = merged_minutes(spans, window_start, end)
        Attendance.objects.update_or_create(
            occurrence=occurrence,
            member_id=member_id,
            defaults={
                "status": AttendanceStatus.PRESENT if minutes > 0 else AttendanceStatus.ABSENT,
                "minutes": minutes,
                "source": AttendanceSource.LIVE,
                "marked_by": None,
            },
        )


def close_finished_sessions(now: datetime.datetime | None = None) -> int:
    """Close the intervals of sessions that are over (crashed clients, servers restarted)."""
    now = now or timezone.now()
    occurrence_ids = set(
        PresenceInterval.objects.filter(left_at__isnull=True, occurrence__end__lte=now).values_list(
            "occurrence_id", flat=True
        )
    )
    for occurrence in Occurrence.objects.filter(pk__in=occurrence_ids).select_related("live_state"):
        with transaction.atomic():
            close_open_intervals(occurrence, at=occurrence.end)
    return len(occurrence_ids)


def transcript_text(occurrence: Occurrence) -> str:
    """Chat, recommendations and poll results of the session, in UK time, as plain text."""
    from .scheduling import local

    lines = [
        f"{occurrence.title} — {local(occurrence.start):%A %-d %B %Y, %H:%M} (UK time)",
        "",
        "CHAT",
    ]
    for message in ChatMessage.objects.filter(occurrence=occurrence).select_related("author"):
        lines.append(f"[{local(message.sent_at):%H:%M}] {message.author.full_name}: {message.body}")
    lines += ["", "RECOMMENDATIONS"]
    for case in Case.objects.filter(
        occurrence=occurrence, recommendations__isnull=False
    ).distinct():
        lines.append(f"Case: {case.title}")
        for item in case.recommendations.select_related("author"):
            lines.append(f"  - {item.body} ({item.author.full_name})")
    lines += ["", "POLLS"]
    for poll in Poll.objects.filter(occurrence=occurrence):
        shape = _poll_shape(poll)
        lines.append(f"{poll.question} ({shape['total']} votes)")
        for option in shape["options"]:
            lines.append(f"  - {option['label']}: {option['votes']}")
    return "\n".join(lines) + "\n"
