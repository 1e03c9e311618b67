"""iCalendar (RFC 5545) output: the network feed, personal feeds and single occurrences.

Series are written expanded, one VEVENT per occurrence with a stable UID, so a
moved occurrence carries its new time and a cancelled one STATUS:CANCELLED.
Times carry TZID=Europe/London with its VTIMEZONE.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import unescape

import icalendar
from bleach import clean
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from schedule.models import Occurrence

from .scheduling import local

PRODID = "-//Network Commons//Children's palliative care network//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _plain(html: str) -> str:
    return " ".join(unescape(clean(html or "", tags=set(), strip=True)).split())


def occurrence_uid(occurrence: Occurrence) -> str:
    return f"occurrence-{occurrence.pk}@network-commons"


def occurrence_event(occurrence: Occurrence, *, for_member: bool) -> icalendar.Event:
    """One VEVENT. `for_member` adds what only members may see: the video-call link."""
    details = getattr(occurrence.event, "details", None)
    url = settings.WAGTAILADMIN_BASE_URL + reverse("events:occurrence", args=[occurrence.pk])
    vevent = icalendar.Event()
    vevent.add("uid", occurrence_uid(occurrence))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", local(occurrence.start))
    vevent.add("dtend", local(occurrence.end))
    vevent.add("summary", occurrence.title or occurrence.event.title)
    vevent.add("sequence", int(occurrence.updated_on.timestamp()) if occurrence.updated_on else 0)
    vevent.add("status", "CANCELLED" if occurrence.cancelled else "CONFIRMED")
    vevent.add("url", url)
    description = [_plain(details.description)] if details else []
    location = details.venue if details else ""
    if for_member and details and details.video_link:
        description.append(f"Join online: {details.video_link}")
        location = location or details.video_link
    description.append(f"Details and registration: {url}")
    vevent.add("description", "\n\n".join(part for part in description if part))
    if location:
        vevent.add("location", location)
    return vevent


def calendar_bytes(occurrences: Iterable[Occurrence], *, name: str, for_member: bool) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.NETWORK_TIME_ZONE)
    for occurrence in occurrences:
        calendar.add_component(occurrence_event(occurrence, for_member=for_member))
    calendar.add_missing_timezones()
    return calendar.to_ical()
