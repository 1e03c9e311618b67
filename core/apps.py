from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Shared kernel"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import pagecache

        pagecache.connect()
