"""Community forums: open and restricted categories, threads, posts, notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    label = "forums"
    verbose_name = _("Forums")

    def ready(self) -> None:
        from . import signals  # noqa: F401
