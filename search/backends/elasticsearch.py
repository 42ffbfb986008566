"""The Elasticsearch 8 backend, through elasticsearch-dsl (``search.elasticsearch``).

Options (``settings.RAA_SEARCH``): ``URL`` of the cluster, ``INDEX`` the alias readers and
writers go through, ``TIMEOUT`` in seconds (3 by default) for each search request and
``WRITE_TIMEOUT`` (60) for indexing, which runs in tasks and commands.

The client is made on first use: importing this module or starting the site opens no
connection. A cluster that is down, refuses, times out or answers an error raises
``SearchUnavailable``; the page turns it into a French 503 and the rest of the site works.

``rebuild`` fills a new dated index (``raa_search-20261201-001500``) in batches, refreshes it,
then moves the alias onto it in one atomic ``update_aliases`` call and deletes the indices it
left: readers see the old index until the new one is complete, never an empty or half one.
"""

import functools
import itertools
import logging
from contextlib import contextmanager, suppress

from django.utils import timezone
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch_dsl.query import Bool, Ids, Term, Terms

from search.elasticsearch.documents import document_for, index_body
from search.elasticsearch.queries import EntrySearch, live_words_search
from search.elasticsearch.responses import response_from, suggested_words
from search.results import SearchUnavailable

from . import SearchBackend

logger = logging.getLogger(__name__)

DEFAULT_INDEX = "raa_search"
DEFAULT_TIMEOUT = 3.0
WRITE_TIMEOUT = 60.0  # indexing runs in tasks and commands, not while a reader waits
BATCH_SIZE = 500  # entries per progress step
BULK_CHARS = 5_000_000  # text per bulk request, so that long documents stay in small requests


@contextmanager
def unavailable_on_failure(action):
    """Turns the client's failures (refused, timed out, an error answered) into
    ``SearchUnavailable``, logged with their cause."""
    try:
        yield
    except (TransportError, ApiError) as exc:
        logger.warning("Elasticsearch could not %s: %s", action, exc)
        raise SearchUnavailable(str(exc)) from exc


