"""The dashboard's structure-by-structure part, page by page and in the reader's order: the
network's figures always count every structure, the tables only the page's."""

import datetime
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge import dashboard
from knowledge.tests.factories import (
    ActionFactory,
    CommitmentRecordFactory,
    JourneyStageFactory,
    StructurePageFactory,
)
from knowledge.vocabularies import ActionStatus, JourneyStep, ProgrammeCommitment, StepStatus
from members.models import COORDINATORS_GROUP

URL = "/structures/tableau-de-bord/"


@pytest.fixture(autouse=True)
def two_per_page(monkeypatch):
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 2)


@pytest.fixture
def five(directory):
    """Five structures, A to E by name; action-plan progress 10, 50, 30, 90, 70 %."""
    structures = {}
    for title, progress in zip("ABCDE", [10, 50, 30, 90, 70], strict=True):
        structure = StructurePageFactory(parent=directory, title=f"Structure {title}")
        ActionFactory(page=structure, status=ActionStatus.IN_PROGRESS, progress=progress)
        structures[title] = structure
    JourneyStageFactory(page=structures["C"], step=JourneyStep.KICK_OFF, status=StepStatus.DONE)
    CommitmentRecordFactory(
        page=structures["E"],
        commitment=ProgrammeCommitment.TRAINING,
        date=datetime.date(2024, 1, 1),
    )
    return structures


def shown(client, params=None):
    """The structures of the page's journey table, in their order."""
    response = client.get(URL, params or {})
    assert response.status_code == HTTPStatus.OK
    html = BeautifulSoup(response.content.decode(), "html.parser")
    return [row.th.a.get_text() for row in html.find(id="parcours").find("tbody").find_all("tr")]


def test_each_page_shows_its_own_structures_and_the_network_counts_them_all(client, member, five):
    client.force_login(member)

    assert shown(client) == ["Structure A", "Structure B"]
    assert shown(client, {"page": 2}) == ["Structure C", "Structure D"]
    assert shown(client, {"page": 3}) == ["Structure E"]
    html = client.get(URL, {"page": 3}).content.decode()
    assert "Structures 5 à 5 sur 5" in html
    assert "5 actions dans le réseau ; avancement moyen : 50\xa0%" in html
    assert "1 structure a terminé l'étape 1" in html
    assert 'href="?page=2" rel="prev"' in html


@pytest.mark.parametrize("page", ["abc", "0", "-1", "", "1.5", "²", "9" * 5000])
def test_a_page_that_is_not_a_whole_number_shows_the_first(client, member, five, page):
    client.force_login(member)

    assert shown(client, {"page": page}) == ["Structure A", "Structure B"]


def test_a_page_past_the_last_is_not_found(client, member, five):
    client.force_login(member)

    assert client.get(URL, {"page": 4}).status_code == HTTPStatus.NOT_FOUND
    assert client.get(URL, {"page": 123456789}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("sort", "first_page"),
    [
        ("nom", ["Structure A", "Structure B"]),
        ("avancement", ["Structure D", "Structure E"]),
        ("engagements", ["Structure E", "Structure A"]),
        ("parcours", ["Structure C", "Structure A"]),
        ("inconnu", ["Structure A", "Structure B"]),
    ],
)
def test_the_reader_chooses_the_order(client, member, five, sort, first_page):
    client.force_login(member)

    assert shown(client, {"tri": sort}) == first_page


def test_the_order_is_kept_from_page_to_page_and_shown_in_the_form(client, member, five):
    client.force_login(member)

    assert shown(client, {"tri": "avancement", "page": 2}) == ["Structure B", "Structure C"]
    html = client.get(URL, {"tri": "avancement", "page": 2}).content.decode()
    assert 'href="?tri=avancement&amp;page=3" rel="next"' in html
    assert '<option value="avancement" selected>' in html
    assert html.split('name="tri"')[1].split("</select>")[0].count("selected") == 1


def queries(client, params):
    client.get(URL, params)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_queries_do_not_grow_with_the_structures_nor_the_page(client, directory, request, who):
    client.force_login(request.getfixturevalue(who))
    for _ in range(3):
        ActionFactory(page=StructurePageFactory(parent=directory), progress=20)
    few = [queries(client, {}), queries(client, {"page": 2, "tri": "avancement"})]

    for _ in range(8):
        ActionFactory(page=StructurePageFactory(parent=directory), progress=40)
    many = [queries(client, {}), queries(client, {"page": 5, "tri": "avancement"})]

    assert many == few


@pytest.mark.usefixtures("fragment_cache")
def test_each_page_is_its_own_fragment_and_a_member_never_gets_a_coordinators(
    client, member, coordinator, five
):
    staff_only = StructurePageFactory(parent=five["A"].get_parent(), title="Structure BB")
    restriction = PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=COORDINATORS_GROUP)])

    client.force_login(coordinator)
    assert shown(client, {"page": 2}) == ["Structure BB", "Structure C"]
    client.force_login(member)
    assert shown(client, {"page": 2}) == ["Structure C", "Structure D"]
    assert shown(client) == ["Structure A", "Structure B"]
    assert shown(client, {"page": 2}) == ["Structure C", "Structure D"]
    client.force_login(coordinator)
    assert shown(client, {"page": 2}) == ["Structure BB", "Structure C"]
    assert shown(client, {"page": 2, "tri": "avancement"}) == ["Structure B", "Structure C"]


def test_visitors_are_sent_to_the_login_page_whatever_the_page(client, five):
    response = client.get(URL, {"page": 2, "tri": "avancement"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/?next=")
