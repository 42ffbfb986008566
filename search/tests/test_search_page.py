"""The search page and its JSON answer, against a stub backend that answers from the ``Query``
it receives: what the page asks the backend, and how it shows the answer. The real backends
have their own tests."""

import datetime
import json
import re
from http import HTTPStatus

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.safestring import SafeString

from search.backends import SearchBackend
from search.privacy import Audience
from search.results import (
    MAX_QUERY_LENGTH,
    Facet,
    FacetValue,
    Result,
    SearchResponse,
    SearchUnavailable,
)
from search.service import MAX_PAGE, query_from

TOTAL = 23


class StubBackend(SearchBackend):
    """Answers from the query alone: ``TOTAL`` results whose titles echo the words, the page
    and the filters; "rien" finds nothing, "typo" nothing but a suggestion, "panne" raises
    ``SearchUnavailable``, "script" gives a title with markup. Every call is recorded."""

    calls = []

    def search(self, query, audience):
        StubBackend.calls.append((query, audience))
        words = query.words
        if "panne" in words:
            raise SearchUnavailable("down")
        facets = [
            Facet(
                "kind",
                [
                    FacetValue("lesson", "Enseignement", 12),
                    FacetValue("post", "Article", 11),
                    FacetValue("event", "Événement", 0),
                ],
            ),
            Facet(
                "theme",
                [FacetValue("alimentation", "Alimentation", 15), FacetValue("climat", "Climat", 8)],
            ),
            Facet("year", [FacetValue("2026", "2026", TOTAL)]),
        ]
        if "nombreuses" in words:  # a common word: found at every one of 45 structures
            values = [FacetValue(f"s{n}", f"Structure {n}", 100 - n) for n in range(45)]
            facets.insert(1, Facet("structure", values))
        if query.is_empty:
            return SearchResponse(query=query, results=[], total=0, facets=facets)
        if "rien" in words:
            return SearchResponse(query=query, results=[], total=0, facets=[])
        if "typo" in words:
            return SearchResponse(query, [], 0, facets=[], suggestion="typographie")
        first = (query.page - 1) * query.per_page
        kind = query.filters.get("kind", ("lesson",))[0]
        results = [
            Result(
                kind=kind,
                title=(
                    "<script>alert(1)</script> Cantine"
                    if "script" in words
                    else f"Résultat {n + 1} : {' '.join(words)} {query.filters}"
                ),
                url=f"/enseignements/resultat-{n + 1}/",
                date=datetime.date(2026, 3, 5),
                structure="Pessac",
                themes=["Alimentation", "Climat"],
                snippet=SafeString(f"… la <mark>{escape(words[0])}</mark> &amp; le reste …"),
                score=1.0 / (n + 1),
            )
            for n in range(first, min(first + query.per_page, TOTAL))
        ]
        return SearchResponse(query=query, results=results, total=TOTAL, facets=facets)


@pytest.fixture(autouse=True)
def stub_backend(settings):
    settings.RAA_SEARCH = {"BACKEND": "search.tests.test_search_page.StubBackend"}
    StubBackend.calls = []
    return StubBackend


def last_query():
    return StubBackend.calls[-1][0]


def vary_of(response):
    return {name.strip().lower() for name in response.get("Vary", "").split(",")}


def params_of(**values):
    params = QueryDict(mutable=True)
    params.update(values)
    return params


