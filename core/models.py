"""What the kernel keeps in the database: when each periodic job last ran."""

from __future__ import annotations

from django.db import models


class PeriodicRun(models.Model):
    """One row per periodic job: the scheduler claims it before running the job, so two
    schedulers (or a scheduler and a by-hand run) never run the same job at once."""

    name = models.CharField(max_length=100, unique=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
