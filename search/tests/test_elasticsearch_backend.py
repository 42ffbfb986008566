"""The Elasticsearch backend without a server: the index's mapping and French analyzer, the
request bodies elasticsearch-dsl builds for each kind of query, the answer's mapping to
results, facets and suggestions, the alias swap of a rebuild (on a recording client), and
``SearchUnavailable`` when the cluster is down or silent (real sockets)."""

import datetime
import re
import socket

import pytest
from django.utils.safestring import SafeString

from core.searchable import FacetTag, IndexEntry
from search.backends import get_backend
from search.backends.elasticsearch import ElasticsearchBackend
from search.elasticsearch.documents import MARK_END, MARK_START, document_for, index_body
from search.elasticsearch.queries import EntrySearch
from search.elasticsearch.responses import response_from
from search.privacy import Audience
from search.results import FACETS, KINDS, SearchUnavailable, parse_query

from .elasticsearch_client import RecordingClient

VISITOR = Audience(excluded_paths=("00010002", "000100030004"), sees_members_only=False)
MEMBER = Audience(excluded_paths=(), sees_members_only=True)
ALIAS = "raa_test_search"


def entry(key="page:1", page_id=1, **fields):
    defaults = {
        "path": "000100010001",
        "kind": "lesson",
        "title": "Clause d'achat alimentaire",
        "url": "/enseignements/clause/",
        "summary": "Une clause pour les achats de denrées.",
        "body": "Le marché public de restauration collective.",
        "date": datetime.date(2025, 3, 14),
    }
    return IndexEntry(key=key, page_id=page_id, **{**defaults, **fields})


def body_for(text="", filters=None, audience=MEMBER, page=1, per_page=10):
    query = parse_query(text, filters, page=page, per_page=per_page)
    return EntrySearch(query, audience, index=ALIAS, using=RecordingClient())._s.to_dict()


def backend(client, **options):
    return ElasticsearchBackend({"INDEX": ALIAS, **options}, client=client)


# The index: mapping and analysis


def test_french_analyzer_splits_elisions_drops_stop_words_folds_accents_and_stems():
    analysis = index_body()["settings"]["analysis"]

    assert analysis["analyzer"]["raa_french"] == {
        "type": "custom",
        "tokenizer": "standard",
        "filter": [
            "raa_french_elision",
            "lowercase",
            "raa_french_stop",
            "asciifolding",
            "raa_french_stemmer",
        ],
    }
    filters = analysis["filter"]
    assert filters["raa_french_elision"]["type"] == "elision"
    assert {"l", "d", "qu", "jusqu", "lorsqu"} <= set(filters["raa_french_elision"]["articles"])
    assert filters["raa_french_elision"]["articles_case"] is True
    assert filters["raa_french_stop"] == {"type": "stop", "stopwords": "_french_"}
    assert filters["raa_french_stemmer"] == {"type": "stemmer", "language": "light_french"}


def test_suggestions_keep_whole_accented_words():
    analyzer = index_body()["settings"]["analysis"]["analyzer"]["raa_suggest"]

    assert "asciifolding" not in analyzer["filter"]
    assert "raa_french_stemmer" not in analyzer["filter"]


def test_texts_are_french_and_privacy_fields_are_exact():
    mapping = index_body()["mappings"]
    properties = mapping["properties"]

    assert mapping["dynamic"] == "strict"
    assert properties["title"] == {"type": "text", "analyzer": "raa_french"}
    for name in ("summary", "body"):  # offsets stored: long texts highlight fast
        assert properties[name] == {
            "type": "text",
            "analyzer": "raa_french",
            "index_options": "offsets",
        }
    assert properties["path"] == {"type": "keyword"}
    assert properties["key"] == {"type": "keyword"}
    assert properties["kind"] == {"type": "keyword"}
    for name in ("members_only", "demoted", "public"):
        assert properties[name] == {"type": "boolean"}
    assert properties["suggestion"] == {"type": "text", "analyzer": "raa_suggest"}
    assert properties["structure"]["properties"]["value"] == {"type": "keyword"}


