"""Settings for pytest: fast hashing, local memory, immediate tasks, no outside service."""

import os

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# Off: the cache outlives each test's rolled-back data. core/tests/test_page_cache.py turns it on.
RAA_PAGE_CACHE_SECONDS = 0
RAA_FRAGMENT_CACHE = False  # likewise; website/tests/test_fragment_cache.py turns it on
# Each test process its own stamp file: with the local-memory cache, the stamp's time is part of
# the generation, and a test in another xdist worker that bumps it must not make this one's
# kept fragments stale between two requests.
RAA_PAGE_CACHE_STAMP_FILE = f"/tmp/raa-test-page-cache-{os.getpid()}.stamp"  # noqa: S108
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The browser tests' demo server runs in its own process: it writes its emails as files there,
# where the tests read them (website/tests/browser.py).
if env("TEST_EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("TEST_EMAIL_FILE_PATH")
RAA_EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "french"}
}
MEDIA_ROOT = env.path("TEST_MEDIA_ROOT", default="/tmp/raa-test-media")  # noqa: S108
DOCUMENTS_ROOT = env.path("TEST_DOCUMENTS_ROOT", default=f"{MEDIA_ROOT}-documents")
SITE_URL = env("TEST_SITE_URL", default="http://testserver")
WAGTAILADMIN_BASE_URL = SITE_URL
# Serve static files from the apps' folders, as in development: no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A file for the SQLite test database lets `pytest --reuse-db` skip the migrations between runs
# (pytest-django adds the worker's name under pytest-xdist); in memory otherwise.
if env("TEST_DB_NAME", default="") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": env("TEST_DB_NAME")}  # noqa: F405
