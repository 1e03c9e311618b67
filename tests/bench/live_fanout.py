"""Fan-out benchmark for the live ECHO room: time until the last client has a chat message.

    .venv/bin/python tests/bench/live_fanout.py [--clients 300] [--messages 40]

Starts its own PostgreSQL and Redis (`tests.rig.Services`), migrates a fresh
database, creates one open ECHO session with `--clients` registered members and
a facilitator, then for each scenario starts one server, connects every member
and the facilitator (one asyncio loop, in batches), waits for their `state`
snapshots and for presence to settle, and sends `--messages` chat messages one
at a time: each is timed from its send to the moment the last client (sender
included) received it. Senders rotate among `--senders` connections so the
consumer's chat rate limit (5 per 10 s per connection) never applies.

Scenarios, for the core (`RedisChannelLayer`) and pub/sub
(`RedisPubSubChannelLayer`, `tests/bench/settings_pubsub.py`) layers:
- app: Daphne serving `cop_site.asgi:application` — the live room itself;
- channels floor: Daphne serving `tests/bench/floor_asgi.py`, a stock consumer
  that re-broadcasts every frame to its group (and `floor-direct`, the same
  without Channels' per-message database hop, with `--direct-floor`);
and once, the Python floor: a broadcast server on the `websockets` library.

Not a test: pytest collects only `test_*.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import gc
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MARK = "bench:"
CONNECT_BATCH = 10
CONNECT_ATTEMPTS = 3
QUIET = 2.0  # seconds without presence frames before measuring
MESSAGE_TIMEOUT = 30.0
CHAT_WINDOW = (5, 10.5)  # the consumer's limit, with a margin

LAYERS = {
    "core": "cop_site.settings.test",
    "pubsub": "tests.bench.settings_pubsub",
}


# --- Servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path
    log: object

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{self.tail()}") from None
                time.sleep(0.1)

    def tail(self, lines: int = 30) -> str:
        """The end of the server's output, without the websocket access log."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if '"WS' not in line]
        return "\n".join(kept[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.log.close()


def start_server(args: list[str], env: dict, log_path: Path) -> Server:
    port = free_port()
    log = open(log_path, "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, *[a.replace("{port}", str(port)) for a in args]],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(process, port, log_path, log)
    try:
        server.wait_ready()
    except Exception:
        server.stop()
        raise
    return server


def daphne(
    application: str, settings_module: str, env: dict, log_path: Path, *, gc_freeze: bool
) -> Server:
    daphne_args = ["-b", "127.0.0.1", "-p", "{port}", application]
    if gc_freeze:
        launcher = [str(Path(__file__).resolve()), "--run-frozen-daphne", *daphne_args]
    else:
        launcher = ["-m", "daphne", *daphne_args]
    return start_server(launcher, {**env, "DJANGO_SETTINGS_MODULE": settings_module}, log_path)


def run_frozen_daphne(daphne_args: list[str]) -> None:
    """Daphne with the application imported first and every object alive then frozen.

    `gc.freeze()` moves Django's (and Wagtail's) start-up objects out of the
    collector's reach, so a full collection no longer walks the whole heap.
    """
    import gc
    import importlib

    from daphne.cli import CommandLineInterface

    module, _, _attr = daphne_args[-1].partition(":")
    importlib.import_module(module)
    gc.collect()
    gc.freeze()
    CommandLineInterface().run(daphne_args)


async def serve_python_floor(port: int) -> None:
    """Python's floor: every text frame received goes to every connected client."""
    from websockets.asyncio.server import broadcast, serve

    clients = set()

    async def handler(ws) -> None:
        clients.add(ws)
        try:
            async for message in ws:
                broadcast(clients, message)
        finally:
            clients.discard(ws)

    stop = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set_result, None)
    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
        await stop


# --- Data -----------------------------------------------------------------------------------------


@dataclass
class Room:
    session_id: int
    cookies: list[str]  # the facilitator's first


def create_database(services) -> None:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=services.pg_port, user="postgres", dbname="postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE network_commons")


def build_room(clients: int) -> Room:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from events import services
    from events.models import EventKind, Registration, RegistrationStatus
    from members import roles
    from members.models import (
        ApprovalStatus,
        Organisation,
        OrganisationKind,
        Profession,
        StaffGroup,
        User,
    )

    organisation = Organisation.objects.create(
        name="Bench Community Nursing",
        slug="bench-community-nursing",
        kind=OrganisationKind.COMMUNITY_NURSING,
    )
    password = make_password("bench-password-91")
    users = User.objects.bulk_create(
        [
            User(
                email=f"bench{i}@bench.example",
                full_name=f"Bench Member {i:04d}" if i else "Bench Facilitator",
                organisation=organisation,
                staff_group=StaffGroup.CLINICAL,
                profession=Profession.NURSE,
                job_title="Community children's nurse",
                approval_status=ApprovalStatus.APPROVED,
                password=password,
            )
            for i in range(clients + 1)
        ]
    )
    facilitator, members = users[0], users[1:]
    facilitator.groups.add(Group.objects.get(name=roles.FACILITATORS))

    start = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=5)
    event = services.create_event(
        services.EventData(
            title="Fan-out bench ECHO",
            kind=EventKind.ECHO_SESSION,
            start=start,
            end=start + datetime.timedelta(minutes=120),
            video_link="https://meet.jit.si/network-commons-bench",
        ),
        by=None,
    )
    services.create_programme(
        name="Fan-out bench ECHO",
        slug="fan-out-bench-echo",
        description="Benchmark room.",
        series=event,
        cycle_start=start.date(),
        cycle_end=start.date(),
        hub_team=[facilitator],
    )
    occurrence = event.occurrence_set.order_by("start").first()
    Registration.objects.bulk_create(
        [
            Registration(occurrence=occurrence, member=member, status=RegistrationStatus.REGISTERED)
            for member in members
        ]
    )

    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(days=1)
    sessions = [
        Session(
            session_key=secrets.token_hex(16),
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                }
            ),
            expire_date=expires,
        )
        for user in users
    ]
    Session.objects.bulk_create(sessions)
    cookies = [f"{settings.SESSION_COOKIE_NAME}={s.session_key}" for s in sessions]
    return Room(session_id=occurrence.pk, cookies=cookies)


