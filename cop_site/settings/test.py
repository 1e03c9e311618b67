"""Settings for the test run.

PostgreSQL and Redis are started by the test rig (`tests/rig.py`), which puts
their addresses in TEST_DATABASE_URL and TEST_REDIS_URL before Django loads.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

try:
    _database_url = os.environ["TEST_DATABASE_URL"]
    REDIS_URL = os.environ["TEST_REDIS_URL"]
except KeyError as missing:
    raise ImproperlyConfigured(
        f"{missing} is not set: run the tests with pytest, whose rig starts PostgreSQL and Redis."
    ) from None

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1", "http://localhost"]

DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=0)}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [{"address": REDIS_URL, "max_connections": 1000}]},
    }
}
# The cache is Redis (database 1, apart from the channel layer's) so the live Daphne
# process and the tests see the same cache, and clearing it between tests clears both.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL.rsplit("/", 1)[0] + "/1",
        "KEY_PREFIX": "test",
    }
}
# The live Daphne server for browser tests writes e-mails to files the test can read.
EMAIL_BACKEND = os.environ.get(
    "TEST_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
)
EMAIL_FILE_PATH = os.environ.get("TEST_EMAIL_FILE_PATH", "/tmp/network-commons-test-mail")
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", "/tmp/network-commons-test-media")
