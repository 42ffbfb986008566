"""The site's answer when a request fails on the machine rather than on the input.

``server_error`` is the project's ``handler500``: Django calls it for any exception a view or a
middleware let through (after logging it with its traceback). It tells apart two failures the
reader can do something about, and answers in French without touching the database:

- the database is unreachable (PostgreSQL stopped, SQLite file gone or locked too long):
  ``503 Service Unavailable`` with ``Retry-After`` (``503.html``). Each request opens or checks
  its connection again, so pages come back by themselves when the database does;
- the disk is full (``ENOSPC``, ``EDQUOT``) while a file is being saved: ``507 Insufficient
  Storage`` (``507.html``); the storage keeps no half-written file (``core.storage``).

Anything else gets the plain ``500.html``.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
RETRY_AFTER_SECONDS = 30


def is_database_unavailable(error):
    return isinstance(error, (OperationalError, InterfaceError))


def is_disk_full(error):
    return isinstance(error, OSError) and error.errno in DISK_FULL


def error_page(template_name, status):
    """``template_name`` rendered without a request: no context processor, no database."""
    response = HttpResponse(loader.get_template(template_name).render(), status=status)
    add_never_cache_headers(response)
    return response


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        response = error_page("503.html", 503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if is_disk_full(error):
        return error_page("507.html", 507)
    return error_page(template_name, 500)
