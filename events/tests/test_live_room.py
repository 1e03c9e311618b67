"""The live session room on the real ASGI application and the Redis channel layer."""

from __future__ import annotations

import asyncio
import datetime
import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from cop_site.asgi import application
from events import live, queries, services
from events.consumers import CLOSE_DROPPED
from events.models import (
    Attendance,
    AttendanceSource,
    Case,
    ChatMessage,
    EventKind,
    HandRaise,
    Poll,
    PollVote,
    PresenceInterval,
    Recommendation,
)
from members import roles
from members.consumers import CLOSE_TOO_BIG, CLOSE_UNSUPPORTED_DATA
from members.models import ApprovalStatus
from members.tests.factories import UserFactory, session_cookie

from .factories import build_room, make_event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


def cookie_for(user) -> bytes:
    return session_cookie(user).encode()


@pytest.fixture
def room():
    return build_room()


async def connect(occurrence_id, user=None, origin=ORIGIN, path=None):
    """(communicator, admitted, close code or the first frame). A refusal completes the
    handshake and closes at once with its code, so that browsers can tell why."""
    headers = [origin] if origin else []
    if user is not None:
        headers.append((b"cookie", await database_sync_to_async(cookie_for)(user)))
    ws = WebsocketCommunicator(application, path or f"/ws/sessions/{occurrence_id}/", headers)
    connected, code = await ws.connect()
    if not connected:
        return ws, False, code
    first = await ws.receive_output(timeout=5)
    if first["type"] == "websocket.close":
        return ws, False, first.get("code")
    return ws, True, json.loads(first["text"])


async def joined(room, who):
    ws, connected, state = await connect(room["occurrence"].pk, room[who])
    assert connected, state
    assert state["type"] == "state"
    return ws, state


async def drain(ws, timeout=0.3):
    """Every frame waiting for this client, without stopping it (a timed-out receive would)."""
    frames = []
    while not await ws.receive_nothing(timeout=timeout):
        frames.append(await ws.receive_json_from(timeout=5))
    return frames


async def close_code(ws, timeout=5):
    """Read past any pending frames to the close; its code."""
    while True:
        output = await ws.receive_output(timeout=timeout)
        if output["type"] == "websocket.close":
            return output.get("code")


async def next_of(ws, frame_type, timeout=5):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        frame = await ws.receive_json_from(timeout=max(remaining, 0.01))
        if frame["type"] == frame_type:
            return frame


# --- Refusals -----------------------------------------------------------------------------


async def test_registered_member_and_facilitator_get_the_state(room):
    ws, state = await joined(room, "amy")
    assert state["session"]["video_link"].startswith("https://")
    assert state["you"] == {"id": room["amy"].pk, "name": "Amy Member", "is_facilitator": False}
    assert [item["key"] for item in state["agenda"]["items"]] == [
        "introductions",
        "didactic",
        f"case:{room['case'].pk}",
        "wrap_up",
        "feedback",
    ]
    fac, fac_state = await joined(room, "facilitator")
    assert fac_state["you"]["is_facilitator"] is True
    names = {p["name"] for p in fac_state["presence"]}
    assert names == {"Amy Member", "Fola Facilitator"}
    await ws.disconnect()
    await fac.disconnect()


@pytest.mark.parametrize(
    "who",
    ["anonymous", "unregistered", "pending", "other_facilitator", "waiting_list"],
)
async def test_outsiders_are_refused_at_connect(room, who):
    def make():
        if who == "unregistered":
            return UserFactory()
        if who == "pending":
            return UserFactory(approval_status=ApprovalStatus.PENDING)
        if who == "other_facilitator":
            return UserFactory(roles=[roles.FACILITATORS])
        if who == "waiting_list":
            person = UserFactory()
            services.register_for_occurrence(person, room["occurrence"])
            from events.models import Registration

            Registration.objects.filter(member=person).update(status="waiting")
            return person
        return None

    user = await database_sync_to_async(make)()
    ws, connected, code = await connect(room["occurrence"].pk, user)
    assert not connected
    assert code == (4401 if who == "anonymous" else 4403)


async def test_unknown_and_forbidden_sessions_are_refused_alike(room):
    stranger = await database_sync_to_async(UserFactory)()
    _, _, forbidden = await connect(room["occurrence"].pk, stranger)
    _, _, unknown = await connect(999999, stranger)
    assert forbidden == unknown == 4403