def page_html(client, params=None, **extra):
    response = client.get("/recherche/", params or {}, **extra)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def text_of(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# What the page asks the backend


def test_get_parameters_become_the_query(client, home_page):
    client.get(
        "/recherche/",
        {"q": "cantine bio", "kind": ["lesson", "post"], "theme": "alimentation", "page": "2"},
    )

    query = last_query()
    assert query.text == "cantine bio"
    assert query.terms == ("cantine", "bio")
    assert query.filters == {"kind": ("lesson", "post"), "theme": ("alimentation",)}
    assert query.page == 2


def test_a_visitor_searches_as_the_public(client, home_page):
    client.get("/recherche/", {"q": "cantine"})

    audience = StubBackend.calls[-1][1]
    assert isinstance(audience, Audience)
    assert audience.is_public


def test_a_member_searches_as_a_member(client, home_page, member):
    client.force_login(member)

    client.get("/recherche/", {"q": "cantine"})

    assert StubBackend.calls[-1][1].sees_members_only


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("kind=lesson&kind=nonsense&kind=lesson", {"kind": ("lesson",)}),
        ("unknown=x&format=json&q=a", {}),
        ("year=2025&year=20x5&year=", {"year": ("2025",)}),
        ("theme=%20%20&sector=b%C3%A2timent", {"sector": ("bâtiment",)}),
        ("theme=" + "a" * 500, {"theme": ("a" * 100,)}),
        ("&".join(f"theme=t{n}" for n in range(60)), {"theme": tuple(f"t{n}" for n in range(20))}),
    ],
)
def test_unknown_facets_and_impossible_values_are_dropped(params, expected):
    assert query_from(QueryDict(params)).filters == expected


@pytest.mark.parametrize(
    ("raw", "page"),
    [
        ("", 1),
        ("abc", 1),
        ("0", 1),
        ("-3", 1),
        ("2.5", 1),
        ("٣", 1),  # a digit, but not one a reader types in a URL
        (" 4 ", 4),
        ("1000", 1000),
        ("1001", MAX_PAGE),
        ("9" * 5000, MAX_PAGE),
    ],
)
def test_odd_page_numbers_become_a_page_in_range(raw, page):
    assert query_from(params_of(page=raw)).page == page


def test_a_very_long_query_is_cut():
    query = query_from(params_of(q="cantine " * 10_000))

    assert len(query.text) <= MAX_QUERY_LENGTH
    assert query.terms[0] == "cantine"


def test_control_characters_never_reach_the_backend():
    query = query_from(params_of(q="can\x00tine\x1b bio", theme="a\x00b"))

    assert "\x00" not in query.text and "\x1b" not in query.text
    assert query.terms == ("can", "tine", "bio")
    assert query.filters == {"theme": ("a b",)}


def test_non_utf8_bytes_give_a_normal_answer(client, home_page):
    response = client.get("/recherche/?q=%FF%FEcantine%C3&theme=%E9t%E9&page=%FF")

    assert response.status_code == HTTPStatus.OK
    assert "cantine" in last_query().terms
    assert last_query().page == 1


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "9999"},
        {"q": "x", "page": "-1"},
        {"q": "a" * 5000},
        {"q": '"(*&^%$#'},
        {"q": "NEAR(a b) OR c*"},
        {"q": "l'achat \"responsable"},
        {"q": "-"},
        {"q": "AND OR"},
        {"q": "x", "kind": "<b>", "year": "'; drop table"},
        {"q": "x", "format": "xml"},
        {"q": ["a", "b"]},
    ],
)
def test_odd_search_input_never_breaks_the_page(client, home_page, params):
    assert client.get("/recherche/", params).status_code == HTTPStatus.OK


def test_a_page_past_the_last_gives_the_last_page(client, home_page):
    html = page_html(client, {"q": "cantine", "page": "99"})

    assert [call[0].page for call in StubBackend.calls] == [99, 3]
    assert '<ol class="search-results" start="21">' in html
    assert html.count('<li class="search-result">') == TOTAL - 20
    assert "Page 3 sur 3" in html


# What the page shows


def test_results_show_count_type_date_structure_themes_and_snippet(client, home_page):
    html = page_html(client, {"q": "cantine"})
    text = text_of(html)

    assert "23 résultats pour « cantine »" in text
    assert html.count('<li class="search-result">') == 10
    assert '<ol class="search-results" start="1">' in html
    assert '<h3 class="search-result__title"><a href="/enseignements/resultat-1/">' in html
    assert '<span class="search-result__kind">Enseignement</span>' in html
    assert '<time datetime="2026-03-05">5 mars 2026</time>' in html
    assert "<span>Pessac</span>" in html
    assert '<span class="search-result__theme">Alimentation</span>' in html
    # The snippet is the backend's escaped HTML, written as it is.
    assert "… la <mark>cantine</mark> &amp; le reste …" in html


