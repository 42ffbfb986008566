from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.tests.factories import (
    DepartementFactory,
    StructurePageFactory,
    StructureTypeFactory,
)


def queries_for(client, url):
    """Queries of a warm request (the first one fills per-process caches: site, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def test_directory_lists_live_structures_alphabetically(client, directory):
    StructurePageFactory(parent=directory, title="Pessac")
    StructurePageFactory(parent=directory, title="Grand Dax")
    draft = StructurePageFactory(parent=directory, title="Brouillon", live=False)

    html = client.get("/structures/").content.decode()

    assert html.index("Grand Dax") < html.index("Pessac")
    assert draft.title not in html
    assert "2 structures" in html


def test_structure_page_shows_its_type_and_departement_in_french(client, directory):
    StructurePageFactory(
        parent=directory,
        title="SDIS 24",
        slug="sdis-24",
        structure_type=StructureTypeFactory(
            slug="etablissement-public", name="Établissement public"
        ),
        departement=DepartementFactory(code="24", slug="dordogne", name="Dordogne"),
    )

    html = client.get("/structures/sdis-24/").content.decode()

    assert "Établissement public" in html
    assert "Dordogne (24)" in html


def test_members_only_structure_is_absent_from_directory_and_home(client, directory):
    hidden = StructurePageFactory(parent=directory, title="Structure réservée")
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")

    assert "Structure réservée" not in client.get("/structures/").content.decode()
    assert "Structure réservée" not in client.get("/").content.decode()


@pytest.mark.parametrize("url", ["/", "/structures/"])
def test_listing_queries_do_not_grow_with_the_number_of_structures(client, directory, url):
    for _ in range(3):
        StructurePageFactory(parent=directory)
    few = queries_for(client, url)

    for _ in range(20):
        StructurePageFactory(parent=directory)
    many = queries_for(client, url)

    assert many == few
