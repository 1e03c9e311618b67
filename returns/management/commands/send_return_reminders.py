from django.core.management.base import BaseCommand

from returns.services import send_reminders


class Command(BaseCommand):
    help = (
        "Remind organisation leads of data returns due within a week. Run it daily; each "
        "return's leads are reminded once per due date."
    )

    def handle(self, *args, **options):
        sent = send_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} return reminder(s) sent.")
