"""Local development: ``make run``. Debug on, console email, a throwaway secret key."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="dev-only-not-secret-7c1e0a5b9d2f4e6a8b3c")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The address in emails, feeds and share links: the dev server's own (`make run` passes PORT).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