async def test_foreign_origin_is_refused(room):
    _, connected, _ = await connect(
        room["occurrence"].pk, room["amy"], origin=(b"origin", b"https://evil.example")
    )
    assert not connected


async def test_room_is_closed_before_the_window_and_after_the_end():
    early = await database_sync_to_async(build_room)(datetime.timedelta(hours=2))
    _, connected, code = await connect(early["occurrence"].pk, early["facilitator"])
    assert not connected and code == 4403


# --- Bad frames ---------------------------------------------------------------------------

BAD_FRAMES = [
    ("not json", "invalid_json"),
    ("[]", "invalid_message"),
    ('{"type": 3}', "missing_type"),
    ('{"type": "chat.shout"}', "unknown_type"),
    ('{"type": "chat.send"}', "invalid_field"),
    ('{"type": "chat.send", "body": 42}', "invalid_field"),
    ('{"type": "chat.send", "body": "   "}', "invalid_field"),
    (json.dumps({"type": "chat.send", "body": "x" * 2001}), "invalid_field"),
    ('{"type": "poll.vote", "poll": "1", "option": 0}', "invalid_field"),
    ('{"type": "poll.vote", "poll": 999999, "option": 0}', "not_found"),
    ('{"type": "poll.vote", "poll": 9223372036854775808, "option": 0}', "invalid_field"),
    ('{"type": "poll.vote", "poll": -1, "option": 0}', "invalid_field"),
    ('{"type": "poll.vote", "poll": true, "option": 0}', "invalid_field"),
    ('{"type": "poll.vote", "poll": NaN, "option": 0}', "invalid_field"),
    ('{"type": "poll.vote", "poll": 1.5, "option": 0}', "invalid_field"),
    ('{"type": "agenda.set", "item": "wrap_up"}', "not_allowed"),
    ('{"type": "case.show", "case": 1}', "not_allowed"),
    ('{"type": "hand.next"}', "not_allowed"),
    ('{"type": "hand.clear", "user": 1}', "not_allowed"),
    ('{"type": "recommendation.add", "case": 1, "body": "x"}', "not_allowed"),
    ('{"type": "poll.open", "question": "q", "options": ["a", "b"]}', "not_allowed"),
    ('{"type": "poll.close", "poll": 1}', "not_allowed"),
    ('{"type": "session.end"}', "not_allowed"),
]


def _stored_counts(occurrence_id):
    return (
        ChatMessage.objects.count(),
        HandRaise.objects.count(),
        Poll.objects.count(),
        PollVote.objects.count(),
        Recommendation.objects.count(),
    )


@pytest.mark.parametrize(("frame", "code"), BAD_FRAMES)
async def test_bad_frames_get_an_error_and_the_room_carries_on(room, frame, code):
    amy, _ = await joined(room, "amy")
    ben, _ = await joined(room, "ben")
    await drain(amy)
    await drain(ben)
    before = await database_sync_to_async(_stored_counts)(room["occurrence"].pk)
    await amy.send_to(text_data=frame)
    error = await next_of(amy, "error")
    assert error["code"] == code and error["message"]
    assert await drain(ben) == []  # nobody else hears about it
    assert await database_sync_to_async(_stored_counts)(room["occurrence"].pk) == before
    await amy.send_json_to({"type": "chat.send", "body": "still here"})
    assert (await next_of(ben, "chat.message"))["message"]["body"] == "still here"
    await amy.disconnect()
    await ben.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "case.show", "case": "other"}, "not_found"),
        ({"type": "case.show", "case": 999999}, "not_found"),
        ({"type": "agenda.set", "item": "case:999999"}, "not_found"),
        ({"type": "agenda.set", "item": ["x"]}, "invalid_field"),
        ({"type": "hand.next"}, "not_found"),
        ({"type": "hand.clear", "user": 999999}, "not_found"),
        ({"type": "recommendation.add", "case": "other", "body": "x"}, "not_found"),
        ({"type": "poll.open", "question": "q", "options": ["only one"]}, "invalid_field"),
        ({"type": "poll.open", "question": "q", "options": "a,b"}, "invalid_field"),
        ({"type": "poll.open", "question": "", "options": ["a", "b"]}, "invalid_field"),
        ({"type": "poll.open", "question": "q", "options": ["a", 2]}, "invalid_field"),
    ],
)
async def test_facilitator_frames_about_other_sessions_are_refused(room, frame, code):
    if frame.get("case") == "other":
        frame = {**frame, "case": room["other_case"].pk}
    fac, _ = await joined(room, "facilitator")
    await drain(fac)
    before = await database_sync_to_async(_stored_counts)(room["occurrence"].pk)
    await fac.send_json_to(frame)
    assert (await next_of(fac, "error"))["code"] == code
    assert await database_sync_to_async(_stored_counts)(room["occurrence"].pk) == before
    await fac.disconnect()


