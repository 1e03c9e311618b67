"""The live ECHO session room over Channels. The protocol is in `events/PROTOCOL.md`."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from django.utils.translation import gettext as _

from members.consumers import CLOSE_FORBIDDEN, MemberJsonConsumer, ProtocolError

from . import live

CLOSE_DROPPED = 4408
CHAT_LIMIT = (5, 10.0)  # messages, seconds
FRAME_LIMIT = (20, 1.0)
HEARTBEAT_EVERY = 30.0


class SessionConsumer(MemberJsonConsumer):
    handlers: ClassVar[dict[str, str]] = {
        "chat.send": "chat_send",
        "hand.raise": "hand_raise",
        "hand.lower": "hand_lower",
        "poll.vote": "poll_vote",
        "heartbeat": "heartbeat",
        "agenda.set": "agenda_set",
        "case.show": "case_show",
        "hand.next": "hand_next",
        "hand.clear": "hand_clear",
        "recommendation.add": "recommendation_add",
        "poll.open": "poll_open",
        "poll.close": "poll_close",
        "session.end": "session_end",
    }

    room: live.Room | None = None
    interval_id: int | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Broadcasts never touch the database: skip Channels' per-message
        # close_old_connections() thread hop, which dominates fan-out cost.
        if message["type"] == "room.event":
            await self.room_event(message)
            return
        await super().dispatch(message)

    async def may_connect(self, user: Any) -> bool:
        occurrence_id = self.scope["url_route"]["kwargs"]["session_id"]
        room = await database_sync_to_async(self._admit)(user, occurrence_id)
        if room is None:
            return False
        self.room = room
        return True

    @staticmethod
    def _admit(user: Any, occurrence_id: int) -> live.Room | None:
        occurrence = live.get_session(occurrence_id)
        if not live.may_join(user, occurrence):
            return None
        return live.Room(
            occurrence_id=occurrence.pk,
            user=user,
            is_facilitator=live.is_room_facilitator(user, occurrence),
        )

    async def on_accepted(self) -> None:
        self.chat_times: deque[float] = deque()
        self.frame_times: deque[float] = deque()
        self.last_heartbeat = time.monotonic()
        await self.channel_layer.group_add(
            live.room_group(self.room.occurrence_id), self.channel_name
        )
        await self.channel_layer.group_add(live.member_group(self.room.user.pk), self.channel_name)
        self.interval_id = await database_sync_to_async(self._join)()
        await self.send_json(await database_sync_to_async(self._snapshot)())

    def _join(self) -> int:
        return live.join(self.room, self.channel_name).pk

    def _snapshot(self) -> dict:
        occurrence = live.get_session(self.room.occurrence_id)
        return live.snapshot(occurrence, self.room.user)

    async def disconnect(self, code: int) -> None:
        if self.room is None:
            return
        await self.channel_layer.group_discard(
            live.room_group(self.room.occurrence_id), self.channel_name
        )
        await self.channel_layer.group_discard(
            live.member_group(self.room.user.pk), self.channel_name
        )
        if self.interval_id is not None:
            await database_sync_to_async(live.leave)(self.room, self.interval_id)
            self.interval_id = None

    # --- Incoming frames ----------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.room is None:
            return
        if text_data is not None and not self._within(self.frame_times, FRAME_LIMIT):
            await self.send_error("rate_limited", _("Too many messages: slow down."))
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data)

    @staticmethod
    def _within(times: deque[float], limit: tuple[int, float]) -> bool:
        count, seconds = limit
        now = time.monotonic()
        while times and now - times[0] > seconds:
            times.popleft()
        if len(times) >= count:
            return False
        times.append(now)
        return True

    async def _apply(self, change, *args: Any) -> None:
        """Run a change from `events.live` in a transaction; its broadcast leaves on commit.
        A heartbeat that is due rides along in the same trip to the database thread."""
        beat = self._heartbeat_due()
        try:
            await database_sync_to_async(self._change_and_beat)(change, args, beat)
        except live.LiveError as error:
            raise ProtocolError(error.code, error.message) from None

    def _change_and_beat(self, change, args: tuple, beat: bool) -> None:
        if beat:
            live.heartbeat(self.interval_id)
        change(self.room, *args)

    def _heartbeat_due(self) -> bool:
        now = time.monotonic()
        if self.interval_id is not None and now - self.last_heartbeat >= HEARTBEAT_EVERY:
            self.last_heartbeat = now
            return True
        return False

    async def _beat(self) -> None:
        if self._heartbeat_due():
            await database_sync_to_async(live.heartbeat)(self.interval_id)

    async def chat_send(self, message: dict[str, Any]) -> None:
        if not self._within(self.chat_times, CHAT_LIMIT):
            raise ProtocolError("rate_limited", _("You are sending messages too quickly."))
        await self._apply(live.send_chat, message.get("body"))

    async def hand_raise(self, message: dict[str, Any]) -> None:
        await self._apply(live.raise_hand)

    async def hand_lower(self, message: dict[str, Any]) -> None:
        await self._apply(live.lower_hand)

    async def poll_vote(self, message: dict[str, Any]) -> None:
        await self._apply(live.vote, message.get("poll"), message.get("option"))

    async def heartbeat(self, message: dict[str, Any]) -> None:
        await self._beat()

    async def agenda_set(self, message: dict[str, Any]) -> None:
        await self._apply(live.set_agenda, message.get("item"))

    async def case_show(self, message: dict[str, Any]) -> None:
        await self._apply(live.show_case, message.get("case"))

    async def hand_next(self, message: dict[str, Any]) -> None:
        await self._apply(live.next_hand)

    async def hand_clear(self, message: dict[str, Any]) -> None:
        await self._apply(live.clear_hand, message.get("user"))

    async def recommendation_add(self, message: dict[str, Any]) -> None:
        await self._apply(live.add_recommendation, message.get("case"), message.get("body"))

    async def poll_open(self, message: dict[str, Any]) -> None:
        await self._apply(live.open_poll, message.get("question"), message.get("options"))

    async def poll_close(self, message: dict[str, Any]) -> None:
        await self._apply(live.close_poll, message.get("poll"))

    async def session_end(self, message: dict[str, Any]) -> None:
        await self._apply(live.end_session)

    # --- From the channel layer ---------------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        for text in message["texts"]:
            await self.send(text_data=text)
            if text.startswith('{"type":"session.ended"'):
                await self.close(code=CLOSE_FORBIDDEN)

    async def member_drop(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_DROPPED)
