"""Drop members from live rooms when they sign out or lose their approval."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

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
