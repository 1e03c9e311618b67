"""What the events e-mails share: the site's address and the calendar file they attach."""

from __future__ import annotations

from django.conf import settings
from schedule.models import Occurrence

from .. import ical


def base_url() -> str:
    return settings.WAGTAILADMIN_BASE_URL


def ics_attachment(occurrence: Occurrence) -> tuple[str, str, str]:
    content = ical.calendar_bytes([occurrence], name=occurrence.title, for_member=True)
    return ("event.ics", content.decode("utf-8"), "text/calendar")
