"""The Elasticsearch backend without a server: searching, updating and rebuilding on a
recording client (Elasticsearch is an outside service that cannot run on the test machine),
and ``SearchUnavailable`` when the cluster refuses or never answers (real sockets)."""

import datetime
import re
import socket

import pytest

from search.backends import get_backend
from search.backends.elasticsearch import ElasticsearchBackend
from search.results import SearchUnavailable, parse_query

from .elasticsearch_client import RecordingClient
from .elasticsearch_data import ALIAS, MEMBER, VISITOR, canned_answer, entry


def backend(client, **options):
    return ElasticsearchBackend({"INDEX": ALIAS, **options}, client=client)


# Searching


def live_words_answer(**counts):
    buckets = {word: {"doc_count": count} for word, count in counts.items()}
    return {
        "hits": {"total": {"value": 1, "relation": "eq"}, "hits": []},
        "aggregations": {"words": {"buckets": buckets}},
    }


def test_search_asks_the_alias_then_checks_the_suggested_words_are_public_now():
    client = RecordingClient(answers=[canned_answer(), live_words_answer(achat=3)])

    response = backend(client).search(parse_query("achta clause"), VISITOR)

    search, check = client.called("search")
    assert search["index"] == check["index"] == [ALIAS]
    assert search["ignore_unavailable"] is True  # no index yet: no result, not an error
    assert search["body"]["query"]["bool"]["filter"][0]["bool"]["must_not"][0] == {
        "terms": {"ancestors": ["00010002", "000100030004"]}
    }
    assert check["body"] == {
        "query": {"bool": {"filter": [{"terms": {"suggestion": ["achat"]}}]}},
        "aggs": {"words": {"filters": {"filters": {"achat": {"term": {"suggestion": "achat"}}}}}},
        "size": 0,
    }
    assert [r.title for r in response.results] == ["Clause d'achat", "Mentions légales"]
    assert response.suggestion == "achat clause"


def test_a_suggested_word_no_public_entry_holds_any_more_is_not_suggested():
    client = RecordingClient(answers=[canned_answer(), live_words_answer(achat=0)])

    response = backend(client).search(parse_query("achta clause"), VISITOR)

    assert response.suggestion == ""


def test_no_correction_no_second_request():
    answer = {**canned_answer(), "suggest": {"spelling": []}}
    client = RecordingClient(answers=[answer])

    assert backend(client).search(parse_query("achat"), VISITOR).suggestion == ""
    assert len(client.called("search")) == 1


def test_an_empty_query_gives_facets_and_no_total():
    answer = {**canned_answer(), "hits": {"total": {"value": 42, "relation": "eq"}, "hits": []}}
    client = RecordingClient(answers=[answer])

    response = backend(client).search(parse_query(""), VISITOR)

    assert response.total == 0 and response.suggestion == ""
    assert [facet.name for facet in response.facets] == ["kind", "theme", "year"]


def test_a_page_past_the_end_is_empty_with_the_right_total():
    answer = {**canned_answer(), "hits": {"total": {"value": 42, "relation": "eq"}, "hits": []}}
    client = RecordingClient(answers=[answer])

    response = backend(client).search(parse_query("achat", page=99), MEMBER)

    assert response.results == [] and response.total == 42
    assert client.called("search")[0]["body"]["from"] == 980


# Writing: updates, removals, the rebuild's alias swap


def test_an_update_writes_through_the_alias_then_drops_the_pages_stale_entries():
    client = RecordingClient(aliases={f"{ALIAS}-20260101-000000": {ALIAS}})

    backend(client).update(12, [entry("page:12", 12), entry("page:12:diagnostic", 12)])

    (bulk,) = client.called("bulk")
    assert bulk["operations"][0] == {"index": {"_index": ALIAS, "_id": "page:12"}}
    assert bulk["operations"][2] == {"index": {"_index": ALIAS, "_id": "page:12:diagnostic"}}
    assert bulk["operations"][1]["title"] == "Clause d'achat alimentaire"
    assert bulk["require_alias"] is True  # never a stray index made on the fly
    (delete,) = client.called("delete_by_query")
    assert delete["index"] == ALIAS
    assert delete["query"] == {
        "bool": {
            "filter": [{"term": {"page_id": 12}}],
            "must_not": [{"ids": {"values": ["page:12", "page:12:diagnostic"]}}],
        }
    }
    assert client.called("indices.create") == []


def test_an_update_with_no_entry_left_deletes_the_page():
    client = RecordingClient(aliases={f"{ALIAS}-20260101-000000": {ALIAS}})

    backend(client).update(12, [])

    assert client.called("bulk") == []
    assert client.called("delete_by_query")[0]["query"] == {
        "bool": {"filter": [{"term": {"page_id": 12}}]}
    }


def test_the_first_update_makes_an_index_behind_the_alias():
    client = RecordingClient()
    es = backend(client)

    es.update(12, [entry("page:12", 12)])
    es.update(13, [entry("page:13", 13)])

    (created,) = client.called("indices.create")
    assert re.fullmatch(rf"{ALIAS}-\d{{8}}-\d{{6}}", created["index"])
    assert created["aliases"] == {ALIAS: {}}
    assert created["mappings"]["dynamic"] == "strict"
    assert client.readable(ALIAS) == {created["index"]}


def test_removing_pages_deletes_their_entries():
    client = RecordingClient(aliases={f"{ALIAS}-20260101-000000": {ALIAS}})

    backend(client).remove([12, 13])
    backend(client).remove([])

    (delete,) = client.called("delete_by_query")
    assert delete["query"] == {"terms": {"page_id": [12, 13]}}