def test_one_result_is_counted_in_the_singular(client, home_page, monkeypatch):
    monkeypatch.setattr("search.tests.test_search_page.TOTAL", 1)

    assert "1 résultat pour « cantine »" in text_of(page_html(client, {"q": "cantine"}))


def test_titles_and_query_are_escaped(client, home_page):
    html = page_html(client, {"q": "script <img src=x onerror=alert(1)>"})

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Cantine" in html
    assert "<img src=x" not in html
    assert 'value="script &lt;img src=x onerror=alert(1)&gt;"' in html


def test_the_page_has_one_h1_a_labelled_field_and_says_the_query_in_its_title(client, home_page):
    html = page_html(client, {"q": "cantine"})

    assert html.count("<h1") == 1
    assert '<label for="search-q">' in html and 'id="search-q"' in html
    assert re.search(r"<title>Recherche : cantine ·", html)
    second = page_html(client, {"q": "cantine", "page": 2})
    assert re.search(r"<title>Recherche : cantine \(page 2\) ·", second)
    assert '<meta name="robots" content="noindex">' in html


def test_the_header_search_box_points_at_the_search_page(client, home_page):
    html = client.get("/").content.decode()

    form = re.search(r'<form class="site-search" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form.group(1) == "/recherche/"
    assert 'name="q"' in form.group(2)


def test_the_header_search_box_keeps_the_query(client, home_page):
    html = page_html(client, {"q": "cantine bio"})

    assert 'id="site-search-q" type="search" name="q" value="cantine bio"' in html


def test_nothing_found_says_so(client, home_page):
    html = page_html(client, {"q": "rien"})

    assert "0 résultat pour « rien »" in text_of(html)
    assert '<ol class="search-results"' not in html
    assert "Aucun résultat ne correspond à ces mots" in html


def test_a_suggestion_links_to_the_corrected_query_with_the_filters(client, home_page):
    html = page_html(client, {"q": "typo", "theme": "climat"})

    assert (
        '<a href="/recherche/?q=typographie&amp;theme=climat">'
        "Vouliez-vous dire « typographie » ?</a>" in html
    )


def test_no_suggestion_no_link(client, home_page):
    assert "Vouliez-vous dire" not in page_html(client, {"q": "cantine"})


# Facets


def test_facets_are_fieldsets_of_checkboxes_with_counts(client, home_page):
    html = page_html(client, {"q": "cantine", "kind": "lesson"})

    assert "<legend>Type</legend>" in html
    assert "<legend>Thème</legend>" in html
    assert html.index("<legend>Type</legend>") < html.index("<legend>Thème</legend>")
    assert '<input type="checkbox" name="kind" value="lesson" checked> Enseignement' in html
    assert '<input type="checkbox" name="kind" value="post"> Article' in html
    assert '<span class="facet__count">(11)</span>' in html
    assert '<input type="hidden" name="q" value="cantine">' in html
    assert '<button type="submit">Appliquer les filtres</button>' in html


def test_values_without_results_are_hidden_unless_selected(client, home_page):
    plain = page_html(client, {"q": "cantine"})
    selected = page_html(client, {"q": "cantine", "kind": "event"})

    assert 'value="event"' not in plain
    assert (
        '<li class="facet__value facet__value--empty"><label><input type="checkbox" '
        'name="kind" value="event" checked> Événement' in selected
    )


def test_a_selected_value_the_backend_left_out_stays_checked(client, home_page):
    html = page_html(client, {"q": "cantine", "kind": "resource", "structure": "le-haillan"})

    assert '<input type="checkbox" name="kind" value="resource" checked> Ressource' in html
    assert '<input type="checkbox" name="structure" value="le-haillan" checked> le-haillan' in html


def test_filters_are_kept_in_pagination_and_search_form_and_cleared_by_a_link(client, home_page):
    html = page_html(client, {"q": "cantine", "kind": "lesson", "theme": "climat"})

    assert 'href="?q=cantine&amp;kind=lesson&amp;theme=climat&amp;page=2"' in html
    assert '<input type="hidden" name="kind" value="lesson">' in html  # in the words' form
    assert '<a href="/recherche/?q=cantine">Effacer les filtres</a>' in html


def test_no_clear_link_without_filters(client, home_page):
    assert "Effacer les filtres" not in page_html(client, {"q": "cantine"})


def test_a_facet_of_many_values_lists_the_most_frequent_and_links_to_all(client, home_page):
    html = page_html(client, {"q": "nombreuses", "theme": "climat"})

    assert 'value="s29"' in html and 'value="s30"' not in html
    assert (
        '<a href="/recherche/?q=nombreuses&amp;theme=climat&amp;facette=structure">'
        "Voir les 45 valeurs de « Structure »</a>" in html
    )
    assert "facette=theme" not in html  # two values: listed in full already
    complete = page_html(client, {"q": "nombreuses", "theme": "climat", "facette": "structure"})
    assert 'value="s44"' in complete
    assert '<input type="hidden" name="facette" value="structure">' in complete
    assert (
        '<a href="/recherche/?q=nombreuses&amp;theme=climat">'
        "Seulement les valeurs les plus fréquentes de « Structure »</a>" in complete
    )


def test_a_selected_value_beyond_the_listed_ones_stays_with_its_count(client, home_page):
    html = page_html(client, {"q": "nombreuses", "structure": "s40"})

    assert (
        '<input type="checkbox" name="structure" value="s40" checked> Structure 40 '
        '<span class="facet__count">(60)</span>' in html
    )
    assert 'value="s39"' not in html
    assert "Voir les 45 valeurs" in html


def test_an_unknown_facet_to_list_in_full_is_ignored(client, home_page):
    html = page_html(client, {"q": "nombreuses", "facette": "inconnue"})

    assert 'value="s30"' not in html and 'name="facette"' not in html
    assert last_query().complete_facet == ""


def test_json_says_how_many_values_a_facet_leaves_out(client, home_page):
    data = client.get("/recherche/", {"q": "nombreuses", "format": "json"}).json()
    complete = client.get(
        "/recherche/", {"q": "nombreuses", "format": "json", "facette": "structure"}
    ).json()

    (structure,) = [facet for facet in data["facets"] if facet["name"] == "structure"]
    assert (len(structure["values"]), structure["unlisted"]) == (30, 15)
    (structure,) = [facet for facet in complete["facets"] if facet["name"] == "structure"]
    assert (len(structure["values"]), structure["unlisted"]) == (45, 0)


def test_an_empty_query_shows_the_facets_overview(client, home_page):
    html = page_html(client)

    assert last_query().is_empty
    assert "Que cherchez-vous ?" in html
    assert "<legend>Type</legend>" in html
    assert '<span class="facet__count">(12)</span>' in html
    assert "résultats pour" not in html
    assert '<ol class="search-results"' not in html
    assert "Effacer les filtres" not in html
    assert re.search(r"<title>Rechercher ·", html)


def test_many_values_wait_behind_show_more(client, home_page, monkeypatch):
    many = [FacetValue(f"s{n}", f"Structure {n}", 20 - n) for n in range(12)]
    search = StubBackend.search

    def with_structures(self, query, audience):
        response = search(self, query, audience)
        response.facets.append(Facet("structure", many))
        return response

    monkeypatch.setattr(StubBackend, "search", with_structures)

    closed = page_html(client, {"q": "cantine"})
    opened = page_html(client, {"q": "cantine", "structure": "s11"})

    assert '<details class="facet__more">' in closed
    assert "Voir 4 de plus" in closed
    assert '<details class="facet__more" open>' in opened


# JSON


def test_json_answer_has_the_same_results(client, home_page):
    response = client.get("/recherche/", {"q": "cantine", "kind": "lesson", "format": "json"})
    data = json.loads(response.content)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert "accept" in vary_of(response)
    assert set(data) == {"query", "total", "page", "pages", "results", "facets", "suggestion"}
    assert (data["query"], data["total"], data["page"], data["pages"]) == ("cantine", 23, 1, 3)
    assert data["suggestion"] is None
    assert len(data["results"]) == 10
    assert data["results"][0] == {
        "type": "lesson",
        "type_label": "Enseignement",
        "title": "Résultat 1 : cantine {'kind': ('lesson',)}",
        "url": "/enseignements/resultat-1/",
        "date": "2026-03-05",
        "structure": "Pessac",
        "themes": ["Alimentation", "Climat"],
        "snippet": "… la <mark>cantine</mark> &amp; le reste …",
        "score": 1.0,
    }
    kind = data["facets"][0]
    assert kind["name"] == "kind" and kind["label"] == "Type"
    assert kind["values"][0] == {
        "value": "lesson",
        "label": "Enseignement",
        "count": 12,
        "selected": True,
    }
    assert kind["values"][1]["selected"] is False


def test_json_is_chosen_by_the_accept_header(client, home_page):
    as_json = client.get("/recherche/", {"q": "typo"}, HTTP_ACCEPT="application/json")
    as_html = client.get(
        "/recherche/",
        {"q": "typo"},
        HTTP_ACCEPT="text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    )
    anything = client.get("/recherche/", {"q": "typo"}, HTTP_ACCEPT="*/*")

    assert json.loads(as_json.content)["suggestion"] == "typographie"
    assert as_html["Content-Type"].startswith("text/html")
    assert anything["Content-Type"].startswith("text/html")
    assert "accept" in vary_of(as_html) and "accept" in vary_of(as_json)


def test_json_for_an_empty_query_gives_the_facets(client, home_page):
    data = client.get("/recherche/", {"format": "json"}).json()

    assert (data["query"], data["total"], data["results"]) == ("", 0, [])
    assert [facet["name"] for facet in data["facets"]] == ["kind", "theme", "year"]


def test_json_for_a_page_past_the_last(client, home_page):
    data = client.get("/recherche/", {"q": "cantine", "page": "7", "format": "json"}).json()

    assert (data["page"], data["pages"], len(data["results"])) == (3, 3, 3)


# The search engine unavailable


def test_unavailable_search_answers_503_in_french_inside_the_site(client, home_page):
    response = client.get("/recherche/", {"q": "panne"})
    html = response.content.decode()

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"]
    assert "La recherche est momentanément indisponible" in html
    assert 'class="site-header"' in html and 'class="site-footer"' in html
    assert 'id="search-q"' in html and 'value="panne"' in html
    assert html.count("<h1") == 1


def test_unavailable_search_answers_503_in_json(client, home_page):
    response = client.get("/recherche/", {"q": "panne"}, HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "accept" in vary_of(response)
    data = response.json()
    assert data["query"] == "panne"
    assert data["error"].startswith("La recherche est momentanément indisponible")


def test_the_page_costs_the_same_queries_whatever_the_number_of_results(
    client, home_page, monkeypatch
):
    monkeypatch.setattr("search.tests.test_search_page.TOTAL", 1)
    client.get("/recherche/", {"q": "cantine"})  # fills per-process caches (site, content types)
    with CaptureQueriesContext(connection) as few:
        client.get("/recherche/", {"q": "cantine"})
    monkeypatch.setattr("search.tests.test_search_page.TOTAL", 500)
    with CaptureQueriesContext(connection) as many:
        client.get("/recherche/", {"q": "cantine", "kind": "lesson"})

    assert len(many) == len(few)


def test_many_values_of_a_facet_are_capped(client, home_page):
    response = client.get("/recherche/?q=x&" + "&".join(f"theme=t{n}" for n in range(900)))

    assert response.status_code == HTTPStatus.OK
    assert len(last_query().filters["theme"]) == 20


def test_the_page_only_answers_reading(client, home_page):
    assert client.post("/recherche/", {"q": "x"}).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert client.head("/recherche/", {"q": "x"}).status_code == HTTPStatus.OK
