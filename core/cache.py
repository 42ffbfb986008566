"""The local-memory cache of the ``pages`` fragments, bounded by size.

Without Redis, the ``pages`` cache lives in each process's memory: ``BoundedLocMemCache``
bounds it by the size of what it keeps, not only by its number of entries. (Redis, when
``REDIS_URL`` is set: ``core.redis_cache``.)
"""

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# Local memory, bounded by size -----------------------------------------------------------------

_sizes = {}  # cache name: {key: bytes}, shared by the instances of one name (one per thread)
_totals = {}  # cache name: [bytes in all]


class BoundedLocMemCache(LocMemCache):
    """Django's local-memory cache, at most ``OPTIONS["MAX_BYTES"]`` of pickled values.

    ``MAX_ENTRIES`` alone does not bound the memory of the ``pages`` cache: a visitor's page
    is 20-60 KB, a member's dashboard fragment 2 MB, so 500 entries may weigh anything up to a
    gigabyte in every worker. Here the least recently used entries are dropped once the total
    passes the budget, and a value larger than the whole budget is not kept at all.
    """

    def __init__(self, name, params):
        super().__init__(name, params)
        options = params.get("OPTIONS") or {}
        self._max_bytes = int(options.get("MAX_BYTES", 0))
        self._sizes = _sizes.setdefault(name, {})
        self._total = _totals.setdefault(name, [0])

    def _account(self, key, size):
        self._total[0] += size - self._sizes.get(key, 0)
        if size:
            self._sizes[key] = size
        else:
            self._sizes.pop(key, None)

    def _drop_oldest(self):
        key, _ = self._cache.popitem()  # the least recently used: last in Django's order
        self._expire_info.pop(key, None)
        self._account(key, 0)

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        if self._max_bytes and len(value) > self._max_bytes:
            self._delete(key)  # too large for the budget: not kept, nor an older value
            return
        super()._set(key, value, timeout)
        self._account(key, len(value))
        while self._max_bytes and self._total[0] > self._max_bytes:
            self._drop_oldest()

    def _cull(self):
        if self._cull_frequency == 0:
            self._clear()
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            self._drop_oldest()

    def _delete(self, key):
        deleted = super()._delete(key)
        self._account(key, 0)
        return deleted

    def incr(self, key, delta=1, version=None):
        value = super().incr(key, delta, version)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key in self._cache:
                self._account(key, len(self._cache[key]))
        return value

    def _clear(self):
        self._cache.clear()
        self._expire_info.clear()
        self._sizes.clear()
        self._total[0] = 0

    def clear(self):
        with self._lock:
            self._clear()
