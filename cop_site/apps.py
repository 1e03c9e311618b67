from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CopSiteConfig(AppConfig):
    name = "cop_site"
    verbose_name = _("Site pages")

    def ready(self) -> None:
        from cop_site import signals

        signals.connect()
