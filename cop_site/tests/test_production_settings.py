"""Production settings come from the environment only, and pass Django's deployment checks."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "cop_site.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "network.example.org",
    "DATABASE_URL": "postgres://commons:secret@db.internal:5432/commons",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


def test_production_uses_redis_and_smtp_from_the_environment():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CHANNEL_LAYERS['default']['BACKEND']); print(s.EMAIL_BACKEND); "
        "print(s.DEBUG); print(s.DATABASES['default']['HOST'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**PRODUCTION_ENV, "EMAIL_HOST": "smtp.internal"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        "django.core.mail.backends.smtp.EmailBackend",
        "False",
        "db.internal",
    ]


@pytest.mark.parametrize(
    ("redis", "engine"),
    [(True, "cached_db"), (False, "db")],
    ids=["with Redis", "without Redis"],
)
def test_sessions_are_kept_in_the_cache_only_when_every_process_shares_it(redis, engine):
    env = (
        dict(PRODUCTION_ENV)
        if redis
        else {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    )
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_ENGINE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"django.contrib.sessions.backends.{engine}"
