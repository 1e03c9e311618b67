"""Periodic jobs: the reminders, digests, certificates and clean-ups the apps need run on a
schedule. Each app lists its jobs in `<app>/periodic.py`::

    from datetime import time, timedelta
    from core.periodic import job

    job("events.reminders", every=timedelta(minutes=5))(services.send_due_reminders)
    job("forums.digest", daily_at=time(7, 0))(services.send_digests)

`manage.py runperiodic` runs each job when it is due, forever (or `--once`). A job is claimed
in the database before it runs, so running two schedulers, or the scheduler beside a cron
job, never runs one job twice at once; and every job is itself safe to run twice (each
claims what it sends), so a crash half-way loses nothing and repeats nothing.
"""

from __future__ import annotations

import datetime
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import PeriodicRun

logger = logging.getLogger(__name__)

# A job whose run started this long ago without finishing is taken to have crashed.
STALE_AFTER = datetime.timedelta(hours=2)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every: datetime.timedelta | None = None
    daily_at: datetime.time | None = None  # local time (settings.TIME_ZONE)

    def due_since(self, now: datetime.datetime) -> datetime.datetime | None:
        """The moment the job last fell due at or before `now` (None: every run is due)."""
        if self.daily_at is None:
            return None
        local = now.astimezone(ZoneInfo(settings.TIME_ZONE))
        today = datetime.datetime.combine(local.date(), self.daily_at, tzinfo=local.tzinfo)
        return today if local >= today else today - datetime.timedelta(days=1)

    def is_due(self, run: PeriodicRun, now: datetime.datetime) -> bool:
        if is_running(run, now):
            return False
        if run.started_at is None:
            return True
        due = self.due_since(now)
        if due is not None:
            return run.started_at < due
        return now - run.started_at >= self.interval

    @property
    def interval(self) -> datetime.timedelta:
        """How often a job without a time of day runs."""
        if self.every is None:
            raise ValueError(f"Job {self.name!r} has neither `every` nor `daily_at`.")
        return self.every


def is_running(run: PeriodicRun, now: datetime.datetime) -> bool:
    """Started and not finished, less than STALE_AFTER ago: running now, somewhere."""
    return (
        run.started_at is not None
        and run.finished_at is None
        and now - run.started_at < STALE_AFTER
    )


_JOBS: dict[str, Job] = {}


def job(name: str, *, every: datetime.timedelta | None = None, daily_at=None):
    """Register the decorated function as a periodic job (returns it unchanged)."""
    if (every is None) == (daily_at is None):
        raise ValueError("Give a job either `every` or `daily_at`.")

    def register(function: Callable[[], object]) -> Callable[[], object]:
        _JOBS[name] = Job(name=name, run=function, every=every, daily_at=daily_at)
        return function

    return register


def jobs() -> list[Job]:
    autodiscover_modules("periodic")
    return sorted(_JOBS.values(), key=lambda item: item.name)


def _claim(item: Job, now: datetime.datetime, *, force: bool = False) -> PeriodicRun | None:
    """The job's row, marked started, if it is due (or `force`) and not running elsewhere."""
    PeriodicRun.objects.get_or_create(name=item.name)
    with transaction.atomic():
        run = PeriodicRun.objects.select_for_update().get(name=item.name)
        if is_running(run, now) or not (force or item.is_due(run, now)):
            return None
        run.started_at, run.finished_at = now, None
        run.save(update_fields=["started_at", "finished_at"])
    return run


def run_due(now: datetime.datetime | None = None, *, only: str | None = None) -> list[PeriodicRun]:
    """Run every job that is due (or the one named `only`, due or not, unless it is running
    elsewhere). A failing job is recorded and logged; the others still run."""
    now = now or timezone.now()
    done = []
    for item in jobs():
        if only is not None and item.name != only:
            continue
        run = _claim(item, now, force=only is not None)
        if run is None:
            continue
        try:
            outcome = item.run()
        except Exception:  # noqa: BLE001 - one job's failure must not stop the others
            logger.exception("Periodic job %s failed", item.name)
            run.result, run.error = "failed", traceback.format_exc()[-4000:]
        else:
            run.result, run.error = str(outcome if outcome is not None else "done")[:300], ""
        run.finished_at = timezone.now()
        run.save(update_fields=["result", "error", "finished_at"])
        done.append(run)
    return done


def next_due(now: datetime.datetime | None = None) -> datetime.datetime:
    """When the next job falls due (for the scheduler's sleep)."""
    now = now or timezone.now()
    runs = {run.name: run for run in PeriodicRun.objects.all()}
    soonest = now + datetime.timedelta(hours=1)
    for item in jobs():
        run = runs.get(item.name)
        if run is None or run.started_at is None:
            return now
        due = item.due_since(now)
        if due is not None:
            candidate = due if run.started_at < due else due + datetime.timedelta(days=1)
        else:
            candidate = run.started_at + item.interval
        soonest = min(soonest, candidate)
    return max(soonest, now)
