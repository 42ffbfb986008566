"""The search service: what a request asks, answered by the configured backend.

``search_request`` is all the page and the JSON answer need; neither knows which backend ran.
"""

import dataclasses
import logging
import re
import unicodedata

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
    )


def search_request(request):
    """``(query, response)`` for a request to the search page: ``response`` is the backend's
    ``SearchResponse`` as the reader may see it, or ``None`` when the search engine is
    unavailable. A page past the last one gives the last page."""
    query = query_from(request.GET)
    backend = get_backend()
    audience = audience_for(request)
    try:
        response = backend.search(query, audience)
        if query.page > response.pages and response.total:
            query = dataclasses.replace(query, page=response.pages)
            response = backend.search(query, audience)
    except SearchUnavailable as error:
        # One line per request: while the engine is down, every search would log a trace.
        logger.warning("Search unavailable: %s", error)
        return query, None
    return query, response
