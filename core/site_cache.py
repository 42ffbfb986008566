"""The site-wide cache generation, and what each process keeps from one generation to the next.

One generation number for the whole site (``generation()``), bumped by any change a page may
show (``core.page_cache.connect`` watches the signals; ``invalidate()`` bumps). Two things key
on it:

- visitors' whole pages (``core.page_cache``, ``RAA_PAGE_CACHE_SECONDS``);
- what every page view reads and that only an edit changes (``remember``,
  ``RAA_FRAGMENT_CACHE``): the view restrictions of the whole tree, the pages of the menu and
  the footer. Each process keeps the value of the current generation in its memory (no
  pickling, no round trip) and recomputes it on the first request after a change.

The generation lives in the cache, so several app servers sharing Redis (``REDIS_URL``) agree
on it. Local memory is per process: then a stamp file beside it (its modification time) tells
every worker of the machine that something changed.
"""

import copy
import functools
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection, transaction

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"


class _PagesCache:
    """The ``pages`` cache when configured, else ``default`` (looked up on each use: tests
    change the settings)."""

    def __getattr__(self, name):
        alias = "pages" if "pages" in settings.CACHES else "default"
        return getattr(caches[alias], name)


cache = _PagesCache()


def pages_enabled():
    return getattr(settings, "RAA_PAGE_CACHE_SECONDS", 0) > 0


def fragments_enabled():
    return bool(getattr(settings, "RAA_FRAGMENT_CACHE", False))


def _stamp_file():
    return _stamp_path(
        getattr(settings, "RAA_PAGE_CACHE_STAMP_FILE", ""),
        str(settings.DATABASES["default"].get("NAME", "")),
    )


@functools.lru_cache(maxsize=16)
def _stamp_path(configured, database):
    """The stamp file: the configured one, else one per database in the temporary folder."""
    if configured:
        return Path(configured)
    digest = hashlib.sha256(database.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"raa-page-cache-{digest}.stamp"


def _process_local():
    alias = "pages" if "pages" in settings.CACHES else "default"
    return isinstance(caches[alias], LocMemCache)


def generation():
    """The current generation: the number kept in the cache (plus the stamp file's time when
    the cache is this process's memory), or None while the cache cannot be reached: then
    nothing may be kept, since nobody could tell of a change."""
    number = cache.get(GENERATION_KEY)
    if number is None:
        # A new random start: never the number of entries that might still be in the cache.
        cache.add(GENERATION_KEY, time.time_ns(), None)  # kept until bumped
        number = cache.get(GENERATION_KEY)
    if number is None:
        return None  # the cache is unreachable (core.redis_cache): no change could be told
    if not _process_local():
        return str(number)
    try:
        stamp = _stamp_file().stat().st_mtime_ns
    except OSError:
        stamp = 0
    return f"{number}.{stamp}"


def bump():
    """Make every cached page and remembered value stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there: any new number will do
        cache.set(GENERATION_KEY, time.time_ns(), None)
    if _process_local():
        path = _stamp_file()
        try:
            path.touch()
            os.utime(path, ns=(time.time_ns(), time.time_ns()))
        except OSError as error:
            logger.warning("Cannot touch the page cache stamp file %s: %s", path, error)


def invalidate():
    """Bump now, and again once the current transaction commits (a page rendered from the
    data before the commit must not be kept under the new generation). Nothing when both
    caches are off."""
    if not (pages_enabled() or fragments_enabled()):
        return
    bump()
    transaction.on_commit(bump)


# Remembered per process -----------------------------------------------------------------------

# At most this many values, the least recently used dropped first: keys include the reader's
# rights (visitor, members, coordinators, each structure team's group...), and a value may be a
# list of every visible post (80 KB at scale 50, once 1.5 MB), so a process that saw many audiences
# would otherwise keep one per audience for ever.
REMEMBERED_MAX = 64
# Pages found by routing (``remember_page``), in a store of their own: readers going through
# thousands of posts never push the menu or the view restrictions out. A post is a few KB.
PAGES_REMEMBERED_MAX = 256


class _Store:
    """Values of one generation, at most ``size()`` of them, the least recently used dropped
    first; what an older generation left is dropped at once (nobody reads it again)."""

    def __init__(self, size):
        self.size = size  # read on each use: tests lower the module's limit
        self.values = OrderedDict()  # key: (generation, value)
        self.generation = None
        self.lock = threading.Lock()

    def get(self, key, current):
        """``(True, value)`` when ``key`` is kept for the generation ``current``."""
        with self.lock:
            kept = self.values.get(key)
            if kept is None or kept[0] != current:
                return False, None
            self.values.move_to_end(key)
            return True, kept[1]

    def keep(self, key, current, value):
        with self.lock:
            if self.generation != current:
                self.values.clear()
                self.generation = current
            self.values[key] = (current, value)
            self.values.move_to_end(key)
            while len(self.values) > self.size():
                self.values.popitem(last=False)

    def clear(self):
        with self.lock:
            self.values.clear()
            self.generation = None


_values = _Store(lambda: REMEMBERED_MAX)
_pages = _Store(lambda: PAGES_REMEMBERED_MAX)
_remembered = _values.values  # what the tests look at


def in_transaction():
    """Whether this connection is inside ``atomic()``: what is read there may be rolled back,
    and the generation would then stay as it is, so nothing read there is kept."""
    return connection.in_atomic_block


def forget_all():
    """Drop what this process remembers (tests)."""
    _values.clear()
    _pages.clear()


def request_generation(request=None):
    """The generation, read once per request (None: see ``generation``)."""
    if request is None:
        return generation()
    if not hasattr(request, "_raa_generation"):
        request._raa_generation = generation()
    return request._raa_generation


def remembering(request=None):
    """Whether ``remember`` keeps what it computes now: not when the fragment cache is off,
    nor inside a transaction (what it read may be rolled back, and its generation would then
    never change), nor while the generation is unknown."""
    if not fragments_enabled() or in_transaction():
        return False
    return request_generation(request) is not None


def remember(key, compute, request=None):
    """``compute()``, kept in this process's memory until the generation changes.

    Computed afresh (and not kept) when not ``remembering``. A request's generation is read
    once, on the request."""
    return _recall(_values, key, compute, request)


def remember_page(key, load, request=None):
    """The page (any model instance) that ``load()`` reads, or None, kept like ``remember``'s
    values until the generation changes (any edit of a page, its privacy included, bumps it),
    in a store of its own (``PAGES_REMEMBERED_MAX``); None is not kept (made-up addresses
    never fill it). Each call gets its own copy (``copy_instance``): whatever a request sets on
    its page never reaches another. For an instance read without ``prefetch_related``: the
    copy shares the objects its fields hold."""
    page = _recall(_pages, key, load, request, keep_none=False)
    return None if page is None else copy_instance(page)


def _recall(store, key, compute, request, keep_none=True):
    """``compute()``, or what ``store`` keeps of it for the request's generation."""
    if not remembering(request):
        return compute()
    current = request_generation(request)
    found, value = store.get(key, current)
    if not found:
        value = compute()
        if value is not None or keep_none:
            store.keep(key, current, value)
    return value


def copy_instance(instance):
    """A shallow copy of a model instance with its own fields, state and cache of related
    objects (what ``copy.copy`` gives through pickling's protocol, at a fifth of the cost)."""
    clone = instance.__class__.__new__(instance.__class__)
    fields = instance.__dict__.copy()
    state = fields["_state"] = copy.copy(instance._state)
    state.fields_cache = state.fields_cache.copy()
    clone.__dict__ = fields
    return clone
