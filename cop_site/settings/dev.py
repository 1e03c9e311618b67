"""The embedded default: zero configuration, for `make run` and local work.

SQLite file, in-memory channel layer, database search, console e-mail and
background tasks run immediately in-process.
"""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-8f0c2b1e6a4d")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1:8000", "http://localhost:8000"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": BASE_DIR / "var" / "db.sqlite3",
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20},
    }
}

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Serve static files straight from the apps, no collectstatic needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

(BASE_DIR / "var").mkdir(exist_ok=True)
