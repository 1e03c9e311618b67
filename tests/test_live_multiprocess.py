"""The live room across two Daphne processes that share one database and one Redis.

Members connected to different server processes must see the same room: chat,
presence and the hands queue travel through the Redis channel layer, not
through any one process's memory. Real websocket clients (the `websockets`
library) talk to two real Daphne processes.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from websockets.asyncio.client import ClientConnection, connect

from events import services
from events.models import EventKind
from members import roles
from members.tests.factories import UserFactory, session_cookie
from tests.rig import free_port

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

RECEIVE_TIMEOUT = 10.0


# --- Servers ------------------------------------------------------------------------------------


def start_daphne(port: int, log_path: Path) -> tuple[subprocess.Popen, object]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cop_site.settings.test",
        "TEST_DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
        + ["cop_site.asgi:application"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, log


def wait_for_port(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("Daphne did not start:\n" + log_path.read_text()) from None
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


# --- Data ---------------------------------------------------------------------------------------


def open_echo_session(facilitator):
    """An ECHO session starting in five minutes: its room is open now."""
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=5)
    event = services.create_event(
        services.EventData(
            title="Multi-process ECHO",
            kind=EventKind.ECHO_SESSION,
            start=start,
            end=start + datetime.timedelta(minutes=90),
            video_link="https://meet.jit.si/network-commons-test",
        ),
        by=None,
    )
    services.create_programme(
        name="Multi-process ECHO",
        slug="multi-process-echo",
        description="Two servers, one room.",
        series=event,
        cycle_start=start.date(),
        cycle_end=start.date(),
        hub_team=[facilitator],
    )
    return event.occurrence_set.order_by("start").first()


# --- Clients ------------------------------------------------------------------------------------


async def open_socket(port: int, session_id: int, cookie: str) -> ClientConnection:
    return await connect(
        f"ws://127.0.0.1:{port}/ws/sessions/{session_id}/",
        additional_headers=[("Origin", f"http://127.0.0.1:{port}"), ("Cookie", cookie)],
        proxy=None,
        open_timeout=RECEIVE_TIMEOUT,
    )


async def receive(ws: ClientConnection) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT))


async def wait_for(ws: ClientConnection, wanted: Callable[[dict], bool], what: str) -> dict:
    """Read frames until one matches; every frame must arrive within the timeout."""
    seen = []
    for _ in range(50):
        try:
            frame = await receive(ws)
        except TimeoutError:
            raise AssertionError(f"no {what}; frames seen: {seen}") from None
        if wanted(frame):
            return frame
        seen.append(frame["type"])
    raise AssertionError(f"no {what} in 50 frames: {seen}")


async def send(ws: ClientConnection, **frame) -> None:
    await ws.send(json.dumps(frame))


def presence_ids(frame: dict) -> set[int]:
    people = frame["presence"] if frame["type"] == "state" else frame["people"]
    return {person["id"] for person in people}


async def scenario(port_a: int, port_b: int, session_id: int, people: dict) -> None:
    alice_id, alice_cookie = people["alice"]
    bob_id, bob_cookie = people["bob"]
    fola_id, fola_cookie = people["fola"]
    everyone = {alice_id, bob_id, fola_id}

    alice = await open_socket(port_a, session_id, alice_cookie)  # on A
    bob = await open_socket(port_b, session_id, bob_cookie)  # on B
    fola = await open_socket(port_b, session_id, fola_cookie)  # on B
    sockets = {"alice": alice, "bob": bob, "fola": fola}
    try:
        states = {}
        for name, ws in sockets.items():
            first = await receive(ws)
            assert first["type"] == "state", f"{name} first got {first['type']}"
            states[name] = first
        assert states["alice"]["you"] == {
            "id": alice_id,
            "name": "Alice Adams",
            "is_facilitator": False,
        }
        assert states["fola"]["you"]["is_facilitator"] is True

        # Presence lists all three people, on both servers.
        for name, ws in sockets.items():
            if presence_ids(states[name]) != everyone:
                await wait_for(
                    ws,
                    lambda f: f["type"] == "presence" and presence_ids(f) == everyone,
                    f"presence with everyone for {name}",
                )

        # Chat from A reaches B ...
        await send(alice, type="chat.send", body="Hello from server A")
        for name, ws in sockets.items():
            frame = await wait_for(ws, lambda f: f["type"] == "chat.message", f"chat for {name}")
            assert frame["message"]["body"] == "Hello from server A"
            assert frame["message"]["author"] == {"id": alice_id, "name": "Alice Adams"}

        # ... and chat from B reaches A.
        await send(bob, type="chat.send", body="Hello from server B")
        for name, ws in sockets.items():
            frame = await wait_for(ws, lambda f: f["type"] == "chat.message", f"chat for {name}")
            assert frame["message"]["body"] == "Hello from server B"
            assert frame["message"]["author"]["id"] == bob_id

        # A hand raised on A is in the queue on B.
        await send(alice, type="hand.raise")
        for name, ws in sockets.items():
            frame = await wait_for(ws, lambda f: f["type"] == "hands", f"hands for {name}")
            assert [hand["id"] for hand in frame["queue"]] == [alice_id], name
            assert frame["taken"] is None

        # The facilitator on B takes it; A sees the hand taken.
        await send(fola, type="hand.next")
        for name, ws in sockets.items():
            frame = await wait_for(ws, lambda f: f["type"] == "hands", f"hand taken for {name}")
            assert frame["queue"] == [], name
            assert frame["taken"] == {"id": alice_id, "name": "Alice Adams"}
    finally:
        await asyncio.gather(
            *(asyncio.wait_for(ws.close(), 5) for ws in sockets.values()),
            return_exceptions=True,
        )


def test_two_daphne_processes_share_one_room(django_db_setup, tmp_path):
    fola = UserFactory(full_name="Fola Facilitator", roles=[roles.FACILITATORS])
    alice = UserFactory(full_name="Alice Adams")
    bob = UserFactory(full_name="Bob Brown")
    session = open_echo_session(fola)
    for member in (alice, bob):
        services.register_for_occurrence(member, session)
    people = {
        "alice": (alice.pk, session_cookie(alice)),
        "bob": (bob.pk, session_cookie(bob)),
        "fola": (fola.pk, session_cookie(fola)),
    }

    port_a, port_b = free_port(), free_port()
    while port_b == port_a:
        port_b = free_port()
    servers = []
    try:
        for port, name in ((port_a, "a"), (port_b, "b")):
            servers.append((*start_daphne(port, tmp_path / f"daphne-{name}.out"), port, name))
        for process, _log, port, name in servers:
            wait_for_port(process, port, tmp_path / f"daphne-{name}.out")
        asyncio.run(scenario(port_a, port_b, session.pk, people))
    finally:
        for process, log, _port, _name in servers:
            stop(process)
            log.close()