def test_every_facet_has_a_value_keyword_and_a_label_keyword():
    properties = index_body()["mappings"]["properties"]

    assert set(properties["facet"]["properties"]) == set(FACETS)
    assert set(properties["facet_label"]["properties"]) == set(FACETS)
    assert properties["facet"]["properties"]["theme"] == {"type": "keyword"}
    assert properties["facet_label"]["properties"]["theme"] == {"type": "keyword", "index": False}


def test_an_entry_becomes_a_document_keyed_by_its_key_with_its_facets():
    document = document_for(
        entry(
            structure=FacetTag("pessac", "Pessac"),
            facets={
                "theme": [FacetTag("alimentation", "Alimentation"), FacetTag("eau", "Eau")],
                "unknown": [FacetTag("x", "X")],
            },
            members_only=True,
        )
    ).to_dict(include_meta=True)

    assert document["_id"] == "page:1"
    source = document["_source"]
    assert source["key"] == "page:1"
    assert source["page_id"] == 1 and source["path"] == "000100010001"
    assert source["date"] == datetime.date(2025, 3, 14) and source["year"] == 2025
    assert source["structure"] == {"value": "pessac", "label": "Pessac"}
    assert source["facet"] == {
        "theme": ["alimentation", "eau"],
        "kind": ["lesson"],
        "year": ["2025"],
        "structure": ["pessac"],
    }
    assert source["facet_label"]["theme"] == ["alimentation\x1fAlimentation", "eau\x1fEau"]
    assert source["members_only"] is True and source["demoted"] is False


def test_only_public_entries_feed_the_suggestions():
    public = document_for(entry()).to_dict()
    private = document_for(entry(public=False, body="Secretissime")).to_dict()

    assert "alimentaire" in public["suggestion"] and "restauration" in public["suggestion"]
    assert "suggestion" not in private  # empty, so not even stored


def test_indexed_text_cannot_forge_a_highlight():
    source = document_for(entry(body=f"{MARK_START}<b>{MARK_END}")).to_dict()

    assert source["body"] == "<b>"


# The request bodies


def test_words_match_over_title_summary_and_body_with_the_title_weighing_most():
    body = body_for("achats clauses")

    scored = body["query"]["bool"]["must"][0]["function_score"]["query"]["bool"]
    (any_word,) = scored["must"]
    assert any_word == {
        "multi_match": {
            "query": "achats clauses",
            "fields": ["title^3", "summary^2", "body"],
            "type": "cross_fields",
        }
    }


def test_all_words_rank_first_then_most_words_then_any():
    scored = body_for("grand dax diagnostic")["query"]["bool"]["must"][0]["function_score"]

    most_words, all_words = (c["multi_match"] for c in scored["query"]["bool"]["should"])
    assert most_words["minimum_should_match"] == "75%"
    assert "operator" not in most_words
    assert all_words["operator"] == "and" and all_words["boost"] == 2
    assert most_words["query"] == all_words["query"] == "grand dax diagnostic"
    assert most_words["type"] == all_words["type"] == "cross_fields"


def test_a_quoted_phrase_must_match_as_a_phrase():
    scored = body_for('"marché public" cantine')["query"]["bool"]["must"][0]["function_score"]

    phrase = scored["query"]["bool"]["must"][1]["bool"]
    assert phrase["minimum_should_match"] == 1
    assert {"match_phrase": {"title": {"query": "marché public", "boost": 3}}} in phrase["should"]
    assert {"match_phrase": {"body": {"query": "marché public", "boost": 1}}} in phrase["should"]
    assert scored["query"]["bool"]["must"][0]["multi_match"]["query"] == "cantine"


def test_legal_pages_keep_a_tenth_of_their_score():
    scored = body_for("achat")["query"]["bool"]["must"][0]["function_score"]

    assert scored["functions"] == [{"filter": {"term": {"demoted": True}}, "weight": 0.1}]
    assert scored["boost_mode"] == "multiply"


def test_an_empty_query_asks_for_the_facets_overview_only():
    body = body_for("", {"kind": ["lesson"]}, audience=VISITOR)

    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"][0]["bool"]["must_not"]  # privacy all the same
    assert (body["from"], body["size"]) == (0, 0)
    assert "theme" in body["aggs"]["_filter_theme"]["aggs"]
    assert "suggest" not in body and "highlight" not in body


