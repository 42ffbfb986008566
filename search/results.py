"""The search service's vocabulary: a parsed query, one result object, facets and the answer.

Both backends (``search.backends.database`` and ``search.backends.elasticsearch``) take a
``Query`` and an ``Audience`` and return a ``SearchResponse``; the page, the JSON answer and
their tests never know which one ran.
"""

import dataclasses
import datetime
import re
from dataclasses import dataclass, field

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
RESULTS_PER_PAGE = 10

# What a result is: its ``kind`` in the index, and the label the page shows.
KINDS = {
    "post": _("Post"),
    "structure": _("Structure"),
    "section": _("Structure page section"),
    "resource": _("Resource"),
    "lesson": _("Lesson learned"),
    "event": _("Event"),
    "page": _("Page"),
}

# The facets, in the order the page shows them. "kind" and "year" are filled by the indexer
# from the entry itself; the others from ``IndexEntry.facets``.
FACETS = {
    "kind": _("Type"),
    "structure": _("Structure"),
    "theme": _("Theme"),
    "sector": _("Purchasing sector"),
    "departement": _("Département"),
    "year": _("Year"),
    "lesson_kind": _("Kind of lesson"),
    "dimension": _("Sustainability dimension"),
    "legal_lever": _("Legal lever"),
    "buying_step": _("Step of the buying process"),
}


# Values a facet lists, the most frequent first (and the selected ones): a common word at the
# scale of hundreds of structures matched entries of every one of them, and the page listed
# them all. ``Query.complete_facet`` names a facet to list in full.
FACET_VALUES_LISTED = 30


@dataclass(frozen=True)
class Query:
    """What a reader asked: free words, quoted phrases, facet filters and a page number."""

    text: str = ""  # the cleaned query as typed (shown back in the form)
    terms: tuple = ()  # words outside quotes, lower-cased, operators dropped
    phrases: tuple = ()  # quoted phrases, each a tuple of words
    filters: dict = field(default_factory=dict)  # facet name -> tuple of values
    page: int = 1
    per_page: int = RESULTS_PER_PAGE
    complete_facet: str = ""  # a facet of FACETS listed in full, or ""

    @property
    def words(self):
        """Every word of the query, phrases included, in order."""
        return self.terms + tuple(word for phrase in self.phrases for word in phrase)

    @property
    def is_empty(self):
        return not self.words

    @property
    def is_overview(self):
        """No word and no filter: the facets' overview, with no result. Filters without words
        list what they select, the latest first."""
        return self.is_empty and not self.filters


WORD = re.compile(r"\w+")  # "l'achat" gives "l" and "achat": elided articles are stop words


def parse_query(raw, filters=None, page=1, per_page=RESULTS_PER_PAGE, complete_facet=""):
    """A ``Query`` from what was typed: cut to ``MAX_QUERY_LENGTH``; ``"a b"`` is a phrase;
    ``AND``, ``OR``, ``*``, ``(``, ``:`` and ``-`` mean nothing special (words are all a reader
    means here); unknown facets are dropped, and so is an unknown ``complete_facet``."""
    text = " ".join((raw or "").split())[:MAX_QUERY_LENGTH]
    phrases = []
    for quoted in re.findall(r'"([^"]*)"', text):
        words = tuple(word.lower() for word in WORD.findall(quoted))
        if len(words) > 1:
            phrases.append(words)
    outside = re.sub(r'"[^"]*"', " ", text)
    if text.count('"') % 2:  # an unclosed quote: its words are ordinary words
        outside = outside.replace('"', " ")
    terms = [word.lower() for word in WORD.findall(outside) if word not in ("AND", "OR")]
    terms += [w for phrase in phrases if len(phrase) == 1 for w in phrase]
    clean_filters = {
        name: tuple(dict.fromkeys(str(v)[:100] for v in values if v))[:20]
        for name, values in (filters or {}).items()
        if name in FACETS and values
    }
    return Query(
        text=text,
        terms=tuple(terms[:MAX_TERMS]),
        phrases=tuple(phrases[:3]),
        filters={name: values for name, values in clean_filters.items() if values},
        page=max(1, page),
        per_page=per_page,
        complete_facet=complete_facet if complete_facet in FACETS else "",
    )


@dataclass
class Result:
    kind: str
    title: str
    url: str
    date: datetime.date | None = None
    structure: str = ""  # the structure's name
    themes: list = field(default_factory=list)  # theme labels
    snippet: SafeString = SafeString("")  # escaped text, matched words in <mark>
    score: float = 0.0

    @property
    def kind_label(self):
        return KINDS.get(self.kind, KINDS["page"])

    def as_dict(self):
        return {
            "type": self.kind,
            "type_label": str(self.kind_label),
            "title": self.title,
            "url": self.url,
            "date": self.date.isoformat() if self.date else None,
            "structure": self.structure,
            "themes": list(self.themes),
            "snippet": str(self.snippet),
            "score": round(self.score, 4),
        }


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    name: str
    values: list  # of FacetValue, the most frequent first (years: the latest first)
    unlisted: int = 0  # values with results left out of ``values`` (``listed``)

    @property
    def label(self):
        return FACETS[self.name]


def listed(facet, query):
    """``facet`` as the page lists it: its ``FACET_VALUES_LISTED`` first values and every
    selected one, the others counted in ``unlisted``; in full when ``query`` asks for it."""
    if facet.name == query.complete_facet or len(facet.values) <= FACET_VALUES_LISTED:
        return facet
    selected = query.filters.get(facet.name, ())
    kept = [
        value
        for rank, value in enumerate(facet.values)
        if rank < FACET_VALUES_LISTED or value.value in selected
    ]
    return Facet(facet.name, kept, unlisted=facet.unlisted + len(facet.values) - len(kept))


@dataclass
class SearchResponse:
    query: Query
    results: list  # the page's results, best first
    total: int
    facets: list = field(default_factory=list)  # of Facet, in FACETS order
    suggestion: str = ""  # "Vouliez-vous dire …": a corrected query, or ""
    # Whether ``total`` and the facets' counts are estimates (see ``APPROXIMATE_ABOVE``).
    approximate: bool = False

    @property
    def pages(self):
        return max(1, -(-self.total // self.query.per_page))

    def listed(self):
        """This answer with its facets as the page lists them (``listed``)."""
        facets = [listed(facet, self.query) for facet in self.facets]
        return dataclasses.replace(self, facets=facets)


class SearchUnavailable(Exception):
    """The search engine cannot answer (down, timed out): the page says so with a 503."""