def reset_room(room: Room, redis_url: str) -> None:
    """Forget the last scenario: close its presence intervals, drop its chat, empty Redis."""
    import redis
    from django.db import connections
    from django.utils import timezone

    from events.models import Attendance, ChatMessage, PresenceInterval

    PresenceInterval.objects.filter(left_at__isnull=True).update(left_at=timezone.now())
    ChatMessage.objects.filter(occurrence_id=room.session_id).delete()
    Attendance.objects.filter(occurrence_id=room.session_id).delete()
    connections.close_all()
    client = redis.Redis.from_url(redis_url)
    client.flushall()
    client.close()


# --- Clients --------------------------------------------------------------------------------------


@dataclass
class Fleet:
    """Every client's frames, counted in the one event loop."""

    expected: int = 0
    states: int = 0
    errors: list[str] = field(default_factory=list)
    closed: int = 0
    other_frames: int = 0
    last_other: float = 0.0
    counts: dict[int, int] = field(default_factory=dict)
    last_arrival: dict[int, float] = field(default_factory=dict)
    complete: dict[int, asyncio.Event] = field(default_factory=dict)

    def on_frame(self, text: str, now: float) -> None:
        if text.startswith('{"type":"state"'):
            self.states += 1
            self.last_other = now
            return
        start = text.find(MARK)
        if start >= 0:
            start += len(MARK)
            k = int(text[start : text.index(":", start)])
            count = self.counts.get(k, 0) + 1
            self.counts[k] = count
            if count == self.expected:
                self.last_arrival[k] = now
                self.complete.setdefault(k, asyncio.Event()).set()
            return
        if text.startswith('{"type":"error"'):
            self.errors.append(text[:200])
        self.other_frames += 1
        self.last_other = now


async def read_frames(ws, fleet: Fleet) -> None:
    from websockets.exceptions import ConnectionClosed

    try:
        async for text in ws:
            fleet.on_frame(text, time.perf_counter())
    except ConnectionClosed:
        pass
    finally:
        fleet.closed += 1


