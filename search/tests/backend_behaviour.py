"""What every search backend does, written against ``SearchBackend`` and ``search.results`` only.

A backend's test module subclasses ``BackendBehaviour`` and provides a ``backend`` fixture (an
empty index); ``index()`` may be overridden when the backend needs a refresh before searching.
The known data is ``corpus()``: the expected results and counts below follow from it.
"""

import datetime

from core.searchable import FacetTag, IndexEntry
from search.privacy import Audience
from search.results import parse_query

GRAND_DAX = FacetTag("grand-dax", "Grand Dax")
PESSAC = FacetTag("pessac", "Pessac")
SOCIAL = FacetTag("social", "Achats socialement responsables")
ENVIRONMENT = FacetTag("environnement", "Environnement")
SECRET_THEME = FacetTag("secret", "Thème réservé")
TEAM_PATH = "000100040001"  # a page restricted to a structure's team

VISITOR = Audience(excluded_paths=(TEAM_PATH,), sees_members_only=False)
MEMBER = Audience(excluded_paths=(TEAM_PATH,), sees_members_only=True)
TEAM = Audience(excluded_paths=(), sees_members_only=True)


def entry(key, title, **fields):
    page_id = int(key.split(":")[1])
    fields.setdefault("path", f"0001{page_id:04d}")
    fields.setdefault("kind", "page")
    fields.setdefault("url", f"/{key.replace(':', '-')}/")
    return IndexEntry(key=key, page_id=page_id, title=title, **fields)


def corpus():
    return [
        entry(
            "page:10",
            "Clauses sociales en restauration collective",
            kind="lesson",
            summary="Comment le Grand Dax a écrit une clause d'insertion.",
            body="Les achats de denrées passent par un marché public. "
            "La cuisine centrale s'engage dans l'économie circulaire.",
            date=datetime.date(2025, 3, 10),
            structure=GRAND_DAX,
            facets={"theme": [SOCIAL], "sector": [FacetTag("restauration", "Restauration")]},
        ),
        entry(
            "page:11",
            "Les achats durables de Pessac",
            kind="post",
            summary="Un point d'étape sur la politique d'achat.",
            body="Les élus ont voté un schéma de promotion des achats responsables. "
            "Un diagnostic rapide a précédé ce vote.",
            date=datetime.date(2024, 11, 2),
            structure=PESSAC,
            facets={"theme": [ENVIRONMENT]},
        ),
        entry(
            "page:12:diagnostic",
            "Diagnostic",
            kind="section",
            path="000100120001",
            body="Le diagnostic du Grand Dax a révélé des achats de fournitures dispersés.",
            date=datetime.date(2025, 1, 15),
            structure=GRAND_DAX,
            facets={"theme": [ENVIRONMENT]},
        ),
        entry(
            "page:12:plan",
            "Plan d'action",
            kind="section",
            path="000100120001",
            body="Mesures confidentielles : réduire les emballages zorglubien.",
            structure=GRAND_DAX,
            members_only=True,
            public=False,
            facets={"theme": [SECRET_THEME]},
        ),
        entry(
            "page:13",
            "Note interne",
            kind="resource",
            path=TEAM_PATH,
            body="Trame d'entretien réservée à l'équipe : achats groupés bidulmachin.",
            public=False,
        ),
        entry(
            "page:16",
            "Annexe interne",
            kind="resource",
            path=TEAM_PATH + "0001",
            body="Annexe réservée bidulmachin.",
            public=False,
        ),
        entry(
            "page:14",
            "Mentions légales",
            path="00010014",
            body="Éditeur du site : le réseau des achats publics responsables.",
            demoted=True,
        ),
        entry(
            "page:15",
            "Rencontre des élus du réseau",
            kind="event",
            body="Journée régionale sur l'économie circulaire et la restauration.",
            date=datetime.date(2025, 6, 20),
        ),
        entry(
            "page:17",
            "Circulaire budgétaire",
            kind="resource",
            body="Une circulaire sur l'économie des achats.",
            date=datetime.date(2023, 5, 4),
        ),
    ]


def titles(response):
    return [result.title for result in response.results]


