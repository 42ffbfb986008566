"""``make serve``: the production settings on one machine, over plain HTTP at a local address.

Everything is production (``DEBUG`` off, gunicorn, whitenoise's compressed hashed static files,
the task queue in the database, the required variables), except what needs HTTPS and a proxy:
``make serve`` answers ``http://127.0.0.1:PORT`` itself, so no redirect to HTTPS, no secure-only
cookies (a browser would not send them back over HTTP), no HSTS, and the client's address is
the connection's. The Makefile provides ``SECRET_KEY`` (a local key kept in ``.secret_key``),
``ALLOWED_HOSTS``, ``SITE_URL`` and ``DATABASE_URL`` (the SQLite file by default).
"""

from .production import *  # noqa: F403
from .production import env

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# The demo coordinator reaches the admin without setting up two-factor authentication first.
RAA_COORDINATOR_MFA_REQUIRED = env.bool("RAA_COORDINATOR_MFA_REQUIRED", default=False)

# `make loadtest` only: 50 simulated members log in from one address and comment as fast as
# they can, which the per-member comment limit and allauth's 30 logins per minute per address
# would refuse. Never in `website.settings.production`.
if env.bool("RAA_LOAD_TEST", default=False):
    RAA_COMMENT_RATE_LIMIT = 1_000_000
    ACCOUNT_RATE_LIMITS = {**ACCOUNT_RATE_LIMITS, "login": "1000/m/ip"}  # noqa: F405
