"""The search backends: one interface, chosen by ``settings.RAA_SEARCH["BACKEND"]``.

- ``database`` (default): entries in the site's own database, French stemming and accent
  folding on SQLite and PostgreSQL alike, facets by aggregation;
- ``elasticsearch``: Elasticsearch 8 through elasticsearch-dsl, a French analyzer.

Every backend implements ``SearchBackend``; ``search.service`` and ``search.indexing`` only
talk to this interface.
"""

from django.conf import settings
from django.utils.module_loading import import_string

BACKENDS = {
    "database": "search.backends.database.DatabaseBackend",
    "elasticsearch": "search.backends.elasticsearch.ElasticsearchBackend",
}


class SearchBackend:
    """What a backend does. ``entries`` are ``core.searchable.IndexEntry`` objects."""

    def __init__(self, options):
        self.options = options

    def update(self, page_id, entries):
        """Replace whatever the index holds for ``page_id`` by ``entries`` (maybe none)."""
        raise NotImplementedError

    def remove(self, page_ids):
        """Forget every entry of these pages."""
        raise NotImplementedError

    def rebuild(self, entries, total=None, progress=None):
        """Index ``entries`` (an iterable, read in batches) from scratch; readers keep seeing
        the old index until the new one is complete. ``progress(done, total)`` is called
        after each batch."""
        raise NotImplementedError

    def search(self, query, audience):
        """A ``search.results.SearchResponse`` for ``query`` (a ``Query``) as ``audience``
        (a ``search.privacy.Audience``) may read it; raises ``SearchUnavailable``."""
        raise NotImplementedError


def get_backend():
    options = dict(getattr(settings, "RAA_SEARCH", {}) or {})
    name = options.get("BACKEND", "database")
    return import_string(BACKENDS.get(name, name))(options)