class ElasticsearchBackend(SearchBackend):
    batch_size = BATCH_SIZE
    bulk_chars = BULK_CHARS
    clock = staticmethod(timezone.now)  # dates the rebuilt indices' names

    def __init__(self, options, client=None):
        """``client`` replaces the ``elasticsearch.Elasticsearch`` client the backend would
        make from ``options`` (tests give a recording one)."""
        super().__init__(options)
        self.alias = options.get("INDEX") or DEFAULT_INDEX
        self.timeout = float(options.get("TIMEOUT") or DEFAULT_TIMEOUT)
        self.write_timeout = float(options.get("WRITE_TIMEOUT") or max(WRITE_TIMEOUT, self.timeout))
        self._client = client
        self._writer = None
        self._index_ready = False

    @property
    def client(self):
        if self._client is None:
            url = self.options.get("URL")
            if not url:
                raise SearchUnavailable("RAA_SEARCH has no Elasticsearch URL")
            try:
                self._client = shared_client(url, self.timeout)
            except ValueError as exc:  # not a URL the client understands
                logger.error("RAA_SEARCH's Elasticsearch URL is wrong: %s", exc)
                raise SearchUnavailable(str(exc)) from exc
        return self._client

    @property
    def writer(self):
        """The client for indexing: the same connections, a longer timeout."""
        if self._writer is None:
            self._writer = self.client.options(request_timeout=self.write_timeout)
        return self._writer

    # Reading

    def search(self, query, audience):
        faceted = EntrySearch(query, audience, index=self.alias, using=self.client)
        # Before the first build the alias is missing: no result rather than an error page.
        faceted.params(ignore_unavailable=True)
        with unavailable_on_failure("search"):
            raw = faceted.execute().to_dict()
            if not raw.get("_shards", {}).get("total", 1):
                logger.warning(
                    "No Elasticsearch index behind %s: run search_index --rebuild", self.alias
                )
            corrections = suggested_words(raw.get("suggest", {}))
            live = self._live_words(corrections) if corrections else frozenset()
        return response_from(query, raw, live)

    def _live_words(self, words):
        raw = live_words_search(words, index=self.alias, using=self.client).execute().to_dict()
        buckets = raw.get("aggregations", {}).get("words", {}).get("buckets", {})
        return frozenset(word for word, bucket in buckets.items() if bucket["doc_count"])

    # Writing

    def update(self, page_id, entries):
        entries = list(entries)
        with unavailable_on_failure("update the index"):
            self._ensure_index()
            self._bulk(self.alias, entries, refresh="wait_for", require_alias=True)
            # Written first, the page's new entries replace the old ones by key; then what
            # the page no longer has goes (a section made empty, a page become one entry).
            keys = [entry.key for entry in entries]
            stale = Bool(
                filter=[Term(page_id=page_id)], must_not=[Ids(values=keys)] if keys else []
            )
            self.writer.delete_by_query(
                index=self.alias, query=stale.to_dict(), refresh=True, conflicts="proceed"
            )

    def remove(self, page_ids):
        page_ids = list(page_ids)
        if not page_ids:
            return
        # No index yet: nothing to forget.
        with unavailable_on_failure("remove from the index"), suppress(NotFoundError):
            self.writer.delete_by_query(
                index=self.alias,
                query=Terms(page_id=page_ids).to_dict(),
                refresh=True,
                conflicts="proceed",
            )

    def rebuild(self, entries, total=None, progress=None):
        client = self.writer
        with unavailable_on_failure("rebuild the index"):
            name = self._new_index_name()
            # No refresh while filling: faster, and nothing reads this index yet.
            client.indices.create(index=name, **index_body(refresh_interval="-1"))
            try:
                done = 0
                for batch in batched(entries, self.batch_size):
                    self._bulk(name, batch)
                    done += len(batch)
                    if progress:
                        progress(done, total)
                client.indices.put_settings(index=name, settings={"refresh_interval": None})
                client.indices.refresh(index=name)
                old = self._swap_alias(name)
            except BaseException:
                self._delete_quietly([name])
                raise
        self._delete_quietly(old)
        self._index_ready = True

    # Index management

    def _new_index_name(self):
        base = f"{self.alias}-{self.clock():%Y%m%d-%H%M%S}"
        name = base
        for number in itertools.count(2):
            if not self.writer.indices.exists(index=name):
                return name
            name = f"{base}-{number}"

    def _aliased_indices(self):
        """The indices the alias points to now (none before the first build)."""
        try:
            return sorted(self.writer.indices.get_alias(name=self.alias))
        except NotFoundError:
            return []

    def _swap_alias(self, name):
        """Points the alias at ``name`` alone, in one atomic step; returns the indices it
        pointed to, for deletion."""
        old = self._aliased_indices()
        actions = [{"remove": {"index": index, "alias": self.alias}} for index in old]
        if not old and self.writer.indices.exists(index=self.alias):
            # A plain index carries the alias's name (written to before any build): it
            # goes in the same step, or the alias could not be made.
            actions.append({"remove_index": {"index": self.alias}})
        actions.append({"add": {"index": name, "alias": self.alias}})
        self.writer.indices.update_aliases(actions=actions)
        return old

    def _delete_quietly(self, names):
        """Deletes indices nobody reads: a failure is logged, not raised (the work is done)."""
        if not names:
            return
        try:
            self.writer.indices.delete(index=",".join(names), ignore_unavailable=True)
        except (TransportError, ApiError) as exc:
            logger.warning("Elasticsearch could not delete %s: %s", ", ".join(names), exc)

    def _ensure_index(self):
        """Writes need the alias: before the first rebuild, make an empty index behind it."""
        if self._index_ready:
            return
        if not self.writer.indices.exists(index=self.alias):
            name = self._new_index_name()
            self.writer.indices.create(index=name, aliases={self.alias: {}}, **index_body())
        self._index_ready = True

    def _bulk(self, index, entries, **params):
        """Writes ``entries`` into ``index``, in as many requests as their text needs."""
        operations, chars = [], 0
        for entry in entries:
            document = document_for(entry).to_dict()
            operations += [{"index": {"_index": index, "_id": entry.key}}, document]
            # The text twice: public entries copy it into the suggestion field.
            chars += 2 * sum(len(document.get(name, "")) for name in ("title", "summary", "body"))
            if chars >= self.bulk_chars:
                self._send(operations, params)
                operations, chars = [], 0
        if operations:
            self._send(operations, params)

    def _send(self, operations, params):
        answer = self.writer.bulk(operations=operations, **params)
        if answer["errors"]:
            failed = [item["index"] for item in answer["items"] if "error" in item["index"]]
            reason = failed[0]["error"] if failed else "unknown"
            logger.error("Elasticsearch refused %d entries, first: %s", len(failed), reason)
            raise SearchUnavailable(f"{len(failed)} entries refused by Elasticsearch: {reason}")


@functools.cache
def shared_client(url, timeout):
    """One client per cluster and timeout for the process: its connection pool is reused from
    one request to the next (the client is thread-safe; making it connects to nothing)."""
    return Elasticsearch(url, request_timeout=timeout, max_retries=1, retry_on_timeout=False)


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(itertools.islice(iterator, size)):
        yield batch
