"""The scheduler: every app's periodic jobs are registered, each runs when due and once,
a job running elsewhere is not started again, and a failing job stops no other."""

from __future__ import annotations

import datetime
import threading
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core import periodic
from core.models import PeriodicRun

LONDON = ZoneInfo("Europe/London")
EXPECTED_JOBS = {
    "evaluation.send_survey_invitations",
    "events.close_live_sessions",
    "events.send_event_reminders",
    "forums.send_forum_digest",
    "guidelines.send_review_reminders",
    "learning.issue_echo_certificates",
    "returns.send_return_reminders",
    "search.rebuild_search_index",
}


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2027, 1, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def counted(monkeypatch):
    """Replace the registry with two counting jobs (and one that fails)."""
    calls: dict[str, int] = {"often": 0, "daily": 0, "broken": 0}

    def counter(name):
        def run():
            calls[name] += 1
            if name == "broken":
                raise RuntimeError("the mail server is down")
            return f"{name} ran"

        return run

    registry = {
        "test.often": periodic.Job(
            "test.often", counter("often"), every=datetime.timedelta(minutes=5)
        ),
        "test.daily": periodic.Job("test.daily", counter("daily"), daily_at=datetime.time(7, 0)),
        "test.broken": periodic.Job(
            "test.broken", counter("broken"), every=datetime.timedelta(hours=1)
        ),
    }
    monkeypatch.setattr(periodic, "_JOBS", registry)
    monkeypatch.setattr(periodic, "autodiscover_modules", lambda *_: None)
    return calls


def test_every_app_registers_its_jobs():
    names = {item.name for item in periodic.jobs()}
    assert EXPECTED_JOBS <= names


@pytest.mark.django_db
def test_each_job_runs_when_due_and_only_once(counted):
    periodic.run_due(at(4, 6, 0))
    assert counted == {"often": 1, "daily": 1, "broken": 1}  # never run: all due
    periodic.run_due(at(4, 6, 1))
    assert counted == {"often": 1, "daily": 1, "broken": 1}  # nothing due a minute later
    periodic.run_due(at(4, 6, 5))
    assert counted["often"] == 2 and counted["daily"] == 1
    periodic.run_due(at(4, 7, 0))  # 07:00: today's digest falls due
    assert counted["daily"] == 2
    periodic.run_due(at(4, 23, 0))
    periodic.run_due(at(5, 6, 59))
    assert counted["daily"] == 2  # not again before tomorrow's 07:00
    periodic.run_due(at(5, 7, 1))
    assert counted["daily"] == 3


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_the_others_still_run(counted):
    runs = {run.name: run for run in periodic.run_due(at(4, 9))}
    assert counted["often"] == 1 and counted["daily"] == 1
    broken = PeriodicRun.objects.get(name="test.broken")
    assert broken.result == "failed" and "the mail server is down" in broken.error
    assert broken.finished_at is not None
    assert runs["test.often"].result == "often ran" and runs["test.often"].error == ""


@pytest.mark.django_db
def test_a_job_running_elsewhere_is_not_started_again_unless_it_went_stale(counted):
    PeriodicRun.objects.create(name="test.often", started_at=at(4, 9), finished_at=None)
    periodic.run_due(at(4, 9, 30))
    assert counted["often"] == 0  # still running somewhere (started 30 minutes ago)
    periodic.run_due(at(4, 11, 1))
    assert counted["often"] == 1  # over two hours: taken to have crashed, so run again


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_once_run_a_job_once(counted):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    barrier = threading.Barrier(2)
    errors = []

    def scheduler():
        try:
            barrier.wait()
            periodic.run_due(at(4, 9))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counted == {"often": 1, "daily": 1, "broken": 1}


@pytest.mark.django_db
def test_next_due_is_when_the_soonest_job_falls_due(counted):
    assert periodic.next_due(at(4, 9)) == at(4, 9)  # never run: now
    periodic.run_due(at(4, 9))
    assert periodic.next_due(at(4, 9, 1)) == at(4, 9, 5)


@pytest.mark.django_db
def test_the_command_lists_runs_once_and_runs_one_job(counted):
    out = StringIO()
    call_command("runperiodic", "--list", stdout=out)
    assert "test.daily" in out.getvalue() and "daily at 07:00" in out.getvalue()
    assert "never run" in out.getvalue()
    out = StringIO()
    call_command("runperiodic", "--once", stdout=out)
    assert "test.often: often ran" in out.getvalue() and "test.broken: failed" in out.getvalue()
    call_command("runperiodic", "--job", "test.often", stdout=StringIO())
    assert counted["often"] == 2  # forced, though not due
    PeriodicRun.objects.filter(name="test.often").update(finished_at=None)  # running elsewhere
    call_command("runperiodic", "--job", "test.often", stdout=StringIO())
    assert counted["often"] == 2  # not started beside itself
    with pytest.raises(CommandError):
        call_command("runperiodic", "--job", "no.such.job")


@pytest.mark.django_db
def test_the_real_jobs_run_on_an_empty_network():
    runs = periodic.run_due()
    assert {run.name for run in runs} >= EXPECTED_JOBS
    assert [run.name for run in runs if run.error] == []
    assert periodic.run_due() == []  # a moment later nothing is due again


def test_a_job_needs_one_schedule():
    with pytest.raises(ValueError):
        periodic.job("x")
    with pytest.raises(ValueError):
        periodic.job("x", every=datetime.timedelta(minutes=1), daily_at=datetime.time(1))
