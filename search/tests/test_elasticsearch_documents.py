"""The Elasticsearch index without a server: the French analyzer, the mapping, and what an
``IndexEntry`` becomes."""

import datetime

from core.searchable import FacetTag
from search.elasticsearch.documents import MARK_END, MARK_START, document_for, index_body
from search.results import FACETS

from .elasticsearch_data import entry


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
    assert properties["path"] == properties["ancestors"] == {"type": "keyword"}
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
    assert source["ancestors"] == ["0001", "00010001", "000100010001"]
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
