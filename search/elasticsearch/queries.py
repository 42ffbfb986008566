"""The request for a ``Query`` as an ``Audience`` may read: an elasticsearch-dsl
``FacetedSearch``.

- privacy is a filter of the query itself (not a post filter), so it holds for the hits, the
  highlights and every facet's counts: a members-only lesson is not even counted for a visitor;
- the words match over ``title^3``, ``summary^2`` and ``body`` as one field (``cross_fields``):
  any word finds an entry, matching most of them (75 %) scores more, matching them all more
  again, so all-words results come first, then most-words ones, rather than nothing; a quoted
  phrase must match as a phrase;
- legal and technical pages (``demoted``) keep a tenth of their score;
- an empty query asks for no result, only the facets' overview;
- facet selections are post filters, and each facet counts with the other facets' selections
  only (the library's ``FacetedSearch`` does this), so values stay combinable;
- ``body`` and ``summary`` are highlighted between ``MARK_START`` and ``MARK_END``; a term
  suggester proposes corrections from public text only.
"""

from elasticsearch_dsl import SF, A, FacetedSearch, Search, TermsFacet
from elasticsearch_dsl.query import (
    Bool,
    FunctionScore,
    MatchAll,
    MatchPhrase,
    MultiMatch,
    Term,
    Terms,
)

from search.results import FACETS

from .documents import MARK_END, MARK_START

FIELDS = ["title^3", "summary^2", "body"]
MOST_WORDS = "75%"
DEMOTED_WEIGHT = 0.1
MAX_WINDOW = 10_000  # Elasticsearch's index.max_result_window: from + size at most
SNIPPET_LENGTH = 180
MAX_ANALYZED_OFFSET = 500_000  # a long document's text is highlighted within its start
SUGGESTION = "spelling"
SUGGESTION_OPTIONS = 3  # per word: the best one a live public entry holds is kept
FACET_SIZES = {"structure": 200, "year": 50}
COMPLETE_FACET_SIZE = 1000  # a facet the reader asked to see in full (``Query.complete_facet``)


class LabelledFacet(TermsFacet):
    """A terms facet that filters on ``facet.<name>`` and counts ``facet_label.<name>``, whose
    keys carry the label after the value (``responses.facets_from`` splits them)."""

    def __init__(self, name, size=None):
        super().__init__(field=f"facet.{name}")
        self.name = name
        self.size = size or FACET_SIZES.get(name, 100)

    def get_aggregation(self):
        # Years the latest first; other values the most frequent first, ties alphabetically.
        by_count = [{"_count": "desc"}, {"_key": "asc"}]
        order = {"_key": "desc"} if self.name == "year" else by_count
        return A(
            "terms",
            field=f"facet_label.{self.name}",
            size=self.size,
            order=order,
        )


def privacy_filter(audience):
    """What ``audience`` may not read, as a filter: restricted subtrees (one ``terms`` clause on
    the entries' ancestors, whatever their number: one clause per subtree would pass
    Elasticsearch's limit of 1,024 clauses), and members-only entries unless the audience is
    members."""
    must_not = []
    if audience.excluded_paths:
        must_not.append(Terms(ancestors=sorted(audience.excluded_paths)))
    if not audience.sees_members_only:
        must_not.append(Term(members_only=True))
    return Bool(must_not=must_not) if must_not else MatchAll()


def text_query(query):
    """The scoring part: any word matches, most words (``MOST_WORDS``) score more, all words
    most; every phrase must match; demoted pages keep a tenth of their score."""
    must, should = [], []
    if query.terms:
        words = " ".join(query.terms)
        must.append(MultiMatch(query=words, fields=FIELDS, type="cross_fields"))
        should.append(
            MultiMatch(
                query=words, fields=FIELDS, type="cross_fields", minimum_should_match=MOST_WORDS
            )
        )
        should.append(
            MultiMatch(query=words, fields=FIELDS, type="cross_fields", operator="and", boost=2)
        )
    for phrase in query.phrases:
        words = " ".join(phrase)
        must.append(
            Bool(
                should=[
                    MatchPhrase(**{field: {"query": words, "boost": boost}})
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
    them, or for an empty query (the facets' overview), no result: the facets still come."""
    start = (query.page - 1) * query.per_page
    if query.is_overview or start >= MAX_WINDOW:
        return 0, 0
    return start, min(query.per_page, MAX_WINDOW - start)


class EntrySearch(FacetedSearch):
    facets = {name: LabelledFacet(name) for name in FACETS}

    def __init__(self, query, audience, index, using):
        self.search_query = query
        self.audience = audience
        self.index = index
        self.using = using
        if query.complete_facet:
            complete = LabelledFacet(query.complete_facet, size=COMPLETE_FACET_SIZE)
            self.facets = {**self.facets, query.complete_facet: complete}
        super().__init__(query=query, filters=dict(query.filters))
        start, size = window(query)
        self._s = self._s.extra(from_=start, size=size)

    def search(self):
        s = super().search().filter(privacy_filter(self.audience)).extra(track_total_hits=True)
        s = s.source(["kind", "title", "url", "date", "structure", "facet_label.theme", "summary"])
        if self.search_query.is_empty:  # filters alone: what they select, with their summary
            return s
        s = s.highlight(
            "body",
            "summary",
            fragment_size=SNIPPET_LENGTH,
            number_of_fragments=1,
            no_match_size=SNIPPET_LENGTH,
        ).highlight_options(
            pre_tags=[MARK_START],
            post_tags=[MARK_END],
            max_analyzed_offset=MAX_ANALYZED_OFFSET,
        )
        if self.search_query.terms:
            s = s.suggest(
                SUGGESTION,
                self.search_query.text,
                term={
                    "field": "suggestion",
                    "suggest_mode": "missing",
                    "size": SUGGESTION_OPTIONS,
                    "sort": "score",
                },
            )
        return s

    def query(self, search, query):
        return search.query(text_query(query))

    def sort(self, search):
        # Equal scores in a stable order, so that pages neither repeat nor skip a result;
        # filters without words: what they select, the latest first.
        by_date = {"date": {"order": "desc", "missing": "_last"}}
        if self.search_query.is_empty:
            return search.sort(by_date, "key")
        return search.sort("_score", by_date, "key")


def live_words_search(words, index, using):
    """Which of ``words`` a public entry holds now. The term suggester reads the index's word
    list, where the words of deleted and replaced documents stay until their segment merges:
    a page made private would go on feeding suggestions without this check."""
    s = Search(index=index, using=using).filter(Terms(suggestion=list(words))).extra(size=0)
    s.aggs.bucket("words", "filters", filters={word: Term(suggestion=word) for word in words})
    return s