async def test_binary_and_oversize_frames_close_only_that_socket(room):
    amy, _ = await joined(room, "amy")
    ben, _ = await joined(room, "ben")
    await amy.send_to(bytes_data=b"\x00")
    assert await close_code(amy) == CLOSE_UNSUPPORTED_DATA
    ben2, _ = await joined(room, "ben")
    await ben2.send_to(text_data=json.dumps({"type": "chat.send", "body": "x" * 17000}))
    assert await close_code(ben2) == CLOSE_TOO_BIG
    await drain(ben)
    fac, _ = await joined(room, "facilitator")
    await fac.send_json_to({"type": "chat.send", "body": "carry on"})
    assert (await next_of(ben, "chat.message"))["message"]["body"] == "carry on"
    for ws in (amy, ben, ben2, fac):
        await ws.disconnect()


async def test_chat_flood_is_rate_limited(room):
    amy, _ = await joined(room, "amy")
    await drain(amy)
    for n in range(7):
        await amy.send_json_to({"type": "chat.send", "body": f"message {n}"})
    frames = await drain(amy, timeout=1)
    errors = [f for f in frames if f["type"] == "error"]
    assert errors and {e["code"] for e in errors} == {"rate_limited"}
    count = await database_sync_to_async(ChatMessage.objects.count)()
    assert count == 5
    await amy.disconnect()


async def test_second_vote_and_closed_poll_are_refused(room):
    fac, _ = await joined(room, "facilitator")
    amy, _ = await joined(room, "amy")
    await fac.send_json_to({"type": "poll.open", "question": "Useful?", "options": ["Yes", "No"]})
    poll = (await next_of(amy, "poll"))["poll"]
    await amy.send_json_to({"type": "poll.vote", "poll": poll["id"], "option": 0})
    assert (await next_of(amy, "poll"))["poll"]["total"] == 1
    await amy.send_json_to({"type": "poll.vote", "poll": poll["id"], "option": 1})
    assert (await next_of(amy, "error"))["code"] == "already_voted"
    await amy.send_json_to({"type": "poll.vote", "poll": poll["id"], "option": 7})
    assert (await next_of(amy, "error"))["code"] == "invalid_field"
    await fac.send_json_to({"type": "poll.close", "poll": poll["id"]})
    assert (await next_of(amy, "poll"))["poll"]["open"] is False
    await fac.send_json_to({"type": "poll.close", "poll": poll["id"]})
    assert (await next_of(fac, "error"))["code"] == "poll_closed"
    votes = await database_sync_to_async(lambda: list(PollVote.objects.values_list("option")))()
    assert votes == [(0,)]
    await fac.disconnect()
    await amy.disconnect()


# --- Snapshot plus events equals a fresh snapshot -------------------------------------------


def apply(state: dict, event: dict) -> dict:
    """The client's reducer, as the page applies events (see PROTOCOL.md)."""
    kind = event["type"]
    if kind == "presence":
        state["presence"] = event["people"]
    elif kind == "chat.message":
        # An event committed between joining the group and the snapshot arrives after a
        # snapshot that already holds it: clients drop repeats by id.
        if all(m["id"] != event["message"]["id"] for m in state["chat"]):
            state["chat"] = (state["chat"] + [event["message"]])[-live.CHAT_HISTORY :]
    elif kind == "hands":
        state["hands"] = {"queue": event["queue"], "taken": event["taken"]}
    elif kind == "agenda":
        state["agenda"] = {"items": event["items"], "current": event["current"]}
    elif kind == "case":
        state["case"] = event["case"]
    elif kind == "recommendation":
        if all(r["id"] != event["recommendation"]["id"] for r in state["recommendations"]):
            state["recommendations"].append(event["recommendation"])
    elif kind == "poll":
        polls = {p["id"]: p for p in state["polls"]}
        previous = polls.get(event["poll"]["id"], {})
        polls[event["poll"]["id"]] = {**event["poll"], "your_vote": previous.get("your_vote")}
        state["polls"] = sorted(polls.values(), key=lambda p: (not p["open"], p["id"]))
    elif kind == "session.ended":
        state["session"]["ended"] = True
    return state


