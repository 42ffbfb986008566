"""Elasticsearch's answer (a canned dict) mapped to results, facets and a suggestion."""

import datetime

import pytest
from django.utils.safestring import SafeString

from search.elasticsearch.responses import response_from
from search.results import KINDS, parse_query

from .elasticsearch_data import canned_answer


def test_hits_become_results_with_an_escaped_highlighted_snippet():
    query = parse_query("achta clause", {"theme": ["alimentation", "disparu"]})

    response = response_from(query, canned_answer())

    first, second = response.results
    assert (first.kind, first.title, first.url) == (
        "lesson",
        "Clause d'achat",
        "/enseignements/clause/",
    )
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


def test_filters_alone_show_each_result_with_its_escaped_summary():
    raw = {
        "hits": {
            "total": {"value": 1},
            "hits": [
                {
                    "_source": {
                        "kind": "lesson",
                        "title": "T",
                        "url": "/t/",
                        "summary": "<b>Bio</b>",
                    },
                    "_score": None,
                }
            ],
        }
    }

    response = response_from(parse_query("", {"kind": ["lesson"]}), raw)

    assert response.total == 1
    assert response.results[0].snippet == "&lt;b&gt;Bio&lt;/b&gt;"
