"""Open a practice ECHO session now, so the live room can be tried with the demo accounts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from events.models import AttendanceMode, EventKind
from events.services.calendar import EventData, create_event
from events.services.cases import CaseData, review_case, submit_case
from events.services.programmes import create_programme
from events.services.registration import register_for_occurrence
from members.models import User

TITLE = "Practice ECHO session"
SLUG = "practice-echo"
FACILITATOR = "facilitator@demo.example"
PARTICIPANTS = ["nurse@demo.example", "teacher@demo.example", "admin@demo.example"]


class Command(BaseCommand):
    help = (
        "Create a one-off practice ECHO session starting in five minutes, with the demo "
        "facilitator leading it, demo members registered and a case on the agenda, and print "
        "its live room address. Run load_demo_network first. Refuses production settings."
    )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("open_practice_session is for demonstrations, not production.")
        try:
            facilitator = User.objects.get(email=FACILITATOR)
            participants = list(User.objects.filter(email__in=PARTICIPANTS))
        except User.DoesNotExist:
            raise CommandError("Run `manage.py load_demo_network` first.") from None
        occurrence = self.create(facilitator, participants)
        base = settings.WAGTAILADMIN_BASE_URL
        self.stdout.write(f"{TITLE} opens now: {base}/sessions/{occurrence.pk}/live/")
        self.stdout.write(
            f"Sign in as {FACILITATOR} (facilitator) and as {', '.join(PARTICIPANTS)} "
            "in other browsers or private windows; the password is demo-password."
        )

    @transaction.atomic
    def create(self, facilitator, participants):
        start = (timezone.now() + datetime.timedelta(minutes=5)).replace(second=0, microsecond=0)
        event = create_event(
            EventData(
                title=TITLE,
                kind=EventKind.ECHO_SESSION,
                start=start,
                end=start + datetime.timedelta(minutes=90),
                attendance_mode=AttendanceMode.ONLINE,
                video_link="https://meet.jit.si/network-commons-practice",
                description="<p>A practice session for trying the live room.</p>",
            ),
            by=None,
        )
        create_programme(
            name=f"{TITLE} {start:%Y-%m-%d %H:%M}",
            slug=f"{SLUG}-{start:%Y%m%d%H%M%S}-{event.pk}",
            description="Practice.",
            series=event,
            cycle_start=start.date(),
            cycle_end=start.date(),
            hub_team=[facilitator],
        )
        occurrence = event.occurrence_set.get()
        for person in participants:
            register_for_occurrence(person, occurrence)
        presenter = next((p for p in participants if p.email == PARTICIPANTS[0]), None)
        if presenter is not None:
            case = submit_case(
                presenter,
                occurrence,
                CaseData(
                    title="Night-time agitation at home",
                    age_band="5_11",
                    condition_group="act3",
                    summary=(
                        "A 9-year-old with a neurodegenerative condition, increasingly agitated "
                        "at night despite melatonin. Family want care at home."
                    ),
                    question="What could we add, and when should we involve the hospice?",
                ),
            )
            review_case(case, by=facilitator, decision="accept")
        return occurrence
