"""The database search backend: the same SQL on SQLite and PostgreSQL.

Each entry is stored with the folded French stems of its title, summary and body
(``search.text``); a query word matches an entry when its stem is among them. The score weighs
a match in the title 3, in the summary 2, in the body 1. Entries matching every query word come
first, then those matching most of them (a missing word never empties the answer), legal and
technical pages after content matching as many words, then by score and date. A search costs a
fixed number of queries whatever the number of matches: every facet's counts with the total
(one aggregation: the kinds' counts add up to it), the page's ids (ranked by the database,
``ORDER BY … LIMIT``, on narrow values), the page's documents, their themes and, when little
matches, two for the suggestion. Totals and counts are exact at any size: measured at scale 50
(``search_benchmark --content``), a common word costs about 95 ms of CPU on SQLite and 120 ms
(client and server) on PostgreSQL, within the 150 ms budget, so no estimate ("environ N
résultats") is shown.

The matching entries are found through an index of the stems (``StemIndex``: an FTS5 table on
SQLite, GIN-indexed ``tsvector`` columns on PostgreSQL, both built by migration 0002), so a
search reads the entries holding a query word and no others; the ranking and the exact
conditions (whole stems, phrases) then apply to those candidates only. A query the index
cannot answer exactly (a stem outside ``[a-z0-9]``, a phrase of stop words only) or another
engine falls back to scanning the term columns with ``LIKE``, with the same results.
"""

import difflib
import re
from collections import Counter
from itertools import islice

from django.db import DatabaseError, connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length

from search import text
from search.backends import SearchBackend
from search.models import SearchDocument, SearchFacetValue, SearchWord
from search.results import (
    FACETS,
    KINDS,
    Facet,
    FacetValue,
    Result,
    SearchResponse,
    SearchUnavailable,
)

BATCH_SIZE = 200
WEIGHTS = (("title_terms", 3.0), ("summary_terms", 2.0), ("body_terms", 1.0))
PHRASE_WEIGHT = 2.0
ADJACENT_WEIGHT = 2.0  # the query's words side by side in the text
FEW_RESULTS = 3  # below this many results, the answer suggests a corrected query
MAX_WORD_LENGTH = 60


# What both engines' tokenizers keep as one token, as it is: the index answers for these only.
INDEXED_STEM = re.compile(r"[a-z0-9]{1,60}")


class StemIndex:
    """The documents holding one of some stems, found through the engine's index (subqueries of
    document ids, computed once per statement), or ``None`` when the engine has none."""

    TABLE = SearchDocument._meta.db_table

    @classmethod
    def for_engine(cls, vendor):
        return {"sqlite": SQLiteStemIndex, "postgresql": PostgreSQLStemIndex}.get(vendor)

    @staticmethod
    def indexed(stems):
        return bool(stems) and all(INDEXED_STEM.fullmatch(stem) for stem in stems)


class SQLiteStemIndex(StemIndex):
    FTS = f"{StemIndex.TABLE}_fts"

    @classmethod
    def _match(cls, expression):
        # Identifiers are constants; the query (stems checked by INDEXED_STEM) is a parameter.
        sql = f"SELECT rowid FROM {cls.FTS} WHERE {cls.FTS} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, [expression]))  # noqa: S611

    @classmethod
    def holding(cls, stems, column=None):
        any_stem = " OR ".join(f'"{stem}"' for stem in stems)
        return cls._match(f"{column} : ({any_stem})" if column else any_stem)


