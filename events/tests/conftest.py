"""Fixtures for the events tests: series built through the services, never by hand. They
are defined in `factories.py`, which other apps' tests import them from too."""

from __future__ import annotations

from .factories import echo, facilitator, occurrence, session, webinar  # noqa: F401
