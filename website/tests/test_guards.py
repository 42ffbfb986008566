"""Guards that a deliberate mutation once slipped past: what the home page, the menus and an
event page show to someone who may not read members-only content.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

from http import HTTPStatus

import pytest

from blog.tests.factories import BlogPostPageFactory
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.permissions import restrict_to_members
from website.tests.factories import EventIndexPageFactory, EventPageFactory, StandardPageFactory


@pytest.fixture
def posts(blog):
    BlogPostPageFactory(parent=blog, title="Article ouvert à tous")
    restrict_to_members(BlogPostPageFactory(parent=blog, title="Article réservé aux membres"))


@pytest.mark.parametrize("who", [None, "pending_user"])
def test_home_page_latest_posts_leave_out_members_only_posts(client, request, posts, who):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get("/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Article ouvert à tous" in html
    assert "Article réservé aux membres" not in html


def test_home_page_latest_posts_show_members_only_posts_to_members(client, posts, member):
    client.force_login(member)

    html = client.get("/").content.decode()

    assert "Article ouvert à tous" in html
    assert "Article réservé aux membres" in html


@pytest.mark.parametrize("who", [None, "pending_user"])
def test_header_menu_leaves_out_members_only_sections(client, request, home_page, who):
    StandardPageFactory(parent=home_page, title="À propos", slug="a-propos", show_in_menus=True)
    restrict_to_members(
        StandardPageFactory(
            parent=home_page, title="Espace membres", slug="espace-membres", show_in_menus=True
        )
    )
    if who:
        client.force_login(request.getfixturevalue(who))

    html = client.get("/").content.decode()

    assert 'href="/a-propos/"' in html
    assert 'href="/espace-membres/"' not in html


def test_header_menu_shows_members_only_sections_to_members(client, home_page, member):
    restrict_to_members(
        StandardPageFactory(
            parent=home_page, title="Espace membres", slug="espace-membres", show_in_menus=True
        )
    )
    client.force_login(member)

    assert 'href="/espace-membres/"' in client.get("/").content.decode()


def test_footer_leaves_out_members_only_pages(client, home_page):
    StandardPageFactory(parent=home_page, title="Mentions légales", slug="mentions-legales")
    restrict_to_members(
        StandardPageFactory(parent=home_page, title="Note interne", slug="note-interne")
    )

    html = client.get("/").content.decode()

    assert 'href="/mentions-legales/"' in html
    assert 'href="/note-interne/"' not in html


def test_event_page_leaves_out_members_only_structures_and_posts(client, home_page, blog):
    directory = StructureIndexPageFactory(parent=home_page)
    public = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    hidden = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    restrict_to_members(hidden)
    post = BlogPostPageFactory(parent=blog, title="Compte rendu public")
    secret = BlogPostPageFactory(parent=blog, title="Compte rendu réservé")
    restrict_to_members(secret)
    agenda = EventIndexPageFactory(parent=home_page)
    event = EventPageFactory(
        parent=agenda,
        slug="rencontre",
        structures=[public, hidden],
        related_posts=[post, secret],
    )

    html = client.get(event.url).content.decode()

    assert "Pessac" in html and "Compte rendu public" in html
    assert "Le Haillan" not in html and "Compte rendu réservé" not in html
