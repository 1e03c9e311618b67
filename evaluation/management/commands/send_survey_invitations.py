from django.core.management.base import BaseCommand

from evaluation.services import send_survey_invitations


class Command(BaseCommand):
    help = (
        "E-mail members the feedback and confidence surveys they are asked to answer. "
        "Run it daily or more often; nobody is asked by e-mail twice for the same survey."
    )

    def handle(self, *args, **options):
        sent = send_survey_invitations()
        if options["verbosity"] >= 1:
            self.stdout.write(f"{sent} survey invitation(s) sent.")
