from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    label = "events"
    verbose_name = _("Events and live sessions")

    def ready(self) -> None:
        from . import signals  # noqa: F401
