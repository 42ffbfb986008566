"""From Elasticsearch's answer to ``search.results``: results, facets and a suggestion."""

import datetime
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString

from search.results import FACETS, KINDS, Facet, FacetValue, Result, SearchResponse

from .documents import LABEL_SEPARATOR, MARK_END, MARK_START
from .queries import SUGGESTION


def snippet(highlight):
    """The passage to show, escaped, its matched words in ``<mark>``: a fragment with a match
    (body first: it is where the passage is), else the start of the summary or the body."""
    fragments = [fragment for name in ("body", "summary") for fragment in highlight.get(name, ())]
    marked = [fragment for fragment in fragments if MARK_START in fragment]
    unmarked = [fragment for name in ("summary", "body") for fragment in highlight.get(name, ())]
    text = " ".join(((marked or unmarked or [""])[0]).split())
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return SafeString(html)


def parse_date(value):
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def labels(pairs):
    return [pair.partition(LABEL_SEPARATOR)[2] for pair in pairs or ()]


def result_from(hit):
    """A ``Result`` from one raw hit (``_source``, ``_score``, ``highlight``)."""
    source = hit.get("_source", {})
    return Result(
        kind=source.get("kind", "page"),
        title=source.get("title", ""),
        url=source.get("url", ""),
        date=parse_date(source.get("date")),
        structure=(source.get("structure") or {}).get("label", ""),
        themes=labels((source.get("facet_label") or {}).get("theme")),
        # No highlight when filters alone asked: the summary is the passage.
        snippet=snippet(hit.get("highlight") or {"summary": [source.get("summary") or ""]}),
        score=float(hit.get("_score") or 0.0),
    )


def facet_label(name, value, label):
    if name == "kind":
        return str(KINDS.get(value, KINDS["page"]))
    return label or value


def facets_from(aggregations, filters):
    """The facets with a value, in ``FACETS`` order; a selected value nothing matches any
    more is kept with a count of 0, so that the reader can unselect it."""
    facets = []
    for name in FACETS:
        buckets = aggregations.get(f"_filter_{name}", {}).get(name, {}).get("buckets", ())
        selected = filters.get(name, ())
        values = []
        for bucket in buckets:
            value, _, label = bucket["key"].partition(LABEL_SEPARATOR)
            values.append(
                FacetValue(
                    value=value,
                    label=facet_label(name, value, label),
                    count=bucket["doc_count"],
                    selected=value in selected,
                )
            )
        found = {value.value for value in values}
        values += [
            FacetValue(value, facet_label(name, value, value), 0, selected=True)
            for value in selected
            if value not in found
        ]
        if values:
            facets.append(Facet(name=name, values=values))
    return facets


def folded(text):
    """Lower case without accents: a correction that changes only these is no correction,
    since the search folds them already."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def suggested_words(suggest):
    """Every correction the term suggester offered, to check against the live index."""
    return {
        option["text"]
        for entry in suggest.get(SUGGESTION, ())
        for option in entry.get("options") or ()
    }


def suggestion_from(suggest, text, live_words):
    """``text`` with each word the term suggester corrected replaced by its best option that
    a public entry holds now (``live_words``), or "" when nothing needs correcting."""
    corrected = text
    for entry in sorted(suggest.get(SUGGESTION, ()), key=lambda entry: -entry["offset"]):
        options = [o["text"] for o in entry.get("options") or () if o["text"] in live_words]
        if options:
            start, end = entry["offset"], entry["offset"] + entry["length"]
            corrected = corrected[:start] + options[0] + corrected[end:]
    return corrected if folded(corrected) != folded(text) else ""


def response_from(query, raw, live_words=frozenset()):
    """A ``SearchResponse`` for ``query`` from Elasticsearch's raw answer (a dict);
    ``live_words`` are the suggested words a public entry holds now. An empty query gives
    the facets' overview alone."""
    hits = raw.get("hits", {})
    total = hits.get("total", 0)
    total = total.get("value", 0) if isinstance(total, dict) else int(total)
    suggest = raw.get("suggest", {})
    return SearchResponse(
        query=query,
        results=[result_from(hit) for hit in hits.get("hits", ())],
        total=0 if query.is_overview else total,
        facets=facets_from(raw.get("aggregations", {}), query.filters),
        suggestion=suggestion_from(suggest, query.text, live_words) if query.terms else "",
    )