def facet(response, name):
    """``{value: (count, selected)}`` of one facet of a response ({} when absent)."""
    for found in response.facets:
        if found.name == name:
            return {v.value: (v.count, v.selected) for v in found.values}
    return {}


class BackendBehaviour:
    def index(self, backend, entries):
        backend.rebuild(entries)

    def search(self, backend, text, audience=VISITOR, filters=None, page=1, per_page=10):
        return backend.search(parse_query(text, filters, page=page, per_page=per_page), audience)

    # -- French matching ---------------------------------------------------------------------

    def test_singular_and_plural_find_each_other(self, backend):
        self.index(backend, corpus())
        for text in ("achat", "achats"):
            found = titles(self.search(backend, text))
            assert "Les achats durables de Pessac" in found
            assert "Clauses sociales en restauration collective" in found
        for text in ("clause", "clauses", "CLAUSE"):
            assert titles(self.search(backend, text))[0] == (
                "Clauses sociales en restauration collective"
            )

    def test_accents_are_optional(self, backend):
        self.index(backend, corpus())
        for text in ("elu", "élu", "élus", "ELUS"):
            found = titles(self.search(backend, text))
            assert found[0] == "Rencontre des élus du réseau", text
            assert "Les achats durables de Pessac" in found
        with_accent = titles(self.search(backend, "économie"))
        assert with_accent == titles(self.search(backend, "economie"))
        assert "Rencontre des élus du réseau" in with_accent

    # -- Ranking -----------------------------------------------------------------------------

    def test_a_title_match_ranks_first(self, backend):
        self.index(backend, corpus())
        found = titles(self.search(backend, "diagnostic"))
        assert found == ["Diagnostic", "Les achats durables de Pessac"]

    def test_legal_pages_rank_below_content(self, backend):
        self.index(backend, corpus())
        found = titles(self.search(backend, "achats"))
        assert found[-1] == "Mentions légales"
        assert len(found) == 5
        legal = entry("page:31", "Accessibilité des achats", summary="Achats.", demoted=True)
        self.index(backend, [*corpus(), legal])
        found = titles(self.search(backend, "achats"))
        assert found[-2:] == ["Accessibilité des achats", "Mentions légales"]

    def test_entries_matching_most_words_are_found_when_none_matches_all(self, backend):
        self.index(backend, corpus())
        found = titles(self.search(backend, "Grand Dax diagnostic"))
        assert found[:3] == [
            "Diagnostic",
            "Clauses sociales en restauration collective",
            "Les achats durables de Pessac",
        ]
        assert titles(self.search(backend, "diagnostic Grand Dax introuvablexyz"))[0] == (
            "Diagnostic"
        )
        # A better score on fewer words does not come first.
        loud = entry("page:32", "Grand Dax", summary="Le Grand Dax, au Grand Dax.")
        self.index(backend, [*corpus(), loud])
        assert titles(self.search(backend, "Grand Dax diagnostic"))[:2] == [
            "Diagnostic",
            "Grand Dax",
        ]

    def test_a_quoted_phrase_matches_as_a_phrase(self, backend):
        self.index(backend, corpus())
        found = titles(self.search(backend, '"économie circulaire"'))
        assert sorted(found) == [
            "Clauses sociales en restauration collective",
            "Rencontre des élus du réseau",
        ]
        assert "Circulaire budgétaire" in titles(self.search(backend, "économie circulaire"))

    def test_operator_characters_are_ordinary_words(self, backend):
        self.index(backend, corpus())
        for text in ('"(*&^%$#', "NEAR(a b) OR c*", "-achats AND clause:", 'achats"', "'", "%_"):
            response = self.search(backend, text)
            assert response.total == len(response.results)
        assert self.search(backend, "-achats AND clause:").total >= 1
        assert self.search(backend, "%_").total == 0

    # -- Results -----------------------------------------------------------------------------

    def test_results_carry_type_date_structure_themes_and_a_highlighted_snippet(self, backend):
        self.index(backend, corpus())
        (result,) = self.search(backend, "promotion").results
        assert result.kind == "post"
        assert result.url == "/page-11/"
        assert result.date == datetime.date(2024, 11, 2)
        assert result.structure == "Pessac"
        assert result.themes == ["Environnement"]
        assert "<mark>promotion</mark>" in result.snippet
        assert result.score > 0

    def test_the_snippet_is_escaped(self, backend):
        self.index(
            backend,
            [
                entry(
                    "page:30",
                    "Piège",
                    body="<script>alert('achats')</script> Nos achats <b>gras</b> & co.",
                )
            ],
        )
        (result,) = self.search(backend, "achats").results
        snippet = str(result.snippet)
        assert "<script" not in snippet and "<b>" not in snippet
        assert "&lt;script&gt;" in snippet and "&lt;b&gt;" in snippet
        assert "<mark>achats</mark>" in snippet
        (result,) = self.search(backend, "<script>alert achats").results
        assert "<script" not in str(result.snippet) and "<mark>alert</mark>" in result.snippet

    def test_a_page_past_the_end_is_empty_with_the_right_total(self, backend):
        self.index(
            backend,
            [entry(f"page:{n}", f"Fiche marché numéro {n}", kind="resource") for n in range(25)],
        )
        assert len(self.search(backend, "marché", per_page=10).results) == 10
        last = self.search(backend, "marché", page=3, per_page=10)
        assert len(last.results) == 5 and last.total == 25
        beyond = self.search(backend, "marché", page=40, per_page=10)
        assert beyond.results == [] and beyond.total == 25
        pages = [self.search(backend, "marché", page=p, per_page=10).results for p in (1, 2, 3)]
        assert len({result.url for page in pages for result in page}) == 25

    # -- Facets ------------------------------------------------------------------------------

    def test_filters_without_words_list_what_they_select_the_latest_first(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "", filters={"theme": ["environnement"]})
        assert response.total == 2
        dates = [result.date for result in response.results]
        assert len(dates) == 2 and dates == sorted(dates, reverse=True)
        assert self.search(backend, "", filters={"kind": ["lesson"]}).total == 1

    def test_an_empty_query_gives_the_facets_overview(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "")
        assert response.results == [] and response.total == 0
        assert facet(response, "kind") == {
            "lesson": (1, False),
            "post": (1, False),
            "section": (1, False),
            "resource": (1, False),
            "event": (1, False),
            "page": (1, False),
        }
        assert facet(response, "theme") == {"environnement": (2, False), "social": (1, False)}
        assert facet(response, "structure") == {"grand-dax": (2, False), "pessac": (1, False)}
        assert facet(response, "year") == {
            "2025": (3, False),
            "2024": (1, False),
            "2023": (1, False),
        }
        assert [f.name for f in response.facets][:2] == ["kind", "structure"]
        years = next(f for f in response.facets if f.name == "year")
        assert [v.value for v in years.values] == ["2025", "2024", "2023"]

    def test_facet_counts_follow_the_query(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "achats")
        assert facet(response, "kind") == {
            "lesson": (1, False),
            "post": (1, False),
            "section": (1, False),
            "resource": (1, False),
            "page": (1, False),
        }
        assert facet(response, "theme") == {"environnement": (2, False), "social": (1, False)}

    def test_filters_combine_or_within_a_facet_and_and_between_facets(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "achats", filters={"kind": ["post", "lesson"]})
        assert sorted(titles(response)) == [
            "Clauses sociales en restauration collective",
            "Les achats durables de Pessac",
        ]
        assert response.total == 2
        # The other values of a filtered facet keep the counts they would add.
        assert facet(response, "kind") == {
            "lesson": (1, True),
            "post": (1, True),
            "section": (1, False),
            "resource": (1, False),
            "page": (1, False),
        }
        assert facet(response, "theme") == {"environnement": (1, False), "social": (1, False)}

        both = self.search(
            backend, "achats", filters={"kind": ["post", "section"], "theme": ["environnement"]}
        )
        assert sorted(titles(both)) == ["Diagnostic", "Les achats durables de Pessac"]
        assert facet(both, "theme")["environnement"] == (2, True)
        none = self.search(backend, "achats", filters={"kind": ["lesson"], "theme": ["inconnu"]})
        assert none.results == [] and none.total == 0
        assert facet(none, "theme")["inconnu"] == (0, True)

    def test_year_and_structure_filters(self, backend):
        self.index(backend, corpus())
        assert titles(self.search(backend, "achats", filters={"year": ["2023"]})) == [
            "Circulaire budgétaire"
        ]
        overview = self.search(backend, "", filters={"structure": ["grand-dax"]})
        assert facet(overview, "kind") == {"lesson": (1, False), "section": (1, False)}

    # -- Privacy -----------------------------------------------------------------------------

    def test_members_only_entries_are_found_by_members_only(self, backend):
        self.index(backend, corpus())
        assert self.search(backend, "zorglubien", VISITOR).total == 0
        (result,) = self.search(backend, "zorglubien", MEMBER).results
        assert "<mark>zorglubien</mark>" in result.snippet

    def test_entries_below_an_excluded_path_are_hidden(self, backend):
        self.index(backend, corpus())
        assert self.search(backend, "bidulmachin", MEMBER).total == 0
        assert sorted(titles(self.search(backend, "bidulmachin", TEAM))) == [
            "Annexe interne",
            "Note interne",
        ]

    def test_results_snippets_and_counts_hold_only_what_the_reader_may_read(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "achats emballages réseau", VISITOR)
        text = " ".join(f"{r.title} {r.snippet}" for r in response.results)
        assert "Plan d'action" not in text and "Note interne" not in text
        assert "emballages" not in text and "entretien" not in text
        assert facet(response, "kind")["section"] == (1, False)
        assert "resource" not in facet(self.search(backend, "bidulmachin"), "kind")
        assert "secret" not in facet(self.search(backend, "", VISITOR), "theme")
        assert facet(self.search(backend, "", MEMBER), "theme")["secret"] == (1, False)
        member = self.search(backend, "emballages", MEMBER)
        assert facet(member, "kind") == {"section": (1, False)}

    # -- Suggestions -------------------------------------------------------------------------

    def test_a_misspelt_word_gets_a_suggestion(self, backend):
        self.index(backend, corpus())
        response = self.search(backend, "restauartion")
        assert response.total == 0
        assert response.suggestion == "restauration"
        assert self.search(backend, "clauses sociales").suggestion == ""

    def test_suggestions_never_reveal_a_word_the_reader_may_not_read(self, backend):
        self.index(backend, corpus())
        for audience in (VISITOR, MEMBER, TEAM):
            assert self.search(backend, "zorglubieb", audience).suggestion == ""
            assert self.search(backend, "bidulmachim", audience).suggestion == ""

    # -- Keeping the index current -----------------------------------------------------------

    def test_update_replaces_a_pages_entries_and_remove_forgets_them(self, backend):
        self.index(backend, corpus())
        backend.update(11, [entry("page:11", "Les achats frugaux de Pessac", kind="post")])
        assert titles(self.search(backend, "frugaux")) == ["Les achats frugaux de Pessac"]
        assert self.search(backend, "promotion").total == 0
        backend.update(12, [])
        assert self.search(backend, "diagnostic").total == 0
        assert self.search(backend, "zorglubien", TEAM).total == 0
        backend.remove([10, 15])
        assert self.search(backend, "clause").total == 0
        assert self.search(backend, "élus").total == 0
        assert self.search(backend, "circulaire").total == 1

    def test_a_page_that_stops_being_public_leaves_the_suggestions(self, backend):
        self.index(backend, corpus())
        assert self.search(backend, "fruglité").suggestion == ""
        backend.update(11, [entry("page:11", "Frugalité", kind="post")])
        # A backend may suggest the word as written or folded.
        assert self.search(backend, "fruglité").suggestion in ("frugalité", "frugalite")
        backend.update(11, [entry("page:11", "Frugalité", kind="post", public=False)])
        assert self.search(backend, "fruglité").suggestion == ""
        backend.update(11, [entry("page:11", "Frugalité", kind="post")])
        backend.remove([11])
        assert self.search(backend, "fruglité").suggestion == ""