async def test_snapshot_plus_events_equals_a_fresh_snapshot(room):
    fac, fac_state = await joined(room, "facilitator")
    amy, amy_state = await joined(room, "amy")
    ben, _ = await joined(room, "ben")
    case_id = room["case"].pk
    script = [
        (amy, {"type": "chat.send", "body": "Hello from the rural spoke"}),
        (ben, {"type": "hand.raise"}),
        (amy, {"type": "hand.raise"}),
        (fac, {"type": "agenda.set", "item": "introductions"}),
        (fac, {"type": "agenda.set", "item": f"case:{case_id}"}),
        (fac, {"type": "hand.next"}),
        (fac, {"type": "recommendation.add", "case": case_id, "body": "Try a night plan."}),
        (fac, {"type": "poll.open", "question": "Confident?", "options": ["Yes", "Partly"]}),
        (ben, {"type": "chat.send", "body": "<img src=x onerror=alert(1)>"}),
        (amy, {"type": "hand.lower"}),
    ]
    for sender, frame in script:
        await sender.send_json_to(frame)
        # Every step is broadcast to the whole room: once the facilitator hears it, it
        # has been applied, so the next step cannot overtake it however busy the machine.
        await fac.receive_json_from(timeout=10)
    poll_id = await database_sync_to_async(lambda: Poll.objects.get().pk)()
    await ben.send_json_to({"type": "poll.vote", "poll": poll_id, "option": 1})
    events = []
    while not any(e["type"] == "poll" and e["poll"]["total"] == 1 for e in events):
        events.append(await amy.receive_json_from(timeout=10))
    events += await drain(amy, timeout=0.5)
    assert not [e for e in events if e["type"] == "error"]
    state = amy_state
    for event in events:
        state = apply(state, event)
    fresh, fresh_connected, fresh_state = await connect(room["occurrence"].pk, room["amy"])
    # The fresh client is one more tab of Amy's: presence shows each person once.
    assert fresh_state == state
    assert fresh_state["chat"][-1]["body"] == "<img src=x onerror=alert(1)>"
    assert fresh_state["hands"]["queue"] == []
    assert fresh_state["hands"]["taken"]["name"] == "Ben Member"
    assert fresh_state["case"]["id"] == case_id
    for ws in (fac, amy, ben, fresh):
        await ws.disconnect()


async def test_state_survives_a_server_restart(room):
    amy, _ = await joined(room, "amy")
    await amy.send_json_to({"type": "chat.send", "body": "Before the restart"})
    await amy.send_json_to({"type": "hand.raise"})
    await asyncio.sleep(0.2)
    await amy.disconnect()
    # A new application instance knows only what the database holds.
    again, state = await joined(room, "amy")
    assert [m["body"] for m in state["chat"]] == ["Before the restart"]
    assert [h["name"] for h in state["hands"]["queue"]] == ["Amy Member"]
    await again.disconnect()


# --- Session end, drops and attendance ---------------------------------------------------


async def test_session_end_closes_everyone_and_writes_attendance(room):
    from django.core import mail

    fac, _ = await joined(room, "facilitator")
    amy, _ = await joined(room, "amy")
    await fac.send_json_to(
        {"type": "recommendation.add", "case": room["case"].pk, "body": "A night-time plan."}
    )
    await next_of(amy, "recommendation")
    await fac.send_json_to({"type": "session.end"})
    assert (await next_of(amy, "session.ended"))["ended_at"]
    assert await close_code(amy) == 4403
    _, connected, code = await connect(room["occurrence"].pk, room["amy"])
    assert not connected and code == 4403
    records = await database_sync_to_async(
        lambda: sorted(Attendance.objects.values_list("member__full_name", "source"))
    )()
    assert records == [
        ("Amy Member", AttendanceSource.LIVE),
        ("Fola Facilitator", AttendanceSource.LIVE),
    ]
    # The presenter receives the recommendations for her case.
    case = await database_sync_to_async(Case.objects.get)(pk=room["case"].pk)
    assert case.status == "presented"
    assert any("A night-time plan." in m.body for m in mail.outbox if m.to == [room["amy"].email])


