from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory


@pytest.fixture
def directory(home_page):
    return StructureIndexPageFactory(parent=home_page)


def test_search_finds_a_structure_by_name(client, directory):
    StructurePageFactory(parent=directory, title="Mont-de-Marsan", slug="mont-de-marsan")

    html = client.get("/recherche/", {"q": "Marsan"}).content.decode()

    assert 'href="/structures/mont-de-marsan/"' in html
    assert "1 résultat" in html


def test_search_never_shows_drafts_or_members_only_pages(client, directory):
    StructurePageFactory(parent=directory, title="Pessac brouillon", live=False)
    hidden = StructurePageFactory(parent=directory, title="Pessac réservé")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")

    html = client.get("/recherche/", {"q": "Pessac"}).content.decode()

    assert "brouillon" not in html and "réservé" not in html
    assert "0 résultat" in html


def test_empty_search_shows_the_form_without_results(client, home_page):
    html = client.get("/recherche/").content.decode()

    assert 'id="search-q"' in html
    assert "résultat" not in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x", "page": "abc"},
        {"q": "x", "page": "9999"},
        {"q": "a" * 5000},
        {"q": '"(*&^%$#'},
        {"q": "NEAR(a b) OR c*"},
        {"q": "l'achat \"responsable"},
        {"q": "-"},
    ],
)
def test_odd_search_input_never_breaks_the_page(client, directory, params):
    StructurePageFactory(parent=directory, title="x")

    assert client.get("/recherche/", params).status_code == HTTPStatus.OK


def test_search_terms_are_escaped(client, home_page):
    html = client.get("/recherche/", {"q": "<script>alert(1)</script>"}).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert 'value="script alert 1 script"' in html


def test_results_are_paginated_ten_at_a_time(client, directory):
    for n in range(12):
        StructurePageFactory(parent=directory, title=f"Commune durable {n}")

    first = client.get("/recherche/", {"q": "durable"}).content.decode()
    second = client.get("/recherche/", {"q": "durable", "page": "2"}).content.decode()

    assert first.count("<h3><a") == 10
    assert second.count("<h3><a") == 2
    assert "?q=durable&amp;page=2" in first


def test_search_queries_do_not_grow_with_the_number_of_results(client, directory):
    for n in range(3):
        StructurePageFactory(parent=directory, title=f"Achat {n}")
    client.get("/recherche/", {"q": "Achat"})  # fills per-process caches (site, content types)
    with CaptureQueriesContext(connection) as few:
        client.get("/recherche/", {"q": "Achat"})
    for n in range(20):
        StructurePageFactory(parent=directory, title=f"Achat plus {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/recherche/", {"q": "Achat"})

    assert len(many) == len(few)


def test_punctuation_is_ignored_in_search_terms(client, directory):
    StructurePageFactory(parent=directory, title="Achats durables", slug="achats-durables")

    html = client.get("/recherche/", {"q": "achats*  (durables)!"}).content.decode()

    assert 'href="/structures/achats-durables/"' in html