async def open_client(url: str, origin: str, cookie: str | None):
    from websockets.asyncio.client import connect

    headers = [("Origin", origin)]
    if cookie:
        headers.append(("Cookie", cookie))
    return await connect(
        url,
        additional_headers=headers,
        proxy=None,
        compression=None,
        open_timeout=60,
        ping_interval=None,
        close_timeout=2,
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Result:
    scenario: str
    clients: int
    latencies: list[float]  # seconds
    lost: int
    connect_seconds: float
    server_cpu_per_message: float  # seconds
    client_cpu_per_message: float
    notes: str = ""

    def ms(self, p: float) -> float:
        return percentile(self.latencies, p) * 1000


async def measure(
    name: str,
    url: str,
    origin: str,
    cookies: list[str | None],
    *,
    messages: int,
    warmup: int,
    senders: int,
    gap: float,
    expect_state: bool,
    server: Server,
    profile: Path | None = None,
) -> Result:
    fleet = Fleet()
    sockets = []
    readers = []
    spy: subprocess.Popen | None = None
    started = time.perf_counter()
    try:
        retries = 0
        for first in range(0, len(cookies), CONNECT_BATCH):
            pending = cookies[first : first + CONNECT_BATCH]
            for attempt in range(CONNECT_ATTEMPTS):
                opened = await asyncio.gather(
                    *(open_client(url, origin, cookie) for cookie in pending),
                    return_exceptions=True,
                )
                failed = []
                for cookie, ws in zip(pending, opened, strict=True):
                    if isinstance(ws, BaseException):
                        failed.append((cookie, ws))
                        continue
                    sockets.append(ws)
                    readers.append(asyncio.create_task(read_frames(ws, fleet)))
                if expect_state:
                    await _wait_for_states(fleet, len(sockets), server)
                if not failed:
                    break
                if attempt == CONNECT_ATTEMPTS - 1:
                    raise RuntimeError(f"{len(failed)} connections failed: {failed[0][1]!r}")
                retries += len(failed)
                pending = [cookie for cookie, _error in failed]
        connect_seconds = time.perf_counter() - started
        # Let the joins' presence broadcasts drain.
        fleet.last_other = max(fleet.last_other, time.perf_counter())
        deadline = time.monotonic() + 300
        while time.perf_counter() - fleet.last_other < QUIET and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        fleet.expected = len(sockets)
        # The load generator's own full collections (Django is loaded here too) would show up
        # as latency: freeze what exists and collect nothing while measuring.
        gc.collect()
        gc.freeze()
        gc.disable()

        spy = _start_profiler(server, profile) if profile else None
        if spy is not None:
            await asyncio.sleep(1.0)
        sent_at: dict[int, deque[float]] = {i: deque() for i in range(min(senders, len(sockets)))}
        latencies: list[float] = []
        lost = 0
        for k in range(warmup + messages):
            sender = _free_sender(sent_at, k)
            while sender is None:
                await asyncio.sleep(0.05)
                sender = _free_sender(sent_at, k)
            fleet.complete[k] = asyncio.Event()
            frame = f'{{"type":"chat.send","body":"{MARK}{k}: fan-out benchmark message"}}'
            if k == warmup:
                server_cpu0, client_cpu0 = server.cpu_seconds(), _own_cpu()
            sent_at[sender].append(time.monotonic())
            t0 = time.perf_counter()
            await sockets[sender].send(frame)
            try:
                await asyncio.wait_for(fleet.complete[k].wait(), MESSAGE_TIMEOUT)
            except TimeoutError:
                lost += 1
                print(
                    f"  {name}: message {k} reached {fleet.counts.get(k, 0)}/{fleet.expected}",
                    file=sys.stderr,
                )
                continue
            if k >= warmup:
                latencies.append(fleet.last_arrival[k] - t0)
            if gap:
                await asyncio.sleep(gap)
        server_cpu = (server.cpu_seconds() - server_cpu0) / messages
        client_cpu = (_own_cpu() - client_cpu0) / messages
        notes = []
        if fleet.errors:
            notes.append(f"{len(fleet.errors)} error frames, e.g. {fleet.errors[0]}")
        if fleet.closed:
            notes.append(f"{fleet.closed} clients closed early")
        if retries:
            notes.append(f"{retries} handshakes dropped by the server and retried")
        return Result(
            name,
            len(sockets),
            latencies,
            lost,
            connect_seconds,
            server_cpu,
            client_cpu,
            "; ".join(notes),
        )
    finally:
        if spy is not None and spy.poll() is None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
        gc.enable()
        gc.unfreeze()
        await asyncio.gather(
            *(asyncio.wait_for(ws.close(), 5) for ws in sockets), return_exceptions=True
        )
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)