async def test_withdrawn_approval_and_sign_out_drop_the_member(room):
    amy, _ = await joined(room, "amy")
    ben, _ = await joined(room, "ben")

    def withdraw():
        room["amy"].approval_status = ApprovalStatus.DECLINED
        room["amy"].save(update_fields=["approval_status"])

    await database_sync_to_async(withdraw)()
    assert await close_code(amy) == CLOSE_DROPPED

    def sign_out():
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.send(sender=type(room["ben"]), request=None, user=room["ben"])

    await database_sync_to_async(sign_out)()
    assert await close_code(ben) == CLOSE_DROPPED


async def test_two_tabs_appear_once_and_leaving_one_keeps_presence(room):
    amy1, _ = await joined(room, "amy")
    amy2, _ = await joined(room, "amy")
    ben, state = await joined(room, "ben")
    assert [p["name"] for p in state["presence"]] == ["Amy Member", "Ben Member"]
    await drain(ben)
    await amy1.disconnect()
    presence = await next_of(ben, "presence")
    assert [p["name"] for p in presence["people"]] == ["Amy Member", "Ben Member"]
    await amy2.disconnect()
    presence = await next_of(ben, "presence")
    assert [p["name"] for p in presence["people"]] == ["Ben Member"]
    await ben.disconnect()


def test_intervals_merge_across_tabs_and_reconnects():
    start = timezone.now().replace(microsecond=0)
    at = lambda minutes: start + datetime.timedelta(minutes=minutes)  # noqa: E731
    end = at(90)
    spans = [
        (at(-10), at(20)),  # joined early: counted from the start
        (at(10), at(30)),  # a second tab overlapping the first
        (at(30), at(31)),  # a reconnect straight after
        (at(50), at(60)),
        (at(55), at(58)),  # wholly inside another
        (at(85), at(120)),  # stayed after the end
    ]
    assert live.merged_minutes(spans, start, end) == 31 + 10 + 5
    assert live.merged_minutes([], start, end) == 0


def past_room():
    """A room whose session started an hour ago (built in the future, then moved back)."""
    from schedule.models import Occurrence

    room = build_room()
    start = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=60)
    end = start + datetime.timedelta(minutes=90)
    Occurrence.objects.filter(pk=room["occurrence"].pk).update(
        start=start, end=end, original_start=start, original_end=end
    )
    room["occurrence"].refresh_from_db()
    return room


def test_crashed_connections_are_closed_at_their_last_heartbeat():
    room = past_room()
    occurrence = room["occurrence"]
    joined_at = occurrence.start + datetime.timedelta(minutes=5)
    PresenceInterval.objects.create(
        occurrence=occurrence,
        member=room["amy"],
        channel_name="crashed",
        joined_at=joined_at,
        last_seen=joined_at + datetime.timedelta(minutes=40),
    )
    PresenceInterval.objects.create(
        occurrence=occurrence,
        member=room["amy"],
        channel_name="second-tab",
        joined_at=joined_at + datetime.timedelta(minutes=30),
        last_seen=joined_at + datetime.timedelta(minutes=35),
        left_at=joined_at + datetime.timedelta(minutes=35),
    )
    assert live.close_finished_sessions(now=occurrence.end + datetime.timedelta(minutes=1)) == 1
    interval = PresenceInterval.objects.get(channel_name="crashed")
    assert interval.left_at == joined_at + datetime.timedelta(minutes=40)
    record = Attendance.objects.get(member=room["amy"], occurrence=occurrence)
    assert (record.minutes, record.source, record.status) == (40, "live", "present")
    assert queries.attended_minutes(room["amy"]) == 40


