"""A structure team does not see the titles of other teams' drafts in the admin: explorer,
page choosers, admin search. Coordinators see every draft."""

from http import HTTPStatus

import pytest

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import Membership, User
from members.tests.factories import UserFactory

SECRET = "Brouillon secret du Haillan"


@pytest.fixture
def setup(home_page):
    blog = BlogIndexPageFactory(parent=home_page)
    directory = StructureIndexPageFactory(parent=home_page)
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    referent = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=referent, structure=pessac, role=Membership.Role.STAFF_REFERENT)
    neighbour = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(
        user=neighbour, structure=haillan, role=Membership.Role.STAFF_REFERENT
    )
    BlogPostPageFactory(
        parent=blog, title=SECRET, slug="secret", structure=haillan, live=False, owner=neighbour
    )
    BlogPostPageFactory(
        parent=blog,
        title="Brouillon de Pessac",
        slug="pessac-brouillon",
        structure=pessac,
        live=False,
        owner=neighbour,
    )
    BlogPostPageFactory(parent=blog, title="Brouillon publié", slug="publie", structure=haillan)
    return blog, referent


def admin_pages(client, blog):
    urls = [
        f"/admin/pages/{blog.pk}/",
        f"/admin/pages/{blog.pk}/?q=Brouillon",
        "/admin/pages/search/?q=Brouillon",
        "/admin/pages/search/results/?q=Brouillon",
        f"/admin/choose-page/{blog.pk}/",
        "/admin/choose-page/search/?q=Brouillon",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        is_json = response["Content-Type"].startswith("application/json")
        pages[url] = response.json()["html"] if is_json else response.content.decode()
    return pages


def test_a_team_sees_its_own_drafts_and_live_posts_not_other_teams_drafts(client, setup):
    blog, referent = setup
    client.force_login(referent)

    for url, html in admin_pages(client, blog).items():
        assert SECRET not in html, url
        assert "Brouillon publié" in html, url
    assert "Brouillon de Pessac" in admin_pages(client, blog)[f"/admin/pages/{blog.pk}/"]


def test_coordinators_see_every_draft(client, setup, coordinator):
    blog, _referent = setup
    coordinator.is_staff = True
    coordinator.save()
    client.force_login(coordinator)

    for url, html in admin_pages(client, blog).items():
        assert SECRET in html, url
