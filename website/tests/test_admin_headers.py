"""The Wagtail admin under the site's rules: no third party, a Content-Security-Policy."""

from http import HTTPStatus

import pytest

from members.models import User
from members.tests.factories import UserFactory

ADMIN_PATHS = ["/admin/", "/admin/users/", "/admin/account/", "/admin/pages/"]


@pytest.fixture
def admin_client(client, home_page):
    superuser = UserFactory(status=User.Status.APPROVED, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    return client


def admin_pages(client, home_page):
    paths = [*ADMIN_PATHS, f"/admin/pages/{home_page.pk}/edit/"]
    return {path: client.get(path) for path in paths}


@pytest.mark.django_db
def test_no_admin_page_asks_gravatar_for_an_avatar(admin_client, home_page):
    for path, response in admin_pages(admin_client, home_page).items():
        assert response.status_code == HTTPStatus.OK, path
        assert "gravatar" not in response.content.decode().lower(), path


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_admin_pages_send_a_policy_and_the_strict_one_as_report_only(admin_client, home_page):
    for path, response in admin_pages(admin_client, home_page).items():
        enforced = directives(response["Content-Security-Policy"])
        assert enforced["default-src"] == ["'self'"], path
        assert enforced["object-src"] == ["'none'"], path
        assert enforced["frame-ancestors"] == ["'self'"], path
        # Wagtail's inline scripts and styles are allowed, nothing from another origin.
        assert sorted(enforced["script-src"]) == ["'self'", "'unsafe-inline'"], path
        report_only = directives(response["Content-Security-Policy-Report-Only"])
        assert report_only["script-src"] == ["'self'"], path
        assert report_only["style-src"] == ["'self'"], path


@pytest.mark.django_db
def test_public_pages_keep_the_strict_policy_without_report_only(client, home_page):
    response = client.get("/")

    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.django_db
def test_one_process_keeps_each_kind_of_page_to_its_own_policy(admin_client, home_page):
    # The headers are built once per kind of path and kept (core.middleware): a public page
    # read after the admin must not get the admin's looser policy, nor the reverse.
    public, admin, public_again = (admin_client.get(path) for path in ("/", "/admin/", "/"))

    assert directives(public["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert "'unsafe-inline'" in directives(admin["Content-Security-Policy"])["script-src"]
    assert "Content-Security-Policy-Report-Only" in admin
    assert public_again["Content-Security-Policy"] == public["Content-Security-Policy"]
    assert "Content-Security-Policy-Report-Only" not in public_again


@pytest.mark.django_db
def test_a_changed_policy_is_sent_at_the_next_request(client, home_page, settings):
    client.get("/")
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'"]}
    }

    assert directives(client.get("/")["Content-Security-Policy"])["img-src"] == ["'self'"]
