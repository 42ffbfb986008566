"""Accounts awaiting approval, or refused: told where they stand, answered 403 (never sent to
the login page in a loop) by every members-only address, whatever restriction guards it."""

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from knowledge.tests.factories import StructureIndexPageFactory
from members.models import User
from members.tests.factories import UserFactory
from website.tests.factories import StandardPageFactory

PASSWORD = "mot-de-passe-de-test"
PENDING_TEXT = "Votre compte attend l'approbation"
REFUSED_TEXT = "Votre compte n'a pas été approuvé"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def refused_user(db):
    return UserFactory(status=User.Status.REFUSED)


@pytest.fixture
def login_only_page(home_page):
    """A page under Wagtail's "private, for logged-in users" option."""
    page = StandardPageFactory(parent=home_page, title="Réservé", slug="reserve-connectes")
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    return page


@pytest.fixture
def login_only_document(db):
    """A document in a collection under Wagtail's "private, for logged-in users" option."""
    collection = Collection.get_first_root_node().add_child(name="Connectés")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = get_document_model()(title="Note aux connectés", collection=collection)
    document.file.save("note.txt", ContentFile(b"confidentiel"), save=False)
    document.save()
    return document


def html_of(response):
    return response.content.decode()


@pytest.mark.parametrize(
    ("who", "explanation"), [("pending_user", PENDING_TEXT), ("refused_user", REFUSED_TEXT)]
)
def test_members_area_answers_an_unapproved_account_with_an_explanation(
    client, request, members_page, who, explanation
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(members_page.url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert explanation in html_of(response)
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("who", ["pending_user", "refused_user"])
def test_logging_in_again_towards_the_members_area_does_not_loop(
    client, request, members_page, who
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(f"/comptes/login/?next={members_page.url}", follow=True)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert len(response.redirect_chain) <= 1


def test_members_area_still_sends_visitors_to_the_login_page(client, members_page):
    response = client.get(members_page.url)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/?next=")


def test_members_area_opens_for_an_approved_member(client, member, members_page):
    client.force_login(member)

    assert client.get(members_page.url).status_code == HTTPStatus.OK


def test_members_only_document_answers_an_unapproved_account_with_an_explanation(
    client, pending_user, member, members_document
):
    client.force_login(pending_user)

    response = client.get(members_document.url)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert PENDING_TEXT in html_of(response)
    client.force_login(member)
    assert client.get(members_document.url).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "url", ["/membres/", "/structures/tableau-de-bord/", "/membres/moi/abonnements/"]
)
def test_every_members_only_address_explains_to_a_pending_account(
    client, home_page, pending_user, url
):
    StructureIndexPageFactory(parent=home_page, slug="structures")
    client.force_login(pending_user)

    response = client.get(url)

    if response.status_code == HTTPStatus.OK:  # follows' page stays open: it lists nothing
        assert PENDING_TEXT in html_of(response)
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert PENDING_TEXT in html_of(response)


def test_logged_in_users_option_means_approved_members_for_pages(
    client, pending_user, refused_user, member, coordinator, login_only_page
):
    for outsider in (pending_user, refused_user):
        client.force_login(outsider)
        assert client.get(login_only_page.url).status_code == HTTPStatus.FORBIDDEN
    for insider in (member, coordinator):
        client.force_login(insider)
        assert client.get(login_only_page.url).status_code == HTTPStatus.OK


def test_logged_in_users_option_means_approved_members_for_documents(
    client, pending_user, refused_user, member, login_only_document
):
    for outsider in (pending_user, refused_user):
        client.force_login(outsider)
        response = client.get(login_only_document.url)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert b"confidentiel" not in response.content
    client.force_login(member)
    response = client.get(login_only_document.url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == b"confidentiel"


def verified(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.mark.parametrize(
    ("who", "explanation"),
    [("pending_user", "attend l'approbation"), ("refused_user", "n'a pas approuvé")],
)
def test_every_login_until_approval_says_where_the_account_stands(
    client, request, who, explanation
):
    user = verified(request.getfixturevalue(who))

    response = client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/membres/moi/"
    assert any(explanation in str(m) for m in get_messages(response.wsgi_request))


def test_an_approved_member_logs_in_without_the_warning(client, member):
    verified(member)

    response = client.post("/comptes/login/", {"login": member.email, "password": PASSWORD})

    assert response["Location"] == "/"
    assert not any("approbation" in str(m) for m in get_messages(response.wsgi_request))


def test_account_page_explains_the_wait(client, pending_user):
    client.force_login(pending_user)

    html = html_of(client.get("/membres/moi/"))

    assert PENDING_TEXT in html
    assert "recevrez un courriel" in html


def test_confirming_the_email_lands_on_the_explanation(client, db):
    client.post(
        "/comptes/signup/",
        {
            "email": "nouveau@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "Nouveau",
            "last_name": "Venu",
        },
    )
    key_path = re.search(r"http://testserver(/comptes/confirm-email/\S+/)", mail.outbox[-1].body)

    response = client.post(key_path.group(1), follow=True)

    assert response.redirect_chain[-1][0] == "/membres/moi/"
    html = html_of(response)
    assert PENDING_TEXT in html
    assert "attend l'approbation de la coordination" in html
