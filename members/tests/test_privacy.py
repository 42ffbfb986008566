import json
from http import HTTPStatus

from allauth.account.models import EmailAddress

from members.models import Membership, User
from website.tests.factories import StandardPageFactory


def test_member_downloads_everything_the_site_holds_about_them(client, pessac_referent, home_page):
    page = StandardPageFactory(parent=home_page, owner=pessac_referent, title="Mon article")
    client.force_login(pessac_referent)

    response = client.get("/membres/moi/donnees/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == pessac_referent.email
    assert data["memberships"][0]["structure"] == "Pessac"
    assert {"title": page.title, "url": page.url_path, "live": True} in data["pages_owned"]


def test_data_export_needs_a_login(client, db):
    response = client.get("/membres/moi/donnees/")

    assert response.status_code == HTTPStatus.FOUND


def test_deleting_an_account_keeps_pages_without_their_author(client, pessac_referent, home_page):
    page = StandardPageFactory(parent=home_page, owner=pessac_referent)
    client.force_login(pessac_referent)
    pk = pessac_referent.pk

    response = client.post(
        "/membres/moi/supprimer/", {"password": "mot-de-passe-de-test", "confirm": "on"}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=pk).exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    assert not EmailAddress.objects.filter(user_id=pk).exists()
    page.refresh_from_db()
    assert page.owner is None and page.live
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_deletes_nothing(client, member):
    client.force_login(member)

    response = client.post("/membres/moi/supprimer/", {"password": "faux", "confirm": "on"})

    assert response.status_code == HTTPStatus.OK
    assert User.objects.filter(pk=member.pk).exists()
