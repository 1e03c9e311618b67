"""E-mail the daily forum digest: run it once a day. Running it twice sends nothing twice."""

from django.core.management.base import BaseCommand

from forums import services


class Command(BaseCommand):
    help = "E-mail each member who chose a daily digest their forum notifications."

    def handle(self, *args, **options) -> None:
        sent = services.send_digests()
        self.stdout.write(f"Sent {sent} digest(s).")