class PostgreSQLStemIndex(StemIndex):
    @classmethod
    def holding(cls, stems, column=None):
        # A condition on the row itself, not ``id IN (SELECT id ... WHERE vector @@ ...)``: the
        # planner then reads the GIN indexes for a rare word (a bitmap of the few entries) and
        # scans once for a word most entries hold, where the subquery cost a second scan of
        # the table and a hash join in each statement (measured at scale 50, issue 14).
        columns = [column] if column else [column for column, _weight in WEIGHTS]
        matches = " OR ".join(f"{c}_vector @@ to_tsquery('simple', %s)" for c in columns)
        any_stem = " | ".join(stems)
        # Identifiers are constants; the query (stems checked by INDEXED_STEM) is a parameter.
        # Unqualified: the documents' table is the only one of each statement (or subquery)
        # where these conditions stand.
        condition = RawSQL(f"({matches})", [any_stem] * len(columns), BooleanField())  # noqa: S611
        return Q(condition)


def batched(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class DatabaseBackend(SearchBackend):
    def __init__(self, options):
        super().__init__(options)
        # {"INDEX": False}: scan the term columns (how searches ran before the index; for
        # comparisons).
        self.use_index = options.get("INDEX", True)

    # -- Indexing ----------------------------------------------------------------------------

    def update(self, page_id, entries):
        entries = list(entries)
        with transaction.atomic():
            removed = self._delete(
                Q(page_id=page_id) | Q(key__in=[entry.key for entry in entries])
                if entries
                else Q(page_id=page_id)
            )
            added, spellings = self._insert(entries)
            added.subtract(removed)
            self._count_words(added, spellings)

    def remove(self, page_ids):
        with transaction.atomic():
            removed = Counter()
            for batch in batched(page_ids, 500):
                removed.update(self._delete(Q(page_id__in=batch)))
            removed = Counter({word: -n for word, n in removed.items()})
            self._count_words(removed, {})

    def rebuild(self, entries, total=None, progress=None):
        # One transaction: readers see the old index until the new one is complete
        # (PostgreSQL's MVCC; SQLite lets nobody write meanwhile).
        with transaction.atomic():
            SearchWord.objects.all().delete()
            SearchFacetValue.objects.all().delete()
            SearchDocument.objects.all().delete()
            seen, done = set(), 0
            vocabulary, spellings = Counter(), {}
            for batch in batched(entries, BATCH_SIZE):
                # A key given twice: the last entry wins, as with update().
                fresh = list({entry.key: entry for entry in batch}.values())
                repeated = [entry.key for entry in fresh if entry.key in seen]
                if repeated:
                    vocabulary.subtract(self._delete(Q(key__in=repeated)))
                added, batch_spellings = self._insert(fresh)
                vocabulary.update(added)
                spellings.update(batch_spellings)
                seen.update(entry.key for entry in fresh)
                done += len(batch)
                if progress:
                    progress(done, total)
            SearchWord.objects.bulk_create(
                (
                    SearchWord(
                        word=word,
                        folded=spellings[word][0],
                        stem=spellings[word][1],
                        documents=count,
                    )
                    for word, count in vocabulary.items()
                    if count > 0
                ),
                batch_size=1000,
            )
            if connection.vendor == "postgresql":
                # Fresh statistics, or the planner may scan the term vectors instead of their
                # GIN indexes (it cannot tell a rare word from a common one without them).
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {StemIndex.TABLE}, {SearchFacetValue._meta.db_table}")

    def _delete(self, documents):
        """Delete ``documents`` (a Q) with their facet values; the ``Counter`` of the words the
        public ones held."""
        removed = Counter()
        public = SearchDocument.objects.filter(documents, public=True, members_only=False)
        for title, summary, body in public.values_list("title", "summary", "body"):
            removed.update(self._words(title, summary, body).keys())
        SearchFacetValue.objects.filter(
            document__in=SearchDocument.objects.filter(documents).values("pk")
        ).delete()
        SearchDocument.objects.filter(documents).delete()
        return removed

    def _insert(self, entries):
        """Store ``entries``; the ``Counter`` of the words of the public ones and their
        spellings (word -> (folded, stem))."""
        documents = SearchDocument.objects.bulk_create(
            [self._document(entry) for entry in entries], batch_size=BATCH_SIZE
        )
        facet_values, added, spellings = [], Counter(), {}
        for entry, document in zip(entries, documents, strict=True):
            for facet, value, label in self._facet_values(entry):
                facet_values.append(
                    SearchFacetValue(document=document, facet=facet, value=value, label=label)
                )
            if entry.public and not entry.members_only:
                words = self._words(entry.title, entry.summary, entry.body)
                added.update(words.keys())
                spellings.update(words)
        SearchFacetValue.objects.bulk_create(facet_values, batch_size=500)
        return added, spellings

    @staticmethod
    def _count_words(delta, spellings):
        """Add ``delta`` (word -> change in the number of public entries) to the vocabulary;
        a word no public entry holds any longer goes. A few queries per distinct change."""
        SearchWord.objects.bulk_create(
            (
                SearchWord(word=word, folded=spellings[word][0], stem=spellings[word][1])
                for word, change in delta.items()
                if change > 0
            ),
            batch_size=500,
            ignore_conflicts=True,
        )
        by_change = {}
        for word, change in delta.items():
            if change:
                by_change.setdefault(change, []).append(word)
        for change, words in by_change.items():
            for batch in batched(words, 500):
                SearchWord.objects.filter(word__in=batch).update(documents=F("documents") + change)
                if change < 0:
                    SearchWord.objects.filter(word__in=batch, documents__lte=0).delete()

    @staticmethod
    def _document(entry):
        structure = entry.structure
        return SearchDocument(
            key=entry.key[:255],
            page_id=entry.page_id,
            path=entry.path,
            kind=entry.kind,
            title=entry.title,
            url=entry.url[:500],
            summary=entry.summary or "",
            body=entry.body or "",
            date=entry.date,
            structure_value=structure.value[:100] if structure else "",
            structure_label=structure.label[:255] if structure else "",
            members_only=entry.members_only,
            demoted=entry.demoted,
            public=entry.public,
            title_terms=text.term_string(entry.title),
            summary_terms=text.term_string(entry.summary),
            # The structure's name is searched too: "Grand Dax diagnostic" finds the section.
            body_terms=text.term_string(entry.body, structure.label if structure else ""),
            phrase_text=text.phrase_string(entry.title, entry.summary, entry.body),
        )

    @staticmethod
    def _facet_values(entry):
        """``(facet, value, label)`` of an entry, kind, year and structure included, once each.
        Every entry has exactly one kind value: the search's total is the sum of their counts
        (``_facets``)."""
        found = {("kind", entry.kind or "page"): entry.kind or "page"}
        if entry.date:
            found["year", str(entry.date.year)] = str(entry.date.year)
        if entry.structure:
            found["structure", entry.structure.value] = entry.structure.label
        for facet, tags in (entry.facets or {}).items():
            for tag in tags:
                found.setdefault((facet, str(tag.value)), tag.label)
        clipped = {}
        for (facet, value), label in found.items():
            if value:
                clipped.setdefault((facet[:30], value[:100]), str(label)[:255])
        return [(facet, value, label) for (facet, value), label in clipped.items()]

    @staticmethod
    def _words(*texts):
        """The distinct words of ``texts`` the vocabulary keeps: word -> (folded, stem)."""
        found = {}
        for raw in text.tokens(" ".join(texts)):
            word = raw.lower()
            if word in found or len(word) < 3 or len(word) > MAX_WORD_LENGTH or word.isdigit():
                continue
            folded = text.fold(word)
            if folded in text.STOP_WORDS or len(folded) > MAX_WORD_LENGTH:
                continue
            found[word] = (folded, text.stem(folded))
        return found

    # -- Searching ---------------------------------------------------------------------------

    def search(self, query, audience):
        try:
            return self._search(query, audience)
        except DatabaseError as error:
            raise SearchUnavailable(str(error)) from error

    def _search(self, query, audience):
        readable = SearchDocument.objects.all()
        outside = self._outside(audience.excluded_paths)
        if outside is not None:
            readable = readable.filter(outside)
        if not audience.sees_members_only:
            readable = readable.exclude(members_only=True)

        index = self._index(query)
        units = self._match_units(query, index)
        if query.is_empty:
            matching = readable
        elif units:
            any_unit = Q()
            for condition, _score in units:
                any_unit |= condition
            if index:
                # The entries holding a stem of the query, through the index; the exact
                # conditions (a phrase as written) only on these.
                candidates = [s for stems in text.query_stems(query.terms) for s in stems]
                for phrase in query.phrases:
                    candidates += self._phrase_stems(phrase)
                readable = readable.filter(index.holding(list(dict.fromkeys(candidates))))
            # Without a phrase, holding one of the stems is matching one of the words: the
            # same condition twice would make the engine look every candidate up twice.
            matching = readable if index and not query.phrases else readable.filter(any_unit)
        else:  # nothing but stop words
            matching = readable.none()

        facets, total = self._facets(matching, query.filters)
        if query.is_overview:
            return SearchResponse(query=query, results=[], total=0, facets=facets)

        found = matching
        for name, values in query.filters.items():
            found = found.filter(pk__in=self._having(name, values))
        start = (query.page - 1) * query.per_page
        page = self._page(found, units, query, start) if start < total else []
        results = self._results(page, query)
        suggestion = ""
        # Few results, or none holding every word: a misspelt word may be the cause.
        partial = bool(page) and query.page == 1 and page[0].matched < len(units)
        if total < FEW_RESULTS or partial:
            suggestion = self._suggestion(query)
        return SearchResponse(
            query=query, results=results, total=total, facets=facets, suggestion=suggestion
        )

    def _page(self, found, units, query, start):
        """The documents of the page starting at ``start``, each with its ``matched`` and
        ``score``.

        The database ranks and keeps a page of ids (``ORDER BY … LIMIT``), sorting narrow
        values only (the id, the number of query words matched, the score, the date); a second
        statement reads those few documents. Sorting whole rows, bodies included, read the text
        of every candidate (PostgreSQL spilled them to disk at scale 50). The total comes with
        the facets (``_facets``), not from counting the candidates once more."""
        ranked = (
            found.annotate(
                matched=ExpressionWrapper(self._matched(units), output_field=IntegerField()),
                score=ExpressionWrapper(
                    sum((score for _c, score in units), self._adjacency(query)),
                    output_field=FloatField(),
                ),
            )
            .order_by("-matched", "demoted", "-score", F("date").desc(nulls_last=True), "pk")
            .values_list("pk", "matched", "score")
        )
        rows = list(ranked[start : start + query.per_page])
        # The token columns are long and the page needs none of them.
        unused = ("title_terms", "summary_terms", "body_terms", "phrase_text")
        documents = SearchDocument.objects.defer(*unused).in_bulk([pk for pk, *_ in rows])
        page = []
        for pk, matched, score in rows:
            document = documents[pk]
            document.matched, document.score = matched, score
            page.append(document)
        return page

    @staticmethod
    def _matched(units):
        """How many of the query's words and phrases an entry matches. With one, every
        candidate matches it: a constant, rather than the engine looking each up again."""
        if len(units) <= 1:
            return Value(len(units))
        return sum((Case(When(c, then=Value(1)), default=Value(0)) for c, _s in units), Value(0))

    @staticmethod
    def _outside(paths):
        """The entries under none of ``paths``: ``core.visibility.under_any(paths)`` negated,
        as one SQL fragment (``SUBSTR(path, 1, n) IN (…)`` per path length), built once per
        search: Django compiling a lookup per path in each statement cost more than the
        database (and its garbage, a collection now and then) with the 1,770 members-only
        subtrees a visitor skips at scale 50.

        A ``CASE``, not ``NOT (…)``: PostgreSQL's planner multiplies the chances of a path
        being none of 1,770 prefixes, each guessed at 0.5 %, and expected 2 of 9,786
        candidates, so it sorted the facet values (on disk) instead of hashing them; of a
        ``CASE`` it expects half the rows, which gives the right plan (issue 14)."""
        by_length = {}
        for path in paths:
            by_length.setdefault(len(path), set()).add(path)
        if not by_length:
            return None
        parts, params = [], []
        for length, prefixes in sorted(by_length.items()):
            if connection.vendor == "postgresql":
                # One array parameter: psycopg parsing a statement of 1,770 placeholders, twice
                # a search, cost the client more than the server's work (issue 14).
                parts.append(f"SUBSTR(path, 1, {int(length)}) = ANY(%s)")
                params.append(sorted(prefixes))
            else:
                marks = ", ".join(["%s"] * len(prefixes))
                parts.append(f"SUBSTR(path, 1, {int(length)}) IN ({marks})")
                params += sorted(prefixes)
        # Unqualified: the documents' table is the only one where this condition stands.
        sql = f"(CASE WHEN ({' OR '.join(parts)}) THEN FALSE ELSE TRUE END)"
        return Q(RawSQL(sql, params, BooleanField()))  # noqa: S611

    @staticmethod
    def _adjacency(query):
        """Words typed together and found together, as typed (“clauses sociales”), rank first
        among entries matching as many words."""
        if len(query.terms) < 2:
            return Value(0.0)
        return Case(
            When(phrase_text__contains=text.query_phrase(query.terms), then=Value(ADJACENT_WEIGHT)),
            default=Value(0.0),
            output_field=FloatField(),
        )

    def _index(self, query):
        """The ``StemIndex`` that answers ``query`` exactly, or ``None``: scan."""
        index = StemIndex.for_engine(connection.vendor) if self.use_index else None
        if index is None:
            return None
        for stems in text.query_stems(query.terms):
            if not index.indexed(stems):
                return None
        for phrase in query.phrases:
            if not index.indexed(self._phrase_stems(phrase)):
                return None  # a phrase of stop words: nothing to look up
        return index

    @staticmethod
    def _phrase_stems(phrase):
        """The stems an entry holding ``phrase`` holds (its words but the stop words)."""
        folded = (w for word in phrase for w in text.words(word))
        return [text.stem(w) for w in folded if w not in text.STOP_WORDS]

    @staticmethod
    def _match_units(query, index=None):
        """``(condition, score expression)`` for each word and each phrase of the query."""
        units = []
        ranked_by_index = index is not None
        for stems in text.query_stems(query.terms):
            conditions = []
            for column, weight in WEIGHTS:
                if ranked_by_index:
                    condition = index.holding(stems, column)
                else:
                    condition = Q()
                    for stem in stems:
                        condition |= Q(**{f"{column}__contains": f" {stem} "})
                conditions.append((condition, weight))
            if ranked_by_index:
                any_field = index.holding(stems)
            else:
                any_field = Q()
                for condition, _weight in conditions:
                    any_field |= condition
            score = sum(
                (
                    Case(When(c, then=Value(w)), default=Value(0.0), output_field=FloatField())
                    for c, w in conditions
                ),
                Value(0.0),
            )
            units.append((any_field, score))
        for phrase in query.phrases:
            folded = text.query_phrase(phrase)
            if folded.strip():
                condition = Q(phrase_text__contains=folded)
                score = Case(
                    When(condition, then=Value(PHRASE_WEIGHT)),
                    default=Value(0.0),
                    output_field=FloatField(),
                )
                units.append((condition, score))
        return units

    @staticmethod
    def _having(name, values):
        """The ids of the documents having one of ``values`` for facet ``name`` (a subquery)."""
        return SearchFacetValue.objects.filter(facet=name, value__in=values).values("document_id")

    def _facets(self, matching, filters):
        """``(facets, total)``: every facet's values with their counts, in one query, and the
        number of results. As usual in faceted search, a facet's counts apply the filters of
        the *other* facets, so that the values a reader may add to a selection (OR within a
        facet) keep their counts. Each entry having one kind value, the kinds' counts (those
        selected, if the kind is filtered) add up to the exact number of results."""
        # No condition on the facet's name here: SQLite would read every value of these facets
        # by the (facet, value) index instead of the few documents' values by document.
        rows = SearchFacetValue.objects.filter(document__in=matching.values("pk"))
        count = Count("pk")
        if filters:
            counted = Q()
            for name in FACETS:
                condition = Q(facet=name)
                for other, values in filters.items():
                    if other != name:
                        condition &= Q(document__in=self._having(other, values))
                counted |= condition
            count = Count("pk", filter=counted)
        counts = rows.values("facet", "value").annotate(count=count, label=Max("label"))
        by_facet = {name: {} for name in FACETS}
        total = 0
        for row in counts:
            if row["facet"] == "kind" and row["value"] in filters.get("kind", (row["value"],)):
                total += row["count"]
            if row["facet"] not in by_facet:
                continue
            if row["count"] or row["value"] in filters.get(row["facet"], ()):
                by_facet[row["facet"]][row["value"]] = FacetValue(
                    value=row["value"], label=row["label"], count=row["count"]
                )
        facets = []
        for name, values in by_facet.items():
            selected = filters.get(name, ())
            for value in selected:
                values.setdefault(value, FacetValue(value=value, label=value, count=0))
                values[value].selected = True
            if name == "kind":
                for value in values.values():
                    value.label = str(KINDS.get(value.value, value.label))
            if name == "year":
                ordered = sorted(values.values(), key=lambda v: v.value, reverse=True)
            else:
                ordered = sorted(values.values(), key=lambda v: (-v.count, str(v.label).lower()))
            if ordered:
                facets.append(Facet(name=name, values=ordered))
        return facets, total

    @staticmethod
    def _results(documents, query):
        themes = {}
        if documents:
            rows = SearchFacetValue.objects.filter(
                document__in=[d.pk for d in documents], facet="theme"
            ).order_by("label")
            for document_id, label in rows.values_list("document_id", "label"):
                themes.setdefault(document_id, []).append(label)
        highlighter = text.Highlighter(query.terms, query.phrases)
        return [
            Result(
                kind=document.kind,
                title=document.title,
                url=document.url,
                date=document.date,
                structure=document.structure_label,
                themes=themes.get(document.pk, []),
                snippet=highlighter.snippet(document.summary, document.body),
                score=float(document.score),
            )
            for document in documents
        ]

    @staticmethod
    def _suggestion(query):
        """The query with each word absent from the public vocabulary replaced by the closest
        word present, or "" when nothing is to correct. Two queries."""
        words = list(dict.fromkeys(w for w in query.words if len(w) >= 3 and not w.isdigit()))
        folded = {word: text.fold(word) for word in words}
        words = [w for w in words if folded[w] not in text.STOP_WORDS]
        if not words:
            return ""
        stems = {word: text.stem(folded[word]) for word in words}
        known = set(
            SearchWord.objects.filter(stem__in=set(stems.values()))
            .values_list("stem", flat=True)
            .distinct()
        )
        unknown = [word for word in words if stems[word] not in known]
        if not unknown:
            return ""
        nearby = Q()
        for word in unknown:
            size = len(folded[word])
            nearby |= Q(folded__startswith=folded[word][0], length__range=(size - 2, size + 2))
        candidates = (
            SearchWord.objects.annotate(length=Length("folded"))
            .filter(nearby)
            .order_by("-documents", "word")
            .values_list("folded", "word")[:2000]
        )
        spelled = {}
        for folded_word, word in candidates:
            spelled.setdefault(folded_word, word)  # the commonest spelling
        corrections = {}
        for word in unknown:
            close = difflib.get_close_matches(folded[word], list(spelled), n=1, cutoff=0.75)
            if close:
                corrections[word] = spelled[close[0]]
        if not corrections:
            return ""
        return text.WORD.sub(lambda m: corrections.get(m.group().lower(), m.group()), query.text)
