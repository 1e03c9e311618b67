"""Pytest plugin that gives the test run its own PostgreSQL and Redis.

Loaded with `-p tests.rig` (see pyproject.toml) so that it runs before
pytest-django configures Django: it starts a throwaway PostgreSQL cluster and
a Redis server from the machine's binaries on free loopback ports, exports
TEST_DATABASE_URL and TEST_REDIS_URL for `cop_site.settings.test`, and stops
both when the run ends. As root, PostgreSQL runs as the `postgres` user
(initdb refuses root); otherwise as the current user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

_MISSING_HELP = (
    "The tests need PostgreSQL (initdb, pg_ctl), redis-server and chromium. "
    "Run `make test`, which installs them as root with apt-get, or install the "
    "Debian packages postgresql, redis-server and chromium yourself."
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parent.parent.name),
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise pytest.UsageError(_MISSING_HELP)


class Services:
    """PostgreSQL and Redis for one test run."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="network-commons-test-"))
        self.as_root = os.geteuid() == 0
        self.pg_bin = _postgres_bin()
        self.pg_port = free_port()
        self.redis_port = free_port()
        self.pg_data = self.root / "pg" / "data"
        self._redis: subprocess.Popen | None = None
        self._pg_started = False

    def _as_postgres(self, args: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else args

    def start(self) -> None:
        try:
            self._start_postgres()
            self._start_redis()
        except Exception:
            self.stop()
            raise

    def _start_postgres(self) -> None:
        pg_root = self.root / "pg"
        pg_root.mkdir(mode=0o700)
        if self.as_root:
            os.chmod(self.root, 0o755)
            shutil.chown(pg_root, "postgres", "postgres")
        subprocess.run(
            self._as_postgres(
                [
                    str(self.pg_bin / "initdb"),
                    "-D",
                    str(self.pg_data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.pg_port} -k {pg_root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        subprocess.run(
            self._as_postgres(
                [
                    str(self.pg_bin / "pg_ctl"),
                    "-D",
                    str(self.pg_data),
                    "-l",
                    str(pg_root / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        self._pg_started = True

    def _start_redis(self) -> None:
        redis_server = shutil.which("redis-server")
        if redis_server is None:
            raise pytest.UsageError(_MISSING_HELP)
        self._redis = subprocess.Popen(
            [
                redis_server,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.redis_port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/network_commons"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def stop(self) -> None:
        if self._redis is not None:
            self._redis.send_signal(signal.SIGTERM)
            try:
                self._redis.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._redis.kill()
            self._redis = None
        if self._pg_started:
            subprocess.run(
                self._as_postgres(
                    [
                        str(self.pg_bin / "pg_ctl"),
                        "-D",
                        str(self.pg_data),
                        "-m",
                        "immediate",
                        "stop",
                    ]
                ),
                capture_output=True,
            )
            self._pg_started = False
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_load_initial_conftests(early_config, parser, args):
    # A wrapper runs before pytest-django's own hook, which imports the settings.
    if os.environ.get("TEST_DATABASE_URL") and os.environ.get("TEST_REDIS_URL"):
        return (yield)
    services = Services()
    services.start()
    early_config.add_cleanup(services.stop)
    os.environ["TEST_DATABASE_URL"] = services.database_url
    os.environ["TEST_REDIS_URL"] = services.redis_url
    os.environ["TEST_MEDIA_ROOT"] = str(services.root / "media")
    return (yield)