def test_hand_marked_attendance_is_not_overwritten_by_the_connection():
    room = past_room()
    occurrence = room["occurrence"]
    services.record_attendance(occurrence, room["amy"], status="excused", by=room["facilitator"])
    PresenceInterval.objects.create(
        occurrence=occurrence,
        member=room["amy"],
        channel_name="c",
        joined_at=occurrence.start,
        last_seen=occurrence.start + datetime.timedelta(minutes=10),
    )
    live.close_finished_sessions(now=occurrence.end + datetime.timedelta(minutes=1))
    record = Attendance.objects.get(member=room["amy"])
    assert (record.status, record.source) == ("excused", "manual")


def test_chat_and_hands_add_no_attendance_queries(django_assert_max_num_queries):
    room = build_room()
    r = live.Room(room["occurrence"].pk, room["amy"], False)
    live.join(r, "channel-1")
    with django_assert_max_num_queries(8) as baseline:
        live.send_chat(r, "one")
    tables = " ".join(q["sql"] for q in baseline.captured_queries)
    assert "events_presenceinterval" not in tables, tables
    assert "events_attendance" not in tables, tables


def test_transcript_for_facilitators_only(client):
    room = build_room()
    r = live.Room(room["occurrence"].pk, room["facilitator"], True)
    live.send_chat(r, "Welcome, everyone")
    live.add_recommendation(r, room["case"].pk, "Start a night-time plan.")
    url = f"/sessions/{room['occurrence'].pk}/transcript.txt"
    client.force_login(room["amy"])
    assert client.get(url).status_code == 404
    client.force_login(room["facilitator"])
    text = client.get(url).content.decode()
    assert "Fola Facilitator: Welcome, everyone" in text
    assert "Start a night-time plan." in text


def test_live_page_for_participants_only(client):
    room = build_room()
    url = f"/sessions/{room['occurrence'].pk}/live/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(room["amy"])
    assert client.get(url).status_code == 200
    assert Case.objects.filter(pk=room["case"].pk).exists()


def test_open_practice_session_opens_a_room_for_the_demo_accounts(capsys):
    from django.core.management import call_command

    facilitator = UserFactory(email="facilitator@demo.example", roles=[roles.FACILITATORS])
    nurse = UserFactory(email="nurse@demo.example")
    UserFactory(email="teacher@demo.example")
    call_command("open_practice_session")
    output = capsys.readouterr().out
    assert "/sessions/" in output and "/live/" in output
    occurrence = Case.objects.get().occurrence
    assert live.may_join(nurse, occurrence)
    assert live.is_room_facilitator(facilitator, occurrence)


def test_presence_and_snapshot_queries_do_not_grow_with_the_room(django_assert_max_num_queries):
    room = build_room()
    occurrence = room["occurrence"]

    def arrive(person):
        PresenceInterval.objects.create(occurrence=occurrence, member=person, channel_name="c")

    arrive(room["amy"])
    with django_assert_max_num_queries(40) as presence_baseline:
        live.presence_event(occurrence)
    with django_assert_max_num_queries(60) as snapshot_baseline:
        live.snapshot(occurrence, room["amy"])
    for _ in range(25):
        person = UserFactory()
        services.register_for_occurrence(person, occurrence)
        arrive(person)
        live.send_chat(live.Room(occurrence.pk, person, False), "hello")
    with django_assert_max_num_queries(len(presence_baseline.captured_queries)):
        assert len(live.presence_event(occurrence)["people"]) == 26
    with django_assert_max_num_queries(len(snapshot_baseline.captured_queries)):
        live.snapshot(occurrence, room["amy"])


