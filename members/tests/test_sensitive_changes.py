"""Changes that need the password again (adding an email address, deleting the account):
asked, rate limited, and the account's own address told; a deleted account leaves no photo."""

from html import unescape
from http import HTTPStatus
from io import BytesIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from members.models import User
from members.tests.factories import UserFactory

PASSWORD = "mot-de-passe-de-test"
TOO_MANY = "Trop de tentatives de mot de passe"
WRONG = "Ce mot de passe n'est pas correct"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def account(member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def text_of(response):
    return unescape(response.content.decode())


def add_email(client, email, password=None):
    data = {"action_add": "", "email": email}
    if password is not None:
        data["password"] = password
    return client.post("/comptes/email/", data)


def test_the_add_email_form_asks_for_the_password(client, account):
    client.force_login(account)

    html = client.get("/comptes/email/").content.decode()

    assert 'type="password"' in html and 'name="password"' in html


@pytest.mark.parametrize(("password", "error"), [(None, "Champ requis"), ("faux", WRONG)])
def test_adding_an_email_without_the_right_password_adds_nothing(client, account, password, error):
    client.force_login(account)

    response = add_email(client, "autre@exemple.fr", password)

    assert response.status_code == HTTPStatus.OK
    assert error in text_of(response)
    assert not EmailAddress.objects.filter(email="autre@exemple.fr").exists()
    assert mail.outbox == []


def test_adding_an_email_tells_the_primary_address(client, account):
    client.force_login(account)

    response = add_email(client, "autre@exemple.fr", PASSWORD)

    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.filter(user=account, email="autre@exemple.fr").exists()
    notices = [m for m in mail.outbox if m.to == [account.email]]
    assert len(notices) == 1
    assert "Une adresse électronique a été ajoutée à votre compte" in notices[0].subject
    assert "autre@exemple.fr" in notices[0].body
    assert "http://testserver/comptes/password/change/" in notices[0].body


def test_password_rechecks_are_rate_limited_in_french(client, account):
    client.force_login(account)

    def delete(password):
        return client.post("/membres/moi/supprimer/", {"password": password, "confirm": "on"})

    for _ in range(10):
        assert WRONG in text_of(delete("faux"))
    response = delete(PASSWORD)  # even the right password waits now

    assert response.status_code == HTTPStatus.OK
    assert TOO_MANY in text_of(response)
    assert User.objects.filter(pk=account.pk).exists()


def test_password_guesses_on_the_email_page_count_towards_the_same_limit(client, account):
    client.force_login(account)
    for _ in range(5):
        assert WRONG in text_of(add_email(client, "autre@exemple.fr", "faux"))
    for _ in range(5):
        client.post("/membres/moi/supprimer/", {"password": "faux", "confirm": "on"})

    response = add_email(client, "autre@exemple.fr", PASSWORD)

    assert "Trop de tentatives" in text_of(response)
    assert not EmailAddress.objects.filter(email="autre@exemple.fr").exists()


def with_photo(user):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    user.avatar.save("photo.png", ContentFile(buffer.getvalue()))
    assert default_storage.exists(user.avatar.name)
    return user.avatar.name


def test_deleting_a_user_in_the_admin_deletes_their_photo(
    client, db, django_capture_on_commit_callbacks
):
    admin = User.objects.create_superuser("admin@exemple.fr", PASSWORD)
    person = UserFactory(status=User.Status.APPROVED)
    photo = with_photo(person)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("wagtailusers_users:delete", args=[person.pk]))

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=person.pk).exists()
    assert not default_storage.exists(photo)


def test_deleting_ones_own_account_deletes_the_photo(
    client, account, django_capture_on_commit_callbacks
):
    photo = with_photo(account)
    client.force_login(account)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/membres/moi/supprimer/", {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert not default_storage.exists(photo)
