"""Wagtail workflow signals: record endorsements and close Wagtail's notification gaps."""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import task_approved, task_rejected, workflow_approved

from . import services


@receiver(workflow_approved)
def record_endorsed_version(sender, instance, user=None, **kwargs) -> None:
    services.record_endorsement(instance)


@receiver(task_approved)
def tell_author_about_approval(sender, instance, user=None, **kwargs) -> None:
    services.notify_author_of_approval(instance, user)


@receiver(task_rejected)
def tell_earlier_reviewers_about_changes(sender, instance, user=None, **kwargs) -> None:
    services.notify_earlier_reviewers(instance, user)
