"""Run the periodic jobs every app registers in its `periodic.py` (see core.periodic).

manage.py runperiodic            # forever: each job when it falls due (the scheduler)
manage.py runperiodic --once     # every job that is due now, then exit (for cron)
manage.py runperiodic --list     # the jobs, their schedule and their last run
manage.py runperiodic --job forums.send_forum_digest   # one job now, due or not
"""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from core import periodic
from core.models import PeriodicRun

LONGEST_SLEEP = 60  # seconds: wake at least this often, so new jobs and stops are noticed


class Command(BaseCommand):
    help = "Run the reminders, digests, certificates and clean-ups on their schedules."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is due, then exit.")
        parser.add_argument("--list", action="store_true", help="List the jobs and last runs.")
        parser.add_argument("--job", help="Run this one job now, whether due or not.")

    def handle(self, *args, **options):
        once, job = options["once"], options["job"]
        if options["list"]:
            return self._list()
        if job is not None:
            if job not in {item.name for item in periodic.jobs()}:
                raise CommandError(f"No periodic job is called {job!r}; see --list.")
            self._report(periodic.run_due(only=job))
            return None
        if once:
            self._report(periodic.run_due())
            return None
        self._forever()
        return None

    def _forever(self) -> None:
        stopping = []
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.append(True))
        self.stdout.write(f"Scheduler started with {len(periodic.jobs())} jobs.")
        while not stopping:
            close_old_connections()
            self._report(periodic.run_due())
            wait = (periodic.next_due() - timezone.now()).total_seconds()
            deadline = time.monotonic() + min(max(wait, 1), LONGEST_SLEEP)
            while not stopping and time.monotonic() < deadline:
                time.sleep(0.5)
        self.stdout.write("Scheduler stopped.")

    def _report(self, runs) -> None:
        for run in runs:
            style = self.style.ERROR if run.error else self.style.SUCCESS
            self.stdout.write(style(f"{run.name}: {run.result}"))

    def _list(self) -> None:
        runs = {run.name: run for run in PeriodicRun.objects.all()}
        for item in periodic.jobs():
            schedule = (
                f"daily at {item.daily_at:%H:%M}"
                if item.daily_at
                else f"every {int(item.every.total_seconds() // 60)} min"
            )
            run = runs.get(item.name)
            last = (
                f"last {run.started_at:%Y-%m-%d %H:%M} → {run.result or 'running'}"
                if run and run.started_at
                else "never run"
            )
            self.stdout.write(f"{item.name:40} {schedule:18} {last}")
