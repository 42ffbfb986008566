"""Structure teams edit their own experience page in the admin; coordinators own vocabularies."""

from html import unescape
from http import HTTPStatus

import pytest

from knowledge.tests.factories import ActionFactory, StructurePageFactory
from members.models import Membership, User
from members.tests.factories import UserFactory


@pytest.fixture
def haillan(pessac):
    return StructurePageFactory(parent=pessac.get_parent(), title="Le Haillan", slug="le-haillan")


def team_member(structure, role=Membership.Role.STAFF_REFERENT):
    user = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=user, structure=structure, role=role)
    return User.objects.get(pk=user.pk)  # fresh: Wagtail caches permissions on the object


def test_a_referent_opens_their_structure_with_one_tab_per_section(client, pessac):
    client.force_login(team_member(pessac))

    response = client.get(f"/admin/pages/{pessac.pk}/edit/")

    assert response.status_code == HTTPStatus.OK
    html = unescape(response.content.decode())
    for tab in ["Profil", "Parcours", "Engagements", "Diagnostic", "Plan d'actions"]:
        assert f">{tab}<" in html or f"{tab}\n" in html, tab
    # Vocabularies are plain lists to tick, not choosers needing snippet rights.
    assert 'name="sectors"' in html
    assert 'type="checkbox"' in html


def test_a_team_member_cannot_edit_another_structures_plan(client, pessac, haillan):
    action = ActionFactory(page=haillan, title="Papier recyclé", progress=10)
    client.force_login(team_member(pessac, Membership.Role.TEAM))

    opened = client.get(f"/admin/pages/{haillan.pk}/edit/")
    posted = client.post(
        f"/admin/pages/{haillan.pk}/edit/",
        {"title": "Le Haillan", "slug": "le-haillan", "actions-TOTAL_FORMS": "0"},
    )

    assert (opened.status_code, opened["Location"]) == (HTTPStatus.FOUND, "/admin/")
    assert (posted.status_code, posted["Location"]) == (HTTPStatus.FOUND, "/admin/")
    action.refresh_from_db()
    assert action.progress == 10
    assert haillan.get_latest_revision() is None or (haillan.get_latest_revision().user_id is None)


@pytest.mark.parametrize("vocabulary", ["sector", "theme", "departement", "structuretype"])
def test_coordinators_edit_vocabularies_and_teams_cannot(client, pessac, coordinator, vocabulary):
    url = f"/admin/snippets/knowledge/{vocabulary}/"
    client.force_login(coordinator)
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.get(f"{url}add/").status_code == HTTPStatus.OK

    client.force_login(team_member(pessac))
    refused = client.get(url)
    assert (refused.status_code, refused["Location"]) == (HTTPStatus.FOUND, "/admin/")


def test_a_vocabulary_entry_in_use_cannot_be_deleted(client, pessac, coordinator):
    client.force_login(coordinator)
    commune = pessac.structure_type

    response = client.post(f"/admin/snippets/knowledge/structuretype/delete/{commune.pk}/")

    assert (response.status_code, response["Location"]) == (HTTPStatus.FOUND, "/admin/")
    assert type(commune).objects.filter(pk=commune.pk).exists()