async def test_cases_and_polls_of_another_session_are_not_found(room):
    def other_session():
        from schedule.models import Occurrence

        second = make_event(
            title="Another ECHO",
            kind=EventKind.ECHO_SESSION,
            start=room["occurrence"].start,
        )
        services.create_programme(
            name="Another ECHO",
            slug="another-echo",
            description="",
            series=second,
            cycle_start=room["occurrence"].start.date(),
            cycle_end=room["occurrence"].start.date(),
            hub_team=[room["facilitator"]],
        )
        occurrence = Occurrence.objects.get(event=second)
        services.register_for_occurrence(room["amy"], occurrence)
        case = services.submit_case(
            room["amy"],
            occurrence,
            services.CaseData(
                title="Elsewhere",
                age_band="1_4",
                condition_group="act2",
                summary="A toddler.",
                question="?",
            ),
        )
        services.review_case(case, by=room["facilitator"], decision="accept")
        other_room = live.Room(occurrence.pk, room["facilitator"], True)
        live.open_poll(other_room, "Elsewhere?", ["Yes", "No"])
        return case.pk, Poll.objects.get(occurrence=occurrence).pk

    case_id, poll_id = await database_sync_to_async(other_session)()
    fac, _ = await joined(room, "facilitator")
    amy, _ = await joined(room, "amy")
    await drain(fac)
    await drain(amy)
    for sender, frame in [
        (fac, {"type": "case.show", "case": case_id}),
        (fac, {"type": "agenda.set", "item": f"case:{case_id}"}),
        (fac, {"type": "recommendation.add", "case": case_id, "body": "Wrong room"}),
        (fac, {"type": "poll.close", "poll": poll_id}),
        (amy, {"type": "poll.vote", "poll": poll_id, "option": 0}),
    ]:
        await sender.send_json_to(frame)
        assert (await next_of(sender, "error"))["code"] == "not_found", frame
    assert await database_sync_to_async(PollVote.objects.count)() == 0
    assert await database_sync_to_async(Recommendation.objects.count)() == 0
    poll = await database_sync_to_async(Poll.objects.get)(pk=poll_id)
    assert poll.closed_at is None
    await fac.disconnect()
    await amy.disconnect()


@pytest.mark.parametrize(
    "body",
    [
        "nul \u0000 byte",
        "lone \ud800 surrogate",
        "\udfff",
        "\u200b\u200b",
        " \u202e ",
        ["a list"],
        {"an": "object"},
        None,
    ],
)
async def test_unstorable_or_wrong_chat_text_gets_an_error(room, body):
    amy, _ = await joined(room, "amy")
    await drain(amy)
    await amy.send_to(text_data=json.dumps({"type": "chat.send", "body": body}))
    assert (await next_of(amy, "error"))["code"] == "invalid_field"
    await amy.send_json_to({"type": "chat.send", "body": "ok \u202e\u200b 🙂"})
    assert (await next_of(amy, "chat.message"))["message"]["body"] == "ok \u202e\u200b 🙂"
    await amy.disconnect()


IDENTIFYING_FRAMES = [
    ({"type": "chat.send", "body": "Oliver Smith's mum rang again"}, "Oliver Smith"),
    ({"type": "chat.send", "body": "His NHS number is 943 476 5919"}, "943 476 5919"),
    ({"type": "chat.send", "body": "DOB 12/03/2019, lives at LS1 4AP"}, "12/03/2019"),
    ({"type": "chat.send", "body": "Dad's NI is QQ 12 34 56 C"}, "QQ 12 34 56 C"),
    ({"type": "chat.send", "body": "Ring Mrs Jones on 07700 900123"}, "Mrs Jones"),
    ({"type": "recommendation.add", "case": "accepted", "body": "Call Mrs Jones"}, "Mrs Jones"),
    (
        {"type": "poll.open", "question": "Admit to RXH-1234567?", "options": ["Yes", "No"]},
        "RXH-1234567",
    ),
    (
        {"type": "poll.open", "question": "Which?", "options": ["Oliver Smith", "The other"]},
        "Oliver Smith",
    ),
]


@pytest.mark.parametrize(("frame", "found"), IDENTIFYING_FRAMES)
async def test_identifying_text_in_the_room_is_refused_and_never_broadcast(room, frame, found):
    if frame.get("case") == "accepted":
        frame = {**frame, "case": room["case"].pk}
    fac, _ = await joined(room, "facilitator")
    ben, _ = await joined(room, "ben")
    await drain(fac)
    await drain(ben)
    before = await database_sync_to_async(_stored_counts)(room["occurrence"].pk)
    await fac.send_json_to(frame)
    error = await next_of(fac, "error")
    assert error["code"] == "identifiable"
    assert f"Remove or reword “{found}”" in error["message"]
    assert await drain(ben) == []
    assert await database_sync_to_async(_stored_counts)(room["occurrence"].pk) == before
    await fac.send_json_to({"type": "chat.send", "body": "A 9-year-old, agitated at night."})
    message = (await next_of(ben, "chat.message"))["message"]
    assert message["body"] == "A 9-year-old, agitated at night."
    await fac.disconnect()
    await ben.disconnect()
