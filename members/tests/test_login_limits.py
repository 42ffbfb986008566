"""Failed-login limits behind the reverse proxy (security review S1 and F11).

The production settings trust one proxy (``ALLAUTH_TRUSTED_PROXY_COUNT``): the client's address
is the last one in X-Forwarded-For, the one the proxy appended; whatever the client wrote before
it is never read. Every request below reaches the site from the proxy's own address.
"""

import os
import subprocess
import sys
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from members.models import User

PASSWORD = "mot-de-passe-de-test"
PROXY = "10.0.0.2"
TOO_MANY = "Trop de tentatives de connexion échouées"

behind_one_proxy = override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def owner(db):
    user = User.objects.create_user("membre@exemple.fr", PASSWORD, status=User.Status.APPROVED)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def log_in(client, email, password, forwarded_for):
    """A login through the proxy: it appends the address it saw to X-Forwarded-For."""
    client.logout()
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def logged_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def trusted_proxy_count(settings_module, **environ):
    """ALLAUTH_TRUSTED_PROXY_COUNT as ``settings_module`` reads it from ``environ``."""
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "a-long-production-secret-key-for-the-check-only-0123456789abcdefghij",
        "ALLOWED_HOSTS": "raa.exemple.fr",
        "SITE_URL": "https://raa.exemple.fr",
        "DATABASE_URL": "sqlite:////tmp/raa-check-only.sqlite3",
        **environ,
    }
    code = f"import {settings_module} as s; print(s.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return int(result.stdout)


def test_the_trusted_proxy_count_is_0_in_development_and_read_from_the_environment():
    assert trusted_proxy_count("website.settings.dev") == 0, "make run: X-Forwarded-For ignored"
    assert trusted_proxy_count("website.settings.production") == 1, "one documented proxy"
    assert trusted_proxy_count("website.settings.production", ALLAUTH_TRUSTED_PROXY_COUNT="2") == 2


@behind_one_proxy
def test_an_attacker_rotating_x_forwarded_for_does_not_lock_the_owner_out(client, owner):
    # What the review did: varied addresses written by the client, one real address.
    for number in range(12):
        log_in(client, owner.email, "pas-le-bon", f"198.51.100.{number}, 203.0.113.66")

    log_in(client, owner.email, PASSWORD, "192.0.2.10")

    assert logged_in(client, owner)


@behind_one_proxy
def test_failures_from_one_address_do_not_lock_the_account_for_others(client, owner):
    for _attempt in range(6):
        log_in(client, owner.email, "pas-le-bon", "203.0.113.66")

    response = log_in(client, owner.email, PASSWORD, "192.0.2.10")

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client, owner)


@behind_one_proxy
def test_an_address_that_fails_too_often_on_an_account_is_slowed_down(client, owner):
    for _attempt in range(5):
        assert log_in(client, owner.email, "pas-le-bon", "203.0.113.66").status_code == 200

    response = log_in(client, owner.email, PASSWORD, "203.0.113.66")

    assert TOO_MANY in response.content.decode()
    assert not logged_in(client, owner)


@behind_one_proxy
def test_an_address_that_fails_on_many_accounts_is_slowed_down(client, owner):
    for number in range(10):
        log_in(client, f"inconnue{number}@exemple.fr", "pas-le-bon", "203.0.113.66")

    response = log_in(client, owner.email, PASSWORD, "203.0.113.66")

    assert TOO_MANY in response.content.decode()
    assert not logged_in(client, owner)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, owner):
    """``make run``: a client cannot escape the limit by writing X-Forwarded-For itself."""
    for number in range(5):
        log_in(client, owner.email, "pas-le-bon", f"198.51.100.{number}")

    response = log_in(client, owner.email, PASSWORD, "198.51.100.99")

    assert TOO_MANY in response.content.decode()


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_header_shorter_than_the_proxy_count_is_no_server_error(client, owner):
    response = log_in(client, owner.email, PASSWORD, "192.0.2.10")

    assert response.status_code == HTTPStatus.FOUND
    assert logged_in(client, owner)


@behind_one_proxy
def test_a_garbage_forwarded_address_is_refused_without_server_error(client, owner):
    response = log_in(client, owner.email, PASSWORD, "pas-une-adresse")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not logged_in(client, owner)
