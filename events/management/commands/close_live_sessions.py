from django.core.management.base import BaseCommand

from events.live import close_finished_sessions


class Command(BaseCommand):
    help = (
        "Close attendance intervals left open in live rooms of sessions that are over (a browser "
        "or server that crashed), at their last heartbeat, and write the attendance they give. "
        "Run it every few minutes beside send_event_reminders."
    )

    def handle(self, *args, **options):
        closed = close_finished_sessions()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{closed} session(s) closed.")
