import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError

from members.models import User


@pytest.mark.django_db
def test_email_is_the_login_and_is_stored_lowercase():
    user = User.objects.create_user("Camille.Dupont@Exemple.FR", "un-mot-de-passe-solide")

    assert user.email == "camille.dupont@exemple.fr"
    assert (
        authenticate(email="camille.dupont@exemple.fr", password="un-mot-de-passe-solide") == user
    )
    assert not hasattr(user, "username") or user.username is None


@pytest.mark.django_db
def test_an_email_address_belongs_to_one_account():
    User.objects.create_user("a@exemple.fr", "x")

    with pytest.raises(IntegrityError):  # Django's class, whatever the database's
        User.objects.create_user("A@exemple.fr", "y")


@pytest.mark.django_db
def test_superuser_command_needs_no_username():
    admin = User.objects.create_superuser("admin@exemple.fr", "x")

    assert admin.is_staff and admin.is_superuser and admin.is_coordinator
    assert admin.email not in str(admin), "names shown on the site never reveal the address"