def test_equal_scores_keep_a_stable_order_across_pages():
    assert body_for("achat")["sort"] == [
        "_score",
        {"date": {"order": "desc", "missing": "_last"}},
        "key",
    ]


def test_facet_selections_narrow_the_results_and_the_other_facets_counts():
    body = body_for("achat", {"theme": ["alimentation"], "kind": ["lesson", "post"]})

    assert body["post_filter"] == {
        "bool": {
            "must": [
                {"terms": {"facet.theme": ["alimentation"]}},
                {"terms": {"facet.kind": ["lesson", "post"]}},
            ]
        }
    }
    # A facet counts with the other facets' selections, not its own: values stay combinable.
    assert body["aggs"]["_filter_theme"]["filter"] == {"terms": {"facet.kind": ["lesson", "post"]}}
    assert body["aggs"]["_filter_theme"]["aggs"]["theme"]["terms"]["field"] == "facet_label.theme"
    assert body["aggs"]["_filter_year"]["aggs"]["year"]["terms"]["order"] == {"_key": "desc"}
    assert set(body["aggs"]) == {f"_filter_{name}" for name in FACETS}


def test_privacy_filters_the_query_so_results_and_facet_counts_alike():
    body = body_for("achat", {"theme": ["alimentation"]}, audience=VISITOR)

    # In the query's filter, not the post filter: aggregations only count what it lets through.
    assert body["query"]["bool"]["filter"] == [
        {
            "bool": {
                "must_not": [
                    {"prefix": {"path": "00010002"}},
                    {"prefix": {"path": "000100030004"}},
                    {"term": {"members_only": True}},
                ]
            }
        }
    ]
    assert "members_only" not in str(body["post_filter"])
    assert "path" not in str(body["aggs"])


def test_members_read_members_only_entries_but_not_what_they_are_excluded_from():
    member = body_for("achat", audience=MEMBER)["query"]["bool"]["filter"]
    restricted = body_for("achat", audience=Audience(("0001000A",), True))["query"]["bool"]

    assert member == [{"match_all": {}}]
    assert restricted["filter"] == [{"bool": {"must_not": [{"prefix": {"path": "0001000A"}}]}}]


def test_body_and_summary_are_highlighted_between_sentinels():
    highlight = body_for("achat")["highlight"]

    assert set(highlight["fields"]) == {"body", "summary"}
    assert highlight["pre_tags"] == [MARK_START] and highlight["post_tags"] == [MARK_END]
    assert highlight["fields"]["body"]["no_match_size"] > 0


def test_the_suggester_reads_the_public_suggestion_field():
    body = body_for('achta "clause sociale"')

    assert body["suggest"] == {
        "spelling": {
            "text": 'achta "clause sociale"',
            "term": {"field": "suggestion", "suggest_mode": "missing", "size": 3, "sort": "score"},
        }
    }


@pytest.mark.parametrize(
    ("page", "per_page", "start", "size"),
    [(1, 10, 0, 10), (3, 10, 20, 10), (334, 30, 9990, 10), (1001, 10, 0, 0), (10**6, 10, 0, 0)],
)
def test_pages_stay_within_the_first_ten_thousand_results(page, per_page, start, size):
    body = body_for("achat", page=page, per_page=per_page)

    assert (body["from"], body["size"]) == (start, size)
    assert body["track_total_hits"] is True


# The answer


