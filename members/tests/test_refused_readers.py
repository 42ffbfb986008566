"""What a browser walk found: a signed-in reader refused by a view restriction gets a 403.

Wagtail answers a failed login or group restriction with a redirect to the login page, and the
login page sends a signed-in person straight back: the browser loops
(ERR_TOO_MANY_REDIRECTS). A signed-in reader who may not read gets a French 403 instead, for
pages and for documents; a visitor still goes to the login page.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from website.tests.factories import StandardPageFactory


@pytest.fixture
def team_group(db):
    return Group.objects.create(name="Équipe de test")


@pytest.fixture
def team_page(home_page, team_group):
    page = StandardPageFactory(parent=home_page, title="Compte rendu", slug="compte-rendu")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([team_group])
    return page


@pytest.fixture
def team_document(team_group):
    collection = Collection.get_first_root_node().add_child(name="Équipe de test")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([team_group])
    document = get_document_model()(title="Compte rendu", collection=collection)
    document.file.save("compte-rendu.pdf", ContentFile(b"%PDF-1.4 confidentiel"), save=False)
    document.save()
    return document


def test_a_member_outside_the_team_gets_a_french_403_for_the_page(client, member, team_page):
    client.force_login(member)

    response = client.get(team_page.url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Vous n'avez pas le droit de voir cette page." in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_a_member_outside_the_team_gets_a_french_403_for_the_document(
    client, member, team_document
):
    client.force_login(member)

    response = client.get(team_document.url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "confidentiel" not in response.content.decode()
    assert "Vous n'avez pas le droit de voir cette page." in response.content.decode()


def test_a_pending_account_is_told_it_awaits_approval(client, pending_user, members_page):
    client.force_login(pending_user)

    response = client.get(members_page.url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Votre compte attend l'approbation de la coordination" in response.content.decode()


def test_the_team_reads_the_page_and_the_document(
    client, member, team_group, team_page, team_document
):
    member.groups.add(team_group)
    client.force_login(member)

    assert client.get(team_page.url).status_code == HTTPStatus.OK
    response = client.get(team_document.url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == b"%PDF-1.4 confidentiel"


def test_a_visitor_still_goes_to_the_login_page(client, team_page, team_document):
    for url in (team_page.url, team_document.url):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/comptes/login/?next=")
