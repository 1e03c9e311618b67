"""The `/ws/ping/` route on the real ASGI application and the Redis channel layer."""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings

from cop_site.asgi import application
from members.consumers import (
    CLOSE_FORBIDDEN,
    CLOSE_NOT_SIGNED_IN,
    CLOSE_TOO_BIG,
    CLOSE_UNSUPPORTED_DATA,
    MAX_FRAME_BYTES,
)
from members.models import ApprovalStatus
from members.tests.factories import UserFactory, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ORIGIN = (b"origin", b"http://127.0.0.1")


@database_sync_to_async
def session_cookie_for(**user_fields) -> bytes:
    return session_cookie(UserFactory(**user_fields)).encode()


def communicator(*headers: tuple[bytes, bytes]) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, "/ws/ping/", headers=list(headers))


async def refusal_code(ws: WebsocketCommunicator) -> int | None:
    """The close code of a refused connection. Refusals complete the handshake and close at
    once, so that browsers see the code rather than a bare HTTP 403."""
    connected, code = await ws.connect()
    if not connected:
        return code
    output = await ws.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    return output["code"]


async def test_channel_layer_is_redis():
    assert settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"


async def test_member_gets_pong():
    cookie = await session_cookie_for()
    ws = communicator(ORIGIN, (b"cookie", cookie))
    connected, _ = await ws.connect()
    assert connected
    await ws.send_to(text_data=json.dumps({"type": "ping"}))
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


async def test_anonymous_is_refused():
    assert await refusal_code(communicator(ORIGIN)) == CLOSE_NOT_SIGNED_IN


@pytest.mark.parametrize("status", [ApprovalStatus.PENDING, ApprovalStatus.DECLINED])
async def test_unapproved_user_is_refused(status):
    cookie = await session_cookie_for(approval_status=status)
    assert await refusal_code(communicator(ORIGIN, (b"cookie", cookie))) == CLOSE_FORBIDDEN


async def test_inactive_user_is_refused():
    cookie = await session_cookie_for(is_active=False)
    assert await refusal_code(communicator(ORIGIN, (b"cookie", cookie))) in {
        CLOSE_NOT_SIGNED_IN,
        CLOSE_FORBIDDEN,
    }


@pytest.mark.parametrize(
    "origin", [b"http://evil.example", b"null", b"http://127.0.0.1.evil.example"]
)
async def test_foreign_origin_is_refused(origin):
    cookie = await session_cookie_for()
    ws = communicator((b"origin", origin), (b"cookie", cookie))
    connected, _ = await ws.connect()
    assert not connected


async def test_missing_origin_is_refused():
    cookie = await session_cookie_for()
    ws = communicator((b"cookie", cookie))
    connected, _ = await ws.connect()
    assert not connected


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "invalid_json"),
        ("[" * 5000, "invalid_json"),
        ("[1, 2]", "invalid_message"),
        ('"ping"', "invalid_message"),
        ("null", "invalid_message"),
        ("{}", "missing_type"),
        ('{"type": 7}', "missing_type"),
        ('{"type": "pong"}', "unknown_type"),
        ('{"type": "chat.send", "body": "hi"}', "unknown_type"),
        ('{"type": "ping", "extra": 1}', "unexpected_fields"),
        ('{"type": "__init__"}', "unknown_type"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_open(frame, code):
    cookie = await session_cookie_for()
    ws = communicator(ORIGIN, (b"cookie", cookie))
    assert (await ws.connect())[0]
    await ws.send_to(text_data=frame)
    reply = await ws.receive_json_from()
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert reply["message"]
    await ws.send_to(text_data='{"type": "ping"}')
    assert await ws.receive_json_from() == {"type": "pong"}
    await ws.disconnect()


async def test_binary_frame_closes_with_unsupported_data():
    cookie = await session_cookie_for()
    ws = communicator(ORIGIN, (b"cookie", cookie))
    assert (await ws.connect())[0]
    await ws.send_to(bytes_data=b"\x00\x01")
    assert await ws.receive_output() == {"type": "websocket.close", "code": CLOSE_UNSUPPORTED_DATA}
    await ws.disconnect()


async def test_oversize_frame_closes_with_too_big():
    cookie = await session_cookie_for()
    ws = communicator(ORIGIN, (b"cookie", cookie))
    assert (await ws.connect())[0]
    frame = json.dumps({"type": "ping", "padding": "x" * MAX_FRAME_BYTES})
    await ws.send_to(text_data=frame)
    assert await ws.receive_output() == {"type": "websocket.close", "code": CLOSE_TOO_BIG}
    await ws.disconnect()