def test_a_rebuild_fills_a_dated_index_in_batches_then_swaps_the_alias_atomically():
    old = f"{ALIAS}-20261130-120000"
    client = RecordingClient(aliases={old: {ALIAS}})
    es = backend(client)
    es.batch_size = 2
    es.clock = lambda: datetime.datetime(2026, 12, 1, 0, 15, tzinfo=datetime.UTC)
    progress, seen_by_readers = [], []

    def report(done, total):
        progress.append((done, total))
        seen_by_readers.append(client.readable(ALIAS))

    entries = (entry(f"page:{n}", n) for n in range(5))  # a generator: read once, in batches
    es.rebuild(entries, total=5, progress=report)

    new = f"{ALIAS}-20261201-001500"
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert seen_by_readers == [{old}] * 3  # the old index, whole, until the swap
    assert [len(b["operations"]) // 2 for b in client.called("bulk")] == [2, 2, 1]
    assert {b["operations"][0]["index"]["_index"] for b in client.called("bulk")} == {new}
    (created,) = client.called("indices.create")
    assert created["index"] == new and created["settings"]["refresh_interval"] == "-1"
    assert client.called("indices.update_aliases") == [
        {
            "actions": [
                {"remove": {"index": old, "alias": ALIAS}},
                {"add": {"index": new, "alias": ALIAS}},
            ]
        }
    ]
    assert client.called("options") == [{"request_timeout": 60.0}]  # writes wait longer
    skipped = ("options", "indices.exists", "bulk")
    steps = [name for name, _ in client.calls if not name.startswith(skipped)]
    assert steps == [
        "indices.create",
        "indices.put_settings",
        "indices.refresh",
        "indices.get_alias",
        "indices.update_aliases",
        "indices.delete",
    ]
    assert client.called("indices.delete") == [{"index": old}]
    assert client.aliases == {new: {ALIAS}}


def test_long_texts_go_in_several_bulk_requests():
    client = RecordingClient(aliases={f"{ALIAS}-20260101-000000": {ALIAS}})
    es = backend(client)
    es.bulk_chars = 1000

    es.rebuild([entry(f"page:{n}", n, body="mot " * 100) for n in range(4)])

    assert [len(b["operations"]) // 2 for b in client.called("bulk")] == [2, 2]


def test_a_rebuild_on_the_same_second_gets_its_own_name():
    taken = f"{ALIAS}-20261201-001500"
    client = RecordingClient(aliases={taken: {ALIAS}})
    es = backend(client)
    es.clock = lambda: datetime.datetime(2026, 12, 1, 0, 15, tzinfo=datetime.UTC)

    es.rebuild([entry()])

    assert client.aliases == {f"{taken}-2": {ALIAS}}


def test_a_first_rebuild_replaces_a_plain_index_of_the_alias_name_in_the_same_step():
    client = RecordingClient(aliases={ALIAS: set()})

    backend(client).rebuild([entry()])

    (swap,) = client.called("indices.update_aliases")
    assert swap["actions"][0] == {"remove_index": {"index": ALIAS}}
    assert list(swap["actions"][1]) == ["add"]


def test_a_failed_rebuild_deletes_its_index_and_leaves_the_alias_alone():
    old = f"{ALIAS}-20261130-120000"
    client = RecordingClient(aliases={old: {ALIAS}}, refuse_bulk=True)

    with pytest.raises(SearchUnavailable, match="refused"):
        backend(client).rebuild([entry()], total=1)

    assert client.called("indices.update_aliases") == []
    assert client.aliases == {old: {ALIAS}}


# Faults: a real client against sockets that refuse or never answer


def test_no_connection_is_made_until_the_first_request(settings):
    settings.RAA_SEARCH = {"BACKEND": "elasticsearch", "URL": "http://127.0.0.1:9", "TIMEOUT": 1}

    es = get_backend()

    assert isinstance(es, ElasticsearchBackend) and es._client is None


def test_backends_share_one_client_per_cluster():
    options = {"URL": "http://127.0.0.1:9", "TIMEOUT": 1}

    assert ElasticsearchBackend(options).client is ElasticsearchBackend(options).client
    assert ElasticsearchBackend(options).client is not (
        ElasticsearchBackend({**options, "TIMEOUT": 2}).client
    )


def test_a_refused_connection_makes_search_unavailable():
    es = ElasticsearchBackend({"URL": "http://127.0.0.1:9", "INDEX": ALIAS, "TIMEOUT": 0.5})

    with pytest.raises(SearchUnavailable):
        es.search(parse_query("achat"), VISITOR)
    with pytest.raises(SearchUnavailable):
        es.update(1, [entry()])


@pytest.fixture
def silent_server():
    """A port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_a_silent_cluster_makes_search_unavailable_after_the_timeout(silent_server):
    es = ElasticsearchBackend({"URL": silent_server, "INDEX": ALIAS, "TIMEOUT": 0.3})

    with pytest.raises(SearchUnavailable):
        es.search(parse_query("achat"), VISITOR)


@pytest.mark.parametrize("url", ["", "not a url", "ftp://127.0.0.1:9"])
def test_a_missing_or_wrong_url_makes_search_unavailable(url):
    with pytest.raises(SearchUnavailable):
        ElasticsearchBackend({"URL": url}).search(parse_query("achat"), VISITOR)
