"""Django's Redis cache, made optional: when Redis is down the site keeps serving.

Django's ``RedisCache`` raises ``redis.ConnectionError`` from every call when the server is
unreachable, which would turn each page using the cache into a 500. ``ResilientRedisCache``
answers as an empty cache instead (a miss on reads, nothing stored on writes) and logs a
warning, at most once a minute per process. Whatever the cache holds (rendered fragments,
rate-limit counters) is recomputed or starts again from zero meanwhile; the site reconnects by
itself when Redis is back, since redis-py opens a new connection on the next call.

A module of its own, named only by the settings when ``REDIS_URL`` is set: importing redis-py
costs each worker ~5 MB, for nothing when the caches live in memory.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARNING_INTERVAL = 60  # seconds between two warnings of one process


def _tolerant(fallback):
    """Wrap a cache method: on a connection error, log and return ``fallback(*args)``."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._warn(method.__name__, error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


def _empty_dict(*args, **kwargs):
    return {}


def _keys_not_set(data, *args, **kwargs):
    return list(data)


def _delta(key, delta=1, *args, **kwargs):
    return delta


class ResilientRedisCache(RedisCache):
    """``RedisCache`` that behaves as an empty cache while Redis is unreachable."""

    _last_warning = 0.0

    def _warn(self, operation, error):
        now = time.monotonic()
        if now - ResilientRedisCache._last_warning >= WARNING_INTERVAL:
            ResilientRedisCache._last_warning = now
            logger.warning(
                "Redis cache unreachable (%s: %s): serving without the cache.", operation, error
            )

    add = _tolerant(_false)(RedisCache.add)
    get = _tolerant(_default)(RedisCache.get)
    set = _tolerant(_nothing)(RedisCache.set)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(_empty_dict)(RedisCache.get_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    incr = _tolerant(_delta)(RedisCache.incr)
    set_many = _tolerant(_keys_not_set)(RedisCache.set_many)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)
