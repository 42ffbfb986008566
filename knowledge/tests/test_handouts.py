"""The two indicative lists: the team ticks them off, nobody else sees its progress."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.handouts import progress_of
from knowledge.models import HandoutItem, HandoutList, HandoutProgress
from knowledge.tests.factories import StructurePageFactory, team_member
from members.models import User
from members.tests.factories import UserFactory

URL = "/structures/pessac/listes-indicatives/"


@pytest.fixture
def structures(pessac_and_haillan):
    return pessac_and_haillan


@pytest.fixture
def items(db):
    documents = [
        HandoutItem.objects.create(
            handout_list=HandoutList.KEY_DOCUMENTS, title=title, holder="Marchés", sort_order=n
        )
        for n, title in enumerate(["Organigramme", "Guide interne", "Liste des marchés"])
    ]
    interviews = [
        HandoutItem.objects.create(handout_list=HandoutList.INTERVIEWS, title=title, sort_order=n)
        for n, title in enumerate(["Élu référent", "DGS"])
    ]
    return documents, interviews


def form_data(item, done=False, date="", note=""):
    data = {f"item-{item.pk}-date": date, f"item-{item.pk}-note": note}
    if done:
        data[f"item-{item.pk}-done"] = "on"
    return data


def test_the_team_ticks_items_off_and_sees_its_progress(client, structures, items):
    documents, interviews = items
    pessac = structures["pessac"]
    client.force_login(team_member(pessac))

    page = client.get(URL)
    assert page.status_code == 200
    assert {"private", "no-store"} <= set(page["Cache-Control"].replace(" ", "").split(","))
    html = page.content.decode()
    assert "Organigramme" in html and "Élu référent" in html
    assert "Marchés" in html  # who holds it

    data = {}
    data.update(form_data(documents[0], done=True, date="2010-01-20", note="Reçu par courriel"))
    data.update(form_data(documents[1], done=True))
    for item in [documents[2], *interviews]:
        data.update(form_data(item))
    response = client.post(URL, data)
    assert response.status_code == 302
    assert response["Location"] == URL

    saved = HandoutProgress.objects.get(structure=pessac, item=documents[0])
    assert saved.done and saved.date == datetime.date(2010, 1, 20)
    assert saved.note == "Reçu par courriel"
    assert HandoutProgress.objects.filter(structure=pessac).count() == 2  # unchanged rows skipped

    # The date comes back in the form as the browser's date field reads it (ISO), so saving
    # the page again unchanged keeps it.
    assert (
        f'name="item-{documents[0].pk}-date" value="2010-01-20"' in client.get(URL).content.decode()
    )

    structure_page = client.get("/structures/pessac/").content.decode()
    assert "Documents clés : 2 sur 3" in structure_page
    assert "Entretiens : 0 sur 2" in structure_page
    assert URL in structure_page


def test_a_bad_date_is_refused_in_french_and_nothing_is_saved(client, structures, items):
    documents, _interviews = items
    client.force_login(team_member(structures["pessac"]))
    response = client.post(URL, form_data(documents[0], done=True, date="31/02/2010x"))
    assert response.status_code == 200
    assert "Saisissez une date valide." in response.content.decode()
    assert not HandoutProgress.objects.exists()


@pytest.mark.parametrize("who", ["other_team", "member", "pending"])
def test_no_one_else_sees_the_lists_or_the_progress(client, structures, items, who):
    HandoutProgress.objects.create(structure=structures["pessac"], item=items[0][0], done=True)
    user = {
        "other_team": lambda: team_member(structures["le-haillan"]),
        "member": lambda: UserFactory(status=User.Status.APPROVED),
        "pending": lambda: UserFactory(status=User.Status.PENDING),
    }[who]()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, form_data(items[0][1], done=True)).status_code == 403
    assert HandoutProgress.objects.count() == 1
    structure_page = client.get("/structures/pessac/").content.decode()
    assert "listes-indicatives" not in structure_page
    assert "Documents clés" not in structure_page


def test_visitors_are_sent_to_the_login_page(client, structures, items):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=")
    assert "listes-indicatives" not in client.get("/structures/pessac/").content.decode()


def test_coordinators_see_every_team_progress_on_the_dashboard(
    client, structures, items, coordinator
):
    documents, interviews = items
    HandoutProgress.objects.create(structure=structures["pessac"], item=documents[0], done=True)
    HandoutProgress.objects.create(structure=structures["pessac"], item=documents[1], done=False)
    HandoutProgress.objects.create(
        structure=structures["le-haillan"], item=interviews[0], done=True
    )
    client.force_login(coordinator)
    html = client.get("/structures/tableau-de-bord/").content.decode()
    assert 'id="listes-indicatives"' in html
    table = html.split('id="listes-indicatives"')[1]
    pessac_row = table.split("Pessac</a>")[1].split("</tr>")[0]
    haillan_row = table.split("Le Haillan</a>")[1].split("</tr>")[0]
    assert "1 sur 3" in pessac_row and "0 sur 2" in pessac_row
    assert "0 sur 3" in haillan_row and "1 sur 2" in haillan_row
    # A coordinator may also open and fill any team's lists.
    assert client.get(URL).status_code == 200


def test_members_dashboard_has_no_progress_table(client, structures, items, member):
    client.force_login(member)
    html = client.get("/structures/tableau-de-bord/").content.decode()
    assert "listes-indicatives" not in html


def test_progress_costs_two_queries_whatever_the_number_of_structures(structures, items):
    directory = structures["pessac"].get_parent()
    more = [
        StructurePageFactory(parent=directory, title=f"Structure {n}", slug=f"s-{n}")
        for n in range(5)
    ]
    for structure in more:
        HandoutProgress.objects.create(structure=structure, item=items[0][0], done=True)
    with CaptureQueriesContext(connection) as few:
        progress_of([structures["pessac"].pk])
    with CaptureQueriesContext(connection) as many:
        result = progress_of([s.pk for s in more])
    assert len(few) == len(many) == 2
    assert [entry["done"] for entry in result[more[0].pk]] == [1, 0]
    assert [entry["total"] for entry in result[more[0].pk]] == [3, 2]


def test_one_row_per_structure_and_item(structures, items):
    from django.db import IntegrityError, transaction

    HandoutProgress.objects.create(structure=structures["pessac"], item=items[0][0])
    with pytest.raises(IntegrityError), transaction.atomic():
        HandoutProgress.objects.create(structure=structures["pessac"], item=items[0][0])
