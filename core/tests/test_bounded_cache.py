"""The ``pages`` cache in local memory is bounded by size, not only by its number of entries
(core.cache.BoundedLocMemCache): a worker never keeps more than its budget of pages and
fragments, whatever their sizes."""

import os
import pickle

import pytest

from core.cache import BoundedLocMemCache

KB = 1024


@pytest.fixture
def cache(request):
    store = BoundedLocMemCache(
        f"bounded-test-{request.node.name}", {"OPTIONS": {"MAX_BYTES": 100 * KB}}
    )
    yield store
    store.clear()


def pickled_size(value):
    return len(pickle.dumps(value, pickle.HIGHEST_PROTOCOL))


def kept_bytes(cache):
    return sum(len(value) for value in cache._cache.values())


def test_the_least_recently_used_go_once_the_budget_is_passed(cache):
    for name in ("a", "b", "c"):
        cache.set(name, "x" * 30 * KB)
    assert cache.get("a") is not None  # read: now the most recently used

    cache.set("d", "x" * 30 * KB)

    assert [name for name in "abcd" if cache.get(name) is not None] == ["a", "c", "d"]
    assert kept_bytes(cache) <= 100 * KB


def test_a_value_larger_than_the_budget_is_not_kept(cache):
    cache.set("dashboard", "old")
    cache.set("dashboard", "x" * 200 * KB)

    assert cache.get("dashboard") is None  # neither the new value nor the old one
    assert cache._total[0] == 0


def test_the_count_follows_replacements_deletions_and_clearing(cache):
    cache.set("page", "x" * 10 * KB)
    cache.set("page", "x" * 20 * KB)
    cache.set("other", "y")
    assert cache._total[0] == pickled_size("x" * 20 * KB) + pickled_size("y")

    cache.delete("page")
    assert cache._total[0] == pickled_size("y")

    cache.set("generation", 1)
    cache.incr("generation", 10**30)  # a longer number: a bigger value
    assert cache._total[0] == pickled_size("y") + pickled_size(1 + 10**30)

    cache.clear()
    assert cache._total[0] == 0
    assert kept_bytes(cache) == 0


def test_the_number_of_entries_still_bounds_it():
    store = BoundedLocMemCache(
        "bounded-test-entries", {"OPTIONS": {"MAX_BYTES": 100 * KB, "MAX_ENTRIES": 4}}
    )
    for number in range(10):
        store.set(f"page-{number}", number)

    assert len(store._cache) <= 4  # noqa: PLR2004
    assert store._total[0] == kept_bytes(store)
    store.clear()


@pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="the pages live in Redis")
def test_the_pages_cache_of_the_real_settings_is_bounded_in_local_memory():
    from website.settings import base

    pages = base.CACHES["pages"]
    assert pages["BACKEND"] == "core.cache.BoundedLocMemCache"
    assert pages["OPTIONS"]["MAX_BYTES"] > 0
