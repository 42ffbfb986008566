"""The search service: what a request asks, answered by the configured backend.

``search_request`` is all the page and the JSON answer need; neither knows which backend ran.
"""

import dataclasses
import hashlib
import logging
import re
import unicodedata

from django.conf import settings
from django.utils import translation

from core import fragments, site_cache

from .backends import get_backend
from .privacy import audience_for
from .results import FACETS, KINDS, MAX_QUERY_LENGTH, SearchUnavailable, parse_query

logger = logging.getLogger(__name__)

# Beyond this, a page number is a robot's: no reader pages through 10,000 results (and
# Elasticsearch refuses to look further than that by default).
MAX_PAGE = 1000
MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 100
YEAR = re.compile(r"\d{4}")


def clean_text(raw, limit):
    """``raw`` cut to ``limit`` characters, control and unpaired surrogate characters replaced
    by spaces (a NUL byte upsets PostgreSQL; non-UTF-8 bytes arrive already replaced by
    Django's decoding as U+FFFD)."""
    raw = (raw or "")[: limit * 4]
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in raw)[:limit]


def page_number(raw):
    """A page number from a GET parameter: anything odd is page 1; beyond ``MAX_PAGE``, the
    last page it allows."""
    raw = (raw or "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)):
        return MAX_PAGE
    return min(max(1, int(raw)), MAX_PAGE)


def valid_value(name, value):
    """Whether ``value`` may be a value of the facet ``name`` (values the index cannot hold
    are dropped here; other unknown values simply match nothing)."""
    if name == "kind":
        return value in KINDS
    if name == "year":
        return bool(YEAR.fullmatch(value))
    return bool(value.strip())


def filters_from(params):
    """``{facet name: [values]}`` from GET parameters: one parameter per facet of ``FACETS``,
    repeated for several values; other parameters and impossible values are left out."""
    filters = {}
    for name in FACETS:
        values = []
        for raw in params.getlist(name)[: MAX_VALUES_PER_FACET * 2]:
            value = clean_text(raw, MAX_VALUE_LENGTH).strip()
            if valid_value(name, value) and value not in values:
                values.append(value)
        if values:
            filters[name] = values[:MAX_VALUES_PER_FACET]
    return filters


def query_from(params):
    """The ``Query`` a request's GET parameters ask for."""
    return parse_query(
        clean_text(params.get("q", ""), MAX_QUERY_LENGTH * 2),
        filters=filters_from(params),
        page=page_number(params.get("page")),
        complete_facet=params.get("facette", ""),
    )


def cache_key(backend, query, audience, generation):
    """Where the answer of ``backend`` to ``query`` for ``audience`` is kept during
    ``generation``: the audience exactly as ``search.privacy`` decides it (its ``digest`` of
    the paths the reader may not read and of whether members-only sections are found), so two
    readers share an answer only when they may read the same things."""
    parts = repr(
        (
            type(backend).__module__,
            type(backend).__qualname__,
            translation.get_language(),
            query.text,
            query.terms,
            query.phrases,
            sorted((name, tuple(values)) for name, values in query.filters.items()),
            query.page,
            query.per_page,
            query.complete_facet,
            audience.digest,
        )
    )
    digest = hashlib.sha256(parts.encode("utf-8", "surrogatepass")).hexdigest()
    return f"search:{generation}:{digest}"


def _cache_get(key):
    try:
        return site_cache.cache.get(key)
    except Exception:  # noqa: BLE001 - a broken cache must not break the search
        logger.warning("Search cache unreachable", exc_info=True)
        return None


def _cache_set(key, value):
    try:
        site_cache.cache.set(key, value, getattr(settings, "RAA_FRAGMENT_CACHE_SECONDS", 300))
    except Exception:  # noqa: BLE001
        logger.warning("Search cache unreachable", exc_info=True)


def cached_search(backend, query, audience, request=None):
    """``backend.search(query, audience)`` with its facets as the page lists them
    (``SearchResponse.listed``), kept in the ``pages`` cache until the site's generation
    changes (any edit, and any write to the index: ``search.indexing``) or
    ``RAA_FRAGMENT_CACHE_SECONDS`` pass. The same search is common (popular words, a reader
    paging back): each costs the database a full-text match, scoring and facet counts.
    Not kept when the fragment cache is off, inside a transaction, or while the cache is out
    of reach (nobody could tell of a change). The key is left on ``request`` for
    ``kept_fragment``."""
    if request is not None:
        request._search_cache_key = None
    if not site_cache.fragments_enabled() or site_cache.in_transaction():
        return backend.search(query, audience).listed()
    generation = site_cache.request_generation(request)
    if generation is None:
        return backend.search(query, audience).listed()
    key = cache_key(backend, query, audience, generation)
    response = _cache_get(key)
    if response is None:
        response = backend.search(query, audience).listed()
        _cache_set(key, response)
    if request is not None:
        request._search_cache_key = key
    return response


def kept_fragment(request, name, compute):
    """``compute()`` (a rendering of the answer that only depends on the query and the
    answer, as the facets' form), kept beside the answer ``search_request`` gave, under the
    same key: same reader rights, same generation. Computed afresh when the answer was not
    kept."""
    key = getattr(request, "_search_cache_key", None)
    if key is None:
        return compute()
    key = f"{key}:{name}"
    value = _cache_get(key)
    if value is None:
        value = compute()
        _cache_set(key, value)
    return value


def request_audience(request):
    """The ``Audience`` of ``request``'s reader, remembered per process for each set of rights
    (``core.fragments.audience``: all it depends on) until the site changes: computing it walks
    every view restriction (about 1,770 at ``--scale 50``) on each search."""
    return site_cache.remember(
        ("search-audience", fragments.audience(request)), lambda: audience_for(request), request
    )


def search_request(request):
    """``(query, response)`` for a request to the search page: ``response`` is the backend's
    ``SearchResponse`` as the reader may see it, or ``None`` when the search engine is
    unavailable. A page past the last one gives the last page."""
    query = query_from(request.GET)
    backend = get_backend()
    audience = request_audience(request)
    try:
        response = cached_search(backend, query, audience, request)
        if query.page > response.pages and response.total:
            query = dataclasses.replace(query, page=response.pages)
            response = cached_search(backend, query, audience, request)
    except SearchUnavailable as error:
        # One line per request: while the engine is down, every search would log a trace.
        logger.warning("Search unavailable: %s", error)
        return query, None
    return query, response
