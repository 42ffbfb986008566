"""Production: everything from the environment; refuses to start without its secrets."""

import sys

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import database, env


def required(name):
    """The value of environment variable ``name``; a start-up error naming it when unset."""
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required in production "
            f"(website.settings.production). Set it and start again."
        )
    return value


DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = required("SECRET_KEY")
ALLOWED_HOSTS = [host.strip() for host in required("ALLOWED_HOSTS").split(",") if host.strip()]
RAA_COORDINATOR_MFA_REQUIRED = env.bool("RAA_COORDINATOR_MFA_REQUIRED", default=True)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in emails, feeds, the sitemap and the admin: never a guess from the request.
SITE_URL = required("SITE_URL").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
# No silent fallback to a SQLite file next to the code. Connections are kept between requests
# (health-checked before each): opening one cost about 5 ms of CPU on every page (SQLite reads
# its whole schema again; PostgreSQL a connection and authentication round), a third of a
# member's page (`make bench`).
DATABASES = {"default": database(required("DATABASE_URL"), keep_seconds=600)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Django REST framework (which Wagtail's redirects app loads at start-up) imports
    # django.contrib.postgres, and with it the PostgreSQL driver, whenever psycopg is installed:
    # about 9 MB in every worker of a site on SQLite, which never uses it. Marked as missing,
    # DRF goes without its PostgreSQL fields, as it does where psycopg is not installed.
    sys.modules.setdefault("psycopg", None)
# The documented deployment has one reverse proxy in front of gunicorn (see the README).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

STORAGES = {
    "default": {"BACKEND": "core.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading is a promise to browser vendors that is slow to undo: only on request.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True

# Emails and notifications wait in the database for `manage.py db_worker` (django-tasks-db).
TASKS = {
    "default": {
        "BACKEND": env("DJANGO_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
