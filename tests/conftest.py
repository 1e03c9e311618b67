"""Fixtures for cross-app tests: a live Daphne server and Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from django.db import connection

from tests.rig import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class LiveServer:
    url: str
    mail_dir: Path

    def emails(self) -> list[Message]:
        """Every e-mail the server has sent so far, oldest first."""
        messages: list[Message] = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(message_from_bytes(chunk))
        return messages


@pytest.fixture(scope="session")
def live_daphne(django_db_setup, django_db_blocker) -> Iterator[LiveServer]:
    """Daphne serving the real ASGI application on the test database, in its own process."""
    port = free_port()
    mail_dir = Path(tempfile.mkdtemp(prefix="network-commons-mail-"))
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cop_site.settings.test",
        "TEST_DATABASE_URL": (f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"),
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(mail_dir),
    }
    log = open(mail_dir / "daphne.out", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "cop_site.asgi:application",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    "Daphne did not start:\n" + (mail_dir / "daphne.out").read_text()
                ) from None
            time.sleep(0.1)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", mail_dir=mail_dir)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def chromium(_django_db_helper):
    """Debian's Chromium, started for one test after its database is ready.

    Playwright's sync API keeps an asyncio loop running in this thread, and
    while it runs asgiref gives Django a different connection object: one that
    knows nothing of the test database's saved state. So the browser starts
    after the database fixture has restored that state, and the connections it
    opened are closed before the loop stops.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium.")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django's async-safety guard sees Playwright's loop and would refuse the
    # plain synchronous ORM calls these tests make.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
                connections.close_all()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def open_page(chromium, live_daphne):
    """Make 360 px wide pages on the live server, each in its own browser context (its own
    cookies). Any request to another host fails the test."""
    contexts = []
    outside: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(live_daphne.url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    def make(width: int = 360):
        context = chromium.new_context(
            base_url=live_daphne.url, viewport={"width": width, "height": 780}
        )
        context.route("**/*", guard)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()
    assert outside == [], f"The page requested other hosts: {outside}"


@pytest.fixture
def browser_page(open_page):
    return open_page()
