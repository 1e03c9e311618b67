"""Drop members from live rooms when they sign out or lose their approval."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_delete
from django.dispatch import receiver
from schedule.models import Occurrence

from members.models import ApprovalStatus, User

from .live import drop_member_on_commit


@receiver(user_logged_out)
def drop_on_sign_out(sender, request, user, **kwargs):
    if user is not None:
        drop_member_on_commit(user.pk)


@receiver(post_save, sender=User)
def drop_when_no_longer_approved(
    sender, instance: User, created: bool, update_fields=None, **kwargs
):
    if created:
        return
    if update_fields is not None and not {"approval_status", "is_active"} & set(update_fields):
        return
    if instance.approval_status != ApprovalStatus.APPROVED or not instance.is_active:
        drop_member_on_commit(instance.pk)


@receiver(pre_delete, sender=Occurrence)
def load_whole_occurrences_when_deleting(sender, instance, **kwargs):
    """Deleting a series must load its occurrences whole.

    When nothing listens for an Occurrence's deletion, Django fetches the rows it
    cascades to with only their keys. django-scheduler's `Occurrence.__init__`
    then reads the deferred title and description, each read loads another
    partial row, and the delete ends in a RecursionError. Listening is enough to
    make Django load whole rows.
    """