def _start_profiler(server: Server, profile: Path) -> subprocess.Popen:
    """py-spy on the server while messages are measured (`--profile`; py-spy not a dependency)."""
    spy = Path(sys.executable).with_name("py-spy")
    output = profile / f"{server.log_path.stem}.txt"
    process = subprocess.Popen(
        [str(spy), "record", "-p", str(server.process.pid), "-r", "250", "-f", "raw"]
        + ["-o", str(output), "--nonblocking"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process


async def _wait_for_states(fleet: Fleet, wanted: int, server: Server) -> None:
    deadline = time.monotonic() + 120
    while fleet.states < wanted:
        if fleet.closed or time.monotonic() > deadline:
            raise RuntimeError(
                f"{fleet.states}/{wanted} states, {fleet.closed} closed, "
                f"errors {fleet.errors[:3]}\n{server.tail()}"
            )
        await asyncio.sleep(0.01)


def _free_sender(sent_at: dict[int, deque[float]], k: int) -> int | None:
    """A sender, round robin from k, that may send now without hitting the chat limit."""
    count, window = CHAT_WINDOW
    now = time.monotonic()
    for offset in range(len(sent_at)):
        candidate = (k + offset) % len(sent_at)
        times = sent_at[candidate]
        while times and now - times[0] > window:
            times.popleft()
        if len(times) < count:
            return candidate
    return None


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- Main -----------------------------------------------------------------------------------------


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def print_table(results: list[Result], args: argparse.Namespace) -> None:
    print()
    print(
        f"Time from send until the last client received it; {args.messages} messages "
        f"(+{args.warmup} warm-up not counted), one at a time, {args.gap * 1000:.0f} ms apart, "
        f"{args.senders} senders taking turns; Daphne "
        + ("with gc.freeze() after start-up." if args.gc_freeze else "as shipped (no gc.freeze()).")
    )
    header = (
        f"{'scenario':<34} {'clients':>7} {'msgs':>5} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'max ms':>8} {'srv CPU/msg':>12} {'µs/recipient':>13} {'lost':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        per_recipient = r.server_cpu_per_message / r.clients * 1e6
        print(
            f"{r.scenario:<34} {r.clients:>7} {len(r.latencies):>5} {r.ms(50):>8.1f} "
            f"{r.ms(95):>8.1f} {r.ms(99):>8.1f} {r.ms(100):>8.1f} "
            f"{r.server_cpu_per_message * 1000:>9.1f} ms {per_recipient:>13.0f} {r.lost:>5}"
        )
    for r in results:
        extra = [f"connect+settle {r.connect_seconds:.1f} s"]
        extra.append(f"load generator CPU/msg {r.client_cpu_per_message * 1000:.1f} ms")
        if r.notes:
            extra.append(r.notes)
        print(f"  {r.scenario}: " + ", ".join(extra))
    print()
    by_name = {r.scenario: r for r in results}
    python_floor = by_name.get("python floor (websockets)")
    for layer in LAYERS:
        app = by_name.get(f"app ({layer})")
        if app is None:
            continue
        floor = by_name.get(f"channels floor ({layer})")
        parts = [f"app ({layer}) p99 {app.ms(99):.0f} ms"]
        if floor is not None:
            parts.append(f"÷ channels floor p99 = {app.ms(99) / floor.ms(99):.2f}×")
        direct = by_name.get(f"channels floor, no db hop ({layer})")
        if direct is not None:
            parts.append(f"÷ no-hop floor p99 = {app.ms(99) / direct.ms(99):.2f}×")
        if python_floor is not None:
            parts.append(f"÷ python floor p99 = {app.ms(99) / python_floor.ms(99):.1f}×")
        aim = app.ms(99) <= 250 and (floor is None or app.ms(99) <= 2 * floor.ms(99))
        parts.append("aim met (≤ 250 ms, ≤ 2× floor)" if aim else "aim NOT met")
        print("  " + "  ".join(parts))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=300, help="members in the room")
    parser.add_argument("--messages", type=int, default=40, choices=range(1, 10_001), metavar="N")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--senders", type=int, default=25, help="connections that take turns")
    parser.add_argument("--gap", type=float, default=0.05, help="seconds between messages")
    parser.add_argument("--layers", default="core,pubsub")
    parser.add_argument(
        "--scenarios", default="app,floor,python", help="any of app,floor,direct,python"
    )
    parser.add_argument("--direct-floor", action="store_true", help="add the no-hop floor")
    parser.add_argument("--dump", action="store_true", help="print every latency, in order")
    parser.add_argument("--profile", type=Path, help="py-spy each server into this directory")
    parser.add_argument("--keep-logs", help="copy the servers' logs into this directory")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="gc.freeze() in every Daphne after its application is imported",
    )
    parser.add_argument("--serve-python-floor", type=int, help=argparse.SUPPRESS)
    if sys.argv[1:2] == ["--run-frozen-daphne"]:  # internal: see daphne()
        run_frozen_daphne(sys.argv[2:])
        return 0
    args = parser.parse_args()

    if args.serve_python_floor:
        asyncio.run(serve_python_floor(args.serve_python_floor))
        return 0

    raise_fd_limit()
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
    layers = [layer for layer in args.layers.split(",") if layer]
    scenarios = set(args.scenarios.split(","))
    if args.direct_floor:
        scenarios.add("direct")

    from tests.rig import Services

    services = Services()
    servers: list[Server] = []
    results: list[Result] = []
    try:
        t = time.monotonic()
        services.start()
        create_database(services)
        env = {
            **os.environ,
            "TEST_DATABASE_URL": services.database_url,
            "TEST_REDIS_URL": services.redis_url,
            "TEST_MEDIA_ROOT": str(services.root / "media"),
        }
        os.environ.update(
            {k: env[k] for k in ("TEST_DATABASE_URL", "TEST_REDIS_URL", "TEST_MEDIA_ROOT")}
        )
        os.environ["DJANGO_SETTINGS_MODULE"] = "cop_site.settings.test"
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        room = build_room(args.clients)
        reset_room(room, services.redis_url)
        print(
            f"PostgreSQL, Redis, migrations and a room of {args.clients} members + 1 "
            f"facilitator ready in {time.monotonic() - t:.1f} s",
            file=sys.stderr,
        )
        logs = services.root / "logs"
        logs.mkdir()
        common = {
            "messages": args.messages,
            "warmup": args.warmup,
            "senders": args.senders,
            "gap": args.gap,
        }
        anonymous: list[str | None] = [None] * len(room.cookies)

        def run(name: str, server: Server, path: str, cookies, expect_state: bool) -> None:
            servers.append(server)
            try:
                print(f"… {name}", file=sys.stderr)
                result = asyncio.run(
                    measure(
                        name,
                        f"ws://127.0.0.1:{server.port}{path}",
                        f"http://127.0.0.1:{server.port}",
                        cookies,
                        expect_state=expect_state,
                        server=server,
                        profile=args.profile,
                        **common,
                    )
                )
                results.append(result)
                print(f"  p50 {result.ms(50):.1f} ms, p99 {result.ms(99):.1f} ms", file=sys.stderr)
                if args.dump:
                    print(
                        "  " + " ".join(f"{x * 1000:.0f}" for x in result.latencies),
                        file=sys.stderr,
                    )
            except Exception as error:  # one failed scenario must not hide the others
                print(f"  {name} failed: {error}\n{server.tail()}", file=sys.stderr)
            finally:
                server.stop()
                servers.remove(server)
                reset_room(room, services.redis_url)

        for layer in layers:
            settings_module = LAYERS[layer]
            if "app" in scenarios:
                server = daphne(
                    "cop_site.asgi:application",
                    settings_module,
                    env,
                    logs / f"app-{layer}.log",
                    gc_freeze=args.gc_freeze,
                )
                run(
                    f"app ({layer})", server, f"/ws/sessions/{room.session_id}/", room.cookies, True
                )
            if "floor" in scenarios:
                server = daphne(
                    "tests.bench.floor_asgi:application",
                    settings_module,
                    env,
                    logs / f"floor-{layer}.log",
                    gc_freeze=args.gc_freeze,
                )
                run(f"channels floor ({layer})", server, "/ws/floor/", anonymous, False)
            if "direct" in scenarios:
                server = daphne(
                    "tests.bench.floor_asgi:application",
                    settings_module,
                    env,
                    logs / f"direct-{layer}.log",
                    gc_freeze=args.gc_freeze,
                )
                run(
                    f"channels floor, no db hop ({layer})",
                    server,
                    "/ws/floor-direct/",
                    anonymous,
                    False,
                )
        if "python" in scenarios:
            server = start_server(
                [str(Path(__file__).resolve()), "--serve-python-floor", "{port}"],
                env,
                logs / "python-floor.log",
            )
            run("python floor (websockets)", server, "/", anonymous, False)

        if args.keep_logs:
            import shutil

            shutil.copytree(logs, args.keep_logs, dirs_exist_ok=True)
    finally:
        for server in servers:
            server.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        services.stop()

    print_table(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
