"""Close codes as a browser sees them, through a real Daphne (which refuses some codes)."""

from __future__ import annotations

import asyncio
import json

import pytest
import websockets

from members.consumers import CLOSE_NOT_SIGNED_IN, CLOSE_TOO_BIG, CLOSE_UNSUPPORTED_DATA
from members.tests.factories import UserFactory, session_cookie

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_close_codes_reach_the_client_through_daphne(live_daphne):
    cookie = session_cookie(UserFactory())
    url = live_daphne.url.replace("http://", "ws://") + "/ws/ping/"
    origin = [("Origin", live_daphne.url)]

    async def close_code(frame=None, headers=()):
        """The code the server closed with, or None when the socket stayed open."""
        async with websockets.connect(url, additional_headers=[*origin, *headers]) as ws:
            try:
                if frame is None:
                    await ws.send(json.dumps({"type": "ping"}))
                    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "pong"}
                    await ws.send("not json")
                    reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    assert reply["code"] == "invalid_json"
                    return None
                await ws.send(frame)
                await asyncio.wait_for(ws.recv(), 10)
            except websockets.ConnectionClosed as closed:
                return closed.rcvd.code
        return None

    async def scenario():
        member = [("Cookie", cookie)]
        assert await close_code(headers=member) is None
        assert await close_code(b"\x00\x01", member) == CLOSE_UNSUPPORTED_DATA
        assert await close_code("x" * 17_000, member) == CLOSE_TOO_BIG
        assert await close_code('{"type": "ping"}') == CLOSE_NOT_SIGNED_IN

    asyncio.run(scenario())
