"""The pattern every live consumer follows, and the `/ws/ping/` route that proves it.

Frames are JSON text objects `{"type": ..., ...}`. A consumer:
- checks permission in `connect()` and, when it fails, accepts and at once
  closes with a code (4401 not signed in, 4403 not allowed): a close before
  the handshake completes reaches browsers only as an HTTP 403, code 1006;
- closes with 4003 for a binary frame and 4009 for a frame over
  `MAX_FRAME_BYTES`;
- answers anything else it cannot accept with an `error` frame
  `{"type": "error", "code": ..., "message": ...}` to that client only, and
  carries on;
- dispatches on a fixed table of handlers, so a client-supplied type never
  reaches the channel layer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from members import permissions

CLOSE_NOT_SIGNED_IN = 4401
CLOSE_FORBIDDEN = 4403
# Daphne only lets applications close with 1000 or 3000-4999, so the standard
# 1003 ("unsupported data") and 1009 ("too big") are offered as 4003 and 4009.
CLOSE_UNSUPPORTED_DATA = 4003
CLOSE_TOO_BIG = 4009

MAX_FRAME_BYTES = 16 * 1024

logger = logging.getLogger(__name__)

Handler = Callable[[Any, dict[str, Any]], Awaitable[None]]


class ProtocolError(Exception):
    """A frame that breaks the protocol; becomes an `error` frame to its sender."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class MemberJsonConsumer(AsyncWebsocketConsumer):
    """Base for websocket consumers open to approved members.

    Subclasses fill `handlers` with `{"type": "method_name"}` and may override
    `may_connect()` for a narrower rule.
    """

    handlers: ClassVar[dict[str, str]] = {}
    refused = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.refuse(CLOSE_NOT_SIGNED_IN)
            return
        if not await self.may_connect(user):
            await self.refuse(CLOSE_FORBIDDEN)
            return
        await self.accept()
        await self.on_accepted()

    async def refuse(self, code: int) -> None:
        """Complete the handshake and close at once, so the client learns the code."""
        self.refused = True
        await self.accept()
        await self.close(code=code)

    async def may_connect(self, user: Any) -> bool:
        return await database_sync_to_async(permissions.is_approved_member)(user)

    async def on_accepted(self) -> None:
        """Hook for subclasses: join groups, send a snapshot."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.refused:
            return
        if bytes_data is not None:
            await self.close(code=CLOSE_UNSUPPORTED_DATA)
            return
        if text_data is None:
            return
        if len(text_data.encode("utf-8", errors="surrogatepass")) > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_TOO_BIG)
            return
        try:
            message = self.parse(text_data)
            handler = getattr(self, self.handlers[message["type"]])
            await handler(message)
        except ProtocolError as error:
            await self.send_error(error.code, error.message)
        except Exception:
            # A frame must never take the connection (or the room) down with it.
            logger.exception("Unexpected error handling a websocket frame")
            await self.send_error(
                "internal_error", _("Something went wrong with that message; nothing was saved.")
            )

    def parse(self, text_data: str) -> dict[str, Any]:
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):
            raise ProtocolError("invalid_json", _("The message is not valid JSON.")) from None
        if not isinstance(message, dict):
            raise ProtocolError("invalid_message", _("The message must be a JSON object."))
        message_type = message.get("type")
        if not isinstance(message_type, str):
            raise ProtocolError("missing_type", _("The message has no type."))
        if message_type not in self.handlers:
            raise ProtocolError("unknown_type", _("This message type is not known."))
        return message

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def send_error(self, code: str, message: str) -> None:
        await self.send_json({"type": "error", "code": code, "message": message})


class PingConsumer(MemberJsonConsumer):
    """Answers `{"type": "ping"}` with `{"type": "pong"}`: proves the live stack end to end."""

    handlers: ClassVar[dict[str, str]] = {"ping": "handle_ping"}

    async def handle_ping(self, message: dict[str, Any]) -> None:
        if set(message) != {"type"}:
            raise ProtocolError("unexpected_fields", _("A ping carries no other fields."))
        await self.send_json({"type": "pong"})
