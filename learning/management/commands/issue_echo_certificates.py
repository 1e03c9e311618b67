"""Certify everyone who attended at least 80% of an ECHO programme cycle that has ended.

Safe to run daily: a member gets one certificate per programme cycle. `runperiodic` runs
it every night."""

from django.core.management.base import BaseCommand

from learning import services


class Command(BaseCommand):
    help = "Issue ECHO cycle certificates of participation for cycles that have ended."

    def handle(self, *args, **options) -> None:
        issued = services.issue_due_echo_certificates()
        self.stdout.write(f"{issued} certificate(s) issued or already held.")
