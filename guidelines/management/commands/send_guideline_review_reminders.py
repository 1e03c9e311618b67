"""E-mail each guideline owner once per review-due date: run it daily (cron or the worker)."""

from django.core.management.base import BaseCommand

from guidelines import services


class Command(BaseCommand):
    help = "E-mail owners of guidelines overdue or due for review within 90 days, once per date."

    def handle(self, *args, **options) -> None:
        sent = services.send_review_reminders()
        self.stdout.write(f"Sent {sent} review reminder(s).")
