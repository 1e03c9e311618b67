from django.core.management.base import BaseCommand

from events.services.registration import send_due_reminders


class Command(BaseCommand):
    help = (
        "E-mail a reminder to everyone registered for an event starting in the next 24 hours. "
        "Run it every few minutes (cron or a scheduled task); nobody gets the same reminder twice."
    )

    def handle(self, *args, **options):
        sent = send_due_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} reminder(s) sent.")
