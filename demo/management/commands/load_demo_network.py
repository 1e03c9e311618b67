"""`manage.py load_demo_network`: the fictional "Westmoor and Dales" network, for `make run`
and demonstrations.

The content is data under `demo/content/`; the loaders in `demo.loaders` (one per app, in
dependency order) turn it into objects through each app's services. Everything runs in one
transaction with e-mails suppressed. Idempotent: every object is found by its natural key
and only created when missing, so running it twice leaves exactly the same data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo.loaders import STEPS, Step
from demo.loaders.network import DEMO_ACCOUNTS, DEMO_PASSWORD, REGION_NAME, DemoMember
from members.models import Organisation, StaffGroup

PRODUCTION_SETTINGS_MODULE = "cop_site.settings.production"


@transaction.atomic
def load_demo_network(steps: Sequence[Step] | None = None) -> list[str]:
    """Run the steps (by default every app's, in dependency order); their summaries, in order."""
    return [step() for step in (STEPS if steps is None else steps)]


@contextmanager
def emails_not_sent() -> Iterator[None]:
    """Demo data must not e-mail anyone, and console e-mails would bury the summary.

    The services queue e-mails for after the commit, so this must stay in force
    until the load's transaction has committed.
    """
    previous = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    try:
        yield
    finally:
        settings.EMAIL_BACKEND = previous


def refuse_production() -> None:
    if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS_MODULE:
        raise CommandError(
            "load_demo_network refuses to run under production settings "
            f"({PRODUCTION_SETTINGS_MODULE}): it creates fictional members with a shared, "
            "published password."
        )


def _role_label(spec: DemoMember) -> str:
    parts = list(spec.roles) or [f"Member ({StaffGroup(spec.staff_group).label.lower()})"]
    if spec.is_organisation_lead:
        parts.append("organisation lead")
    return ", ".join(parts)


def demo_accounts_table() -> list[str]:
    names = dict(Organisation.objects.values_list("slug", "name"))
    rows = [("E-mail", "Role", "Organisation")] + [
        (spec.email, _role_label(spec), names.get(spec.organisation, "")) for spec in DEMO_ACCOUNTS
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    return [
        f"  {email:<{widths[0]}}  {role:<{widths[1]}}  {organisation}"
        for email, role, organisation in rows
    ]


class Command(BaseCommand):
    help = (
        f"Load the fictional {REGION_NAME} network (organisations, members, pages) for "
        "demonstrations. Safe to run again; refuses to run under production settings."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        refuse_production()
        with emails_not_sent():
            summaries = load_demo_network()
        if options["verbosity"] < 1:
            return
        self.stdout.write(f"Loaded the {REGION_NAME} demo network:")
        for summary in summaries:
            self.stdout.write(f"  {summary}")
        self.stdout.write("")
        self.stdout.write(f'Demo accounts (every demo member\'s password is "{DEMO_PASSWORD}"):')
        for line in demo_accounts_table():
            self.stdout.write(line)
