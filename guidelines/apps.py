"""Endorsed guidelines, the endorsement workflow, versions, review dates and uptake."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    label = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self) -> None:
        from . import signals  # noqa: F401
