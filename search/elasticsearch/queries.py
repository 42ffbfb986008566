"""The request for a ``Query`` as an ``Audience`` may read: an elasticsearch-dsl
``FacetedSearch``.

- privacy is a filter of the query itself (not a post filter), so it holds for the hits, the
  highlights and every facet's counts: a members-only lesson is not even counted for a visitor;
- the words match over ``title^3``, ``summary^2`` and ``body`` as one field (``cross_fields``):
  75 % of them are required, and matching them all adds as much again, so all-words results
  come first and most-words results still come; a quoted phrase must match as a phrase;
- legal and technical pages (``demoted``) keep a tenth of their score;
- facet selections are post filters, and each facet counts with the other facets' selections
  only (the library's ``FacetedSearch`` does this), so values stay combinable;
- ``body`` and ``summary`` are highlighted between ``MARK_START`` and ``MARK_END``; a term
  suggester proposes corrections from public text only.
"""

from elasticsearch_dsl import SF, A, FacetedSearch, TermsFacet
from elasticsearch_dsl.query import (
    Bool,
    FunctionScore,
    MatchAll,
    MatchPhrase,
    MultiMatch,
    Prefix,
    Term,
)

from search.results import FACETS

from .documents import MARK_END, MARK_START

FIELDS = ["title^3", "summary^2", "body"]
MOST_WORDS = "75%"
DEMOTED_WEIGHT = 0.1
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size stays below
SNIPPET_LENGTH = 180
MAX_ANALYZED_OFFSET = 500_000  # a long document's text is highlighted within its start
SUGGESTION = "spelling"
FACET_SIZES = {"structure": 200, "year": 50}


class LabelledFacet(TermsFacet):
    """A terms facet that filters on ``facet.<name>`` and counts ``facet_label.<name>``, whose
    keys carry the label after the value (``responses.facets_from`` splits them)."""

    def __init__(self, name):
        super().__init__(field=f"facet.{name}")
        self.name = name

    def get_aggregation(self):
        order = {"_key": "desc"} if self.name == "year" else {"_count": "desc"}
        return A(
            "terms",
            field=f"facet_label.{self.name}",
            size=FACET_SIZES.get(self.name, 100),
            order=[order, {"_key": "asc"}] if self.name != "year" else order,
        )


def privacy_filter(audience):
    """What ``audience`` may not read, as a filter: restricted subtrees by path prefix, and
    members-only entries unless the audience is members."""
    must_not = [Prefix(path=path) for path in audience.excluded_paths]
    if not audience.sees_members_only:
        must_not.append(Term(members_only=True))
    return Bool(must_not=must_not) if must_not else MatchAll()


def text_query(query):
    """The scoring part: words, phrases, and demoted pages pushed down."""
    must, should = [], []
    if query.terms:
        words = " ".join(query.terms)
        must.append(
            MultiMatch(
                query=words, fields=FIELDS, type="cross_fields", minimum_should_match=MOST_WORDS
            )
        )
        should.append(MultiMatch(query=words, fields=FIELDS, type="cross_fields", operator="and"))
    for phrase in query.phrases:
        words = " ".join(phrase)
        must.append(
            Bool(
                should=[
                    MatchPhrase(**{field.split("^")[0]: {"query": words, "boost": boost}})
                    for field, boost in (("title", 3), ("summary", 2), ("body", 1))
                ],
                minimum_should_match=1,
            )
        )
    if not must:
        return MatchAll()
    return FunctionScore(
        query=Bool(must=must, should=should),
        functions=[SF({"filter": Term(demoted=True), "weight": DEMOTED_WEIGHT})],
        boost_mode="multiply",
    )


def window(query):
    """``(from, size)`` of the query's page within Elasticsearch's 10 000 first results; past
    them, no result (the total and the facets still come)."""
    start = (query.page - 1) * query.per_page
    if start >= MAX_WINDOW:
        return 0, 0
    return start, min(query.per_page, MAX_WINDOW - start)


class EntrySearch(FacetedSearch):
    facets = {name: LabelledFacet(name) for name in FACETS}

    def __init__(self, query, audience, index, using):
        self.search_query = query
        self.audience = audience
        self.index = index
        self.using = using
        super().__init__(query=query, filters=dict(query.filters))
        start, size = window(query)
        self._s = self._s.extra(from_=start, size=size)

    def search(self):
        query = self.search_query
        s = (
            super()
            .search()
            .filter(privacy_filter(self.audience))
            .extra(track_total_hits=True)
            .source(["kind", "title", "url", "date", "structure", "facet_label.theme"])
            .highlight(
                "body",
                "summary",
                fragment_size=SNIPPET_LENGTH,
                number_of_fragments=1,
                no_match_size=SNIPPET_LENGTH,
            )
            .highlight_options(
                pre_tags=[MARK_START],
                post_tags=[MARK_END],
                max_analyzed_offset=MAX_ANALYZED_OFFSET,
            )
        )
        if query.terms:
            s = s.suggest(
                SUGGESTION,
                query.text,
                term={
                    "field": "suggestion",
                    "suggest_mode": "missing",
                    "size": 1,
                    "sort": "score",
                },
            )
        return s

    def query(self, search, query):
        return search.query(text_query(query))

    def sort(self, search):
        if self.search_query.is_empty:
            return search.sort({"date": {"order": "desc", "missing": "_last"}}, "_id")
        return search.sort("_score", {"date": {"order": "desc", "missing": "_last"}})
