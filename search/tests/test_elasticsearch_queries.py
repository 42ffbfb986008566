"""The request bodies elasticsearch-dsl builds (``to_dict()``) for each kind of query, without
a server."""

import pytest

from search.elasticsearch.documents import MARK_END, MARK_START
from search.elasticsearch.queries import EntrySearch
from search.privacy import Audience
from search.results import FACETS, parse_query

from .elasticsearch_client import RecordingClient
from .elasticsearch_data import ALIAS, MEMBER, VISITOR


def body_for(text="", filters=None, audience=MEMBER, page=1, per_page=10, complete_facet=""):
    query = parse_query(text, filters, page=page, per_page=per_page, complete_facet=complete_facet)
    return EntrySearch(query, audience, index=ALIAS, using=RecordingClient())._s.to_dict()


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
    body = body_for("", audience=VISITOR)

    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert body["query"]["bool"]["filter"][0]["bool"]["must_not"]  # privacy all the same
    assert (body["from"], body["size"]) == (0, 0)
    assert "theme" in body["aggs"]["_filter_theme"]["aggs"]
    assert "suggest" not in body and "highlight" not in body


def test_a_facet_asked_in_full_asks_for_more_values_than_the_others():
    def size(body, name):
        return body["aggs"][f"_filter_{name}"]["aggs"][name]["terms"]["size"]

    usual = body_for("achat")
    complete = body_for("achat", complete_facet="structure")

    assert size(usual, "structure") == 200
    assert size(complete, "structure") == 1000
    assert size(complete, "theme") == size(usual, "theme") == 100
    assert size(body_for("achat", complete_facet="nope"), "structure") == 200


def test_filters_without_words_ask_for_what_they_select_the_latest_first():
    body = body_for("", {"kind": ["lesson"]}, audience=VISITOR)

    assert body["query"]["bool"]["must"] == [{"match_all": {}}]
    assert (body["from"], body["size"]) == (0, 10)
    assert body["sort"] == [{"date": {"order": "desc", "missing": "_last"}}, "key"]
    assert "lesson" in str(body["post_filter"])
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
                    {"terms": {"ancestors": ["00010002", "000100030004"]}},
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
    excluded = {"terms": {"ancestors": ["0001000A"]}}
    assert restricted["filter"] == [{"bool": {"must_not": [excluded]}}]


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


def test_thousands_of_restricted_subtrees_stay_one_clause():
    paths = tuple(f"0001{n:04d}" for n in range(3000))
    body = body_for("achat", audience=Audience(paths, True))

    (excluded,) = body["query"]["bool"]["filter"][0]["bool"]["must_not"]
    assert len(excluded["terms"]["ancestors"]) == 3000