def canned_answer():
    return {
        "took": 3,
        "hits": {
            "total": {"value": 42, "relation": "eq"},
            "max_score": 7.5,
            "hits": [
                {
                    "_index": "raa_test_search-20261201-001500",
                    "_id": "page:12",
                    "_score": 7.5,
                    "_source": {
                        "kind": "lesson",
                        "title": "Clause d'achat",
                        "url": "/enseignements/clause/",
                        "date": "2025-03-14",
                        "structure": {"value": "pessac", "label": "Pessac"},
                        "facet_label": {"theme": ["alimentation\x1fAlimentation"]},
                    },
                    "highlight": {
                        "summary": ["Une clause pour les achats."],
                        "body": [f"les {MARK_START}achats{MARK_END} <script>alert(1)</script>"],
                    },
                },
                {
                    "_index": "raa_test_search-20261201-001500",
                    "_id": "page:13",
                    "_score": 1.25,
                    "_source": {"kind": "page", "title": "Mentions légales", "url": "/mentions/"},
                    "highlight": {"body": ["Éditeur du site & hébergeur"]},
                },
            ],
        },
        "aggregations": {
            "_filter_kind": {
                "doc_count": 42,
                "kind": {"buckets": [{"key": "lesson\x1flesson", "doc_count": 30}]},
            },
            "_filter_theme": {
                "doc_count": 42,
                "theme": {
                    "buckets": [
                        {"key": "alimentation\x1fAlimentation", "doc_count": 12},
                        {"key": "eau\x1fEau et énergie", "doc_count": 3},
                    ]
                },
            },
            "_filter_year": {
                "doc_count": 42,
                "year": {
                    "buckets": [
                        {"key": "2026\x1f2026", "doc_count": 4},
                        {"key": "2025\x1f2025", "doc_count": 20},
                    ]
                },
            },
            "_filter_sector": {"doc_count": 0, "sector": {"buckets": []}},
        },
        "suggest": {
            "spelling": [
                {
                    "text": "achta",
                    "offset": 0,
                    "length": 5,
                    "options": [{"text": "achat", "score": 0.8, "freq": 12}],
                },
                {"text": "clause", "offset": 6, "length": 6, "options": []},
            ]
        },
    }


def test_hits_become_results_with_an_escaped_highlighted_snippet():
    query = parse_query("achta clause", {"theme": ["alimentation", "disparu"]})

    response = response_from(query, canned_answer())

    first, second = response.results
    assert (first.kind, first.title, first.url) == ("lesson", "Clause d'achat", first.url)
    assert first.date == datetime.date(2025, 3, 14)
    assert first.structure == "Pessac" and first.themes == ["Alimentation"]
    assert first.score == 7.5
    assert isinstance(first.snippet, SafeString)
    assert first.snippet == "les <mark>achats</mark> &lt;script&gt;alert(1)&lt;/script&gt;"
    # No matched words: the start of the text, escaped all the same.
    assert second.snippet == "Éditeur du site &amp; hébergeur"
    assert second.date is None and second.structure == "" and second.themes == []
    assert response.total == 42


def test_facets_come_with_labels_counts_and_selections_in_facets_order():
    query = parse_query("achta clause", {"theme": ["alimentation", "disparu"]})

    facets = {facet.name: facet for facet in response_from(query, canned_answer()).facets}

    assert list(facets) == ["kind", "theme", "year"]  # empty facets left out
    theme = [(v.value, v.label, v.count, v.selected) for v in facets["theme"].values]
    assert theme == [
        ("alimentation", "Alimentation", 12, True),
        ("eau", "Eau et énergie", 3, False),
        ("disparu", "disparu", 0, True),  # selected, matches nothing now: still unselectable
    ]
    assert facets["kind"].values[0].label == str(KINDS["lesson"])
    assert [v.value for v in facets["year"].values] == ["2026", "2025"]


def test_the_suggestion_replaces_the_misspelt_words_only():
    query = parse_query("achta clause")

    assert response_from(query, canned_answer(), {"achat"}).suggestion == "achat clause"


@pytest.mark.parametrize(
    ("typed", "options", "live", "suggestion"),
    [
        ("l'achta", ["achat"], {"achat"}, "l'achat"),
        ("elu local", ["élu"], {"élu"}, ""),  # accents alone: the search folds them already
        ("achta", [], set(), ""),
        # The word of a page made private lingers in the index's word list until a merge.
        ("frugalte", ["frugalité", "frugale"], {"frugale"}, "frugale"),
        ("frugalte", ["frugalité"], set(), ""),
    ],
)
def test_suggestion_cases(typed, options, live, suggestion):
    word = typed.split()[0].split("'")[-1]
    offset = typed.index(word)
    spelling = [
        {
            "text": word,
            "offset": offset,
            "length": len(word),
            "options": [{"text": option, "score": 0.8, "freq": 1} for option in options],
        }
    ]
    answer = {**canned_answer(), "suggest": {"spelling": spelling}}

    assert response_from(parse_query(typed), answer, live).suggestion == suggestion


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
        "prefix": {"path": "00010002"}
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


# Faults: a real client against sockets that do not answer


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
