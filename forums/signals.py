"""Every member gets a forum profile (their @handle) when their account is made."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def give_forum_profile(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        from .services import profile_for

        profile_for(instance)
