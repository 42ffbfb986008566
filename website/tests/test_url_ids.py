"""Ids and dates in URLs: a number too large for the database is a 404, never a 500."""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings

from blog.tests.factories import BlogIndexPageFactory
from members.models import User
from members.tests.factories import UserFactory

HUGE = "9" * 25  # SQLite's integers stop at 19 digits; Python's int does not

# Every project URL with a number in it, the number replaced by HUGE.
PROJECT_URLS = [
    f"/membres/{HUGE}/",
    f"/membres/moi/abonnements/{HUGE}/",
    f"/membres/moi/abonnements/{HUGE}/arreter/",
    f"/commentaires/article/{HUGE}/",
    f"/commentaires/{HUGE}/repondre/",
    f"/commentaires/{HUGE}/modifier/",
    f"/commentaires/{HUGE}/supprimer/",
    f"/commentaires/{HUGE}/signaler/",
    f"/commentaires/{HUGE}/masquer/",
    f"/admin/inscriptions/{HUGE}/approuver/",
    f"/blog/auteur/{HUGE}/",
    f"/blog/{HUGE}/",
    f"/blog/2010/{HUGE}/",
    f"/blog/{HUGE}/{HUGE}/",
    f"/documents/{HUGE}/compte-rendu.pdf",
]


@pytest.fixture
def coordinator_client(client, home_page, coordinator):
    BlogIndexPageFactory(parent=home_page, slug="blog")
    coordinator.is_superuser = True
    coordinator.save()
    client.force_login(coordinator)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", PROJECT_URLS)
def test_a_25_digit_number_in_a_url_is_not_found(coordinator_client, url):
    for method in (coordinator_client.get, coordinator_client.post):
        response = method(url)

        assert response.status_code == HTTPStatus.NOT_FOUND, (method.__name__, url)


@pytest.mark.django_db
def test_a_visitor_gets_404_too(client, home_page):
    BlogIndexPageFactory(parent=home_page, slug="blog")
    UserFactory(status=User.Status.APPROVED)

    assert client.get(f"/blog/auteur/{HUGE}/").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/blog/{HUGE}/").status_code == HTTPStatus.NOT_FOUND


def test_no_project_url_takes_an_unbounded_integer():
    """Every route of the project's own (urls.py files and routable pages) bounds its numbers."""
    root = Path(settings.BASE_DIR)
    unbounded = [
        f"{source.relative_to(root)}: {line.strip()}"
        for app in ("core", "knowledge", "members", "blog", "follows", "search", "website")
        for source in (root / app).rglob("*.py")
        if "tests" not in source.parts
        for line in source.read_text().splitlines()
        if "<int:" in line
    ]

    assert unbounded == []
