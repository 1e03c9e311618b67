"""Certify everyone who attended at least 80% of an ECHO programme cycle that has ended.

Safe to run daily: a member gets one certificate per programme cycle."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from events.models import EchoProgramme
from learning import services


class Command(BaseCommand):
    help = "Issue ECHO cycle certificates of participation for cycles that have ended."

    def handle(self, *args, **options) -> None:
        issued = 0
        for programme in EchoProgramme.objects.filter(cycle_end__lt=timezone.localdate()):
            issued += len(services.issue_echo_certificates(programme))
        self.stdout.write(f"{issued} certificate(s) issued or already held.")
