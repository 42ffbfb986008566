"""The index: one ``SearchDocument`` per ``core.searchable.IndexEntry``, analysed in French.

- ``title``, ``summary`` and ``body`` go through ``raa_french``: elided articles split off
  (``l'achat`` gives ``achat``), lower case, French stop words, accents folded (``élu`` and
  ``elu`` are one word), then Lucene's light French stemmer (``achats`` and ``achat`` too).
- ``ancestors`` holds the page's tree path and every path above it, so that the privacy filter
  excludes every restricted subtree with one ``terms`` clause, however many there are;
  ``members_only`` hides a members-only section from everyone else.
- each facet of ``search.results.FACETS`` is a keyword under ``facet`` (the values, filtered
  on) and under ``facet_label`` as ``value<US>label`` (aggregated on, so that a facet's counts
  come back with their labels in one request).
- ``suggestion`` holds the words of public entries only: the "did you mean" suggester reads the
  whole index whatever the filters, so it must never see a word of a private text.
"""

from elasticsearch_dsl import (
    Boolean,
    Date,
    Document,
    Integer,
    Keyword,
    MetaField,
    Object,
    Text,
    analyzer,
    token_filter,
)

from core.searchable import FacetTag
from search.results import FACETS

# Highlighting marks matched words with these (private-use characters no text contains, as
# the indexer strips them): the snippet is escaped first, then they become <mark>.
MARK_START = "\ue000"
MARK_END = "\ue001"
LABEL_SEPARATOR = "\x1f"  # between a facet value and its label in ``facet_label``

french_elision = token_filter(
    "raa_french_elision",
    type="elision",
    articles_case=True,
    articles=["l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"],
)
french_stop = token_filter("raa_french_stop", type="stop", stopwords="_french_")
french_stemmer = token_filter("raa_french_stemmer", type="stemmer", language="light_french")

french = analyzer(
    "raa_french",
    tokenizer="standard",
    filter=[french_elision, "lowercase", french_stop, "asciifolding", french_stemmer],
)
# Suggestions are shown to the reader: whole words, accents kept, no stemming.
suggest = analyzer(
    "raa_suggest", tokenizer="standard", filter=[french_elision, "lowercase", french_stop]
)


class SearchDocument(Document):
    key = Keyword()  # the id again: sorting on _id is off by default in Elasticsearch 8
    page_id = Integer()
    path = Keyword()
    ancestors = Keyword()  # the path and every path above it (Wagtail's steps of 4)
    kind = Keyword()
    title = Text(analyzer=french)
    summary = Text(analyzer=french, index_options="offsets")
    body = Text(analyzer=french, index_options="offsets")
    url = Keyword(index=False)
    date = Date(format="strict_date")
    year = Integer()
    structure = Object(properties={"value": Keyword(), "label": Keyword(index=False)})
    facet = Object(properties={name: Keyword() for name in FACETS})
    # Not searched, but aggregated on: keywords keep doc values without being indexed.
    facet_label = Object(properties={name: Keyword(index=False) for name in FACETS})
    members_only = Boolean()
    demoted = Boolean()
    public = Boolean()
    suggestion = Text(analyzer=suggest)

    class Index:
        # The real name is the backend's (settings.RAA_SEARCH["INDEX"] and its dated indices).
        name = "raa_search"
        settings = {"number_of_shards": 1}

    class Meta:
        dynamic = MetaField("strict")


def plain(text):
    """``text`` without the highlighting marks, so that no content can forge one."""
    return (text or "").replace(MARK_START, "").replace(MARK_END, "")


def entry_facets(entry):
    """The entry's facet values by facet name, ``kind``, ``year`` and ``structure`` filled from
    the entry itself when the indexer did not give them; facets the search does not know are
    dropped."""
    facets = {name: list(tags) for name, tags in entry.facets.items() if name in FACETS}
    facets.setdefault("kind", [FacetTag(entry.kind, entry.kind)])
    if entry.date:
        year = str(entry.date.year)
        facets.setdefault("year", [FacetTag(year, year)])
    if entry.structure:
        facets.setdefault("structure", [entry.structure])
    return {name: tags for name, tags in facets.items() if tags}


def ancestors(path, step=4):
    """``path`` and the tree paths above it: "000100020003" gives "0001", "00010002" and
    "000100020003"."""
    return [path[:end] for end in range(step, len(path) + 1, step)]


def document_for(entry):
    """The ``SearchDocument`` of an ``IndexEntry`` (its key is the document's id)."""
    facets = entry_facets(entry)
    title, summary, body = plain(entry.title), plain(entry.summary), plain(entry.body)
    return SearchDocument(
        meta={"id": entry.key},
        key=entry.key,
        page_id=entry.page_id,
        path=entry.path,
        ancestors=ancestors(entry.path),
        kind=entry.kind,
        title=title,
        summary=summary,
        body=body,
        url=entry.url,
        date=entry.date,
        year=entry.date.year if entry.date else None,
        structure=(
            {"value": entry.structure.value, "label": entry.structure.label}
            if entry.structure
            else None
        ),
        facet={name: [tag.value for tag in tags] for name, tags in facets.items()},
        facet_label={
            name: [f"{tag.value}{LABEL_SEPARATOR}{tag.label}" for tag in tags]
            for name, tags in facets.items()
        },
        members_only=entry.members_only,
        demoted=entry.demoted,
        public=entry.public,
        suggestion="\n".join((title, summary, body)) if entry.public else None,
    )


def index_body(**settings):
    """What ``indices.create`` takes for a new index: settings (analysis included) and
    mappings, ``settings`` added to the index settings."""
    body = SearchDocument._index.to_dict()
    body["settings"] = {**body.get("settings", {}), **settings}
    return body
