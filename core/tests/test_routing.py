"""Routing (core.pages.SectionPage.route): a section finds its child page as its specific page
in one query, where Wagtail reads the child and then its specific page; the home page's
children are remembered per process until the site changes, and so are the pages found. What
Wagtail's routing answers (the page, a 404), it still answers.
"""

from http import HTTPStatus

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from knowledge.models import ResourceIndexPage, ResourcePage
from knowledge.tests.factories import ResourcePageFactory
from website.tests.factories import StandardPageFactory

pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py


@pytest.fixture
def resources(home_page):
    return home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))


def route(home_page, path):
    request = RequestFactory().get(path)
    return home_page.specific.route(request, [part for part in path.split("/") if part])


def test_a_page_two_levels_down_is_found_in_one_query_per_level_then_none(home_page, resources):
    resource = ResourcePageFactory(parent=resources, slug="guide-achat")

    with CaptureQueriesContext(connection) as first:
        found = route(home_page, "/ressources/guide-achat/")
    with CaptureQueriesContext(connection) as again:
        found_again = route(home_page, "/ressources/guide-achat/")

    assert isinstance(found.page, ResourcePage)
    assert found.page.pk == found_again.page.pk == resource.pk
    # The home page's children (slug, id, type), then one query per level (Wagtail's: 4)...
    assert len(first) == 3  # noqa: PLR2004
    # ...and none while the site is unchanged: the pages are remembered (a copy per request).
    assert len(again) == 0
    assert found_again.page is not found.page


def test_a_section_added_under_the_home_page_is_served_at_once(client, home_page, resources):
    assert client.get("/ressources/").status_code == HTTPStatus.OK  # children remembered
    StandardPageFactory(parent=home_page, slug="a-propos", title="À propos")
    resources.slug = "documents"
    resources.save_revision().publish()

    assert client.get("/a-propos/").status_code == HTTPStatus.OK
    assert client.get("/documents/").status_code == HTTPStatus.OK
    assert client.get("/ressources/").status_code == HTTPStatus.NOT_FOUND


def test_unknown_and_unpublished_children_are_not_found(home_page, resources):
    draft = ResourcePageFactory(parent=resources, slug="brouillon")
    draft.unpublish()

    for path in ("/inconnue/", "/ressources/inconnue/", "/ressources/brouillon/"):
        with pytest.raises(Http404):
            route(home_page, path)


def test_a_child_of_another_type_than_the_sections_is_still_served(client, home_page, resources):
    # Left from before a change of the section's allowed page types, say.
    StandardPageFactory(parent=resources, slug="mode-emploi", title="Mode d'emploi")

    response = client.get("/ressources/mode-emploi/")

    assert response.status_code == HTTPStatus.OK
    assert "Mode d&#x27;emploi" in response.content.decode()
