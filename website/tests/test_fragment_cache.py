"""What every page view reads and only an edit changes, kept between requests
(core.site_cache, core.fragments): the view restrictions, the menu's pages, the home page's
lists. Never shown to someone with fewer rights than whoever it was rendered for, and
recomputed on the first view after a change.

The cache is on here (it is off for the other tests). Each test's data is rolled back at its
end, which sends no signal: the caches are emptied around each test. Inside a transaction
nothing is kept (what was read may be rolled back); tests run inside one, so they let the
cache believe it is not.
"""

import html as entities
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogPostPageFactory
from core import fragments, site_cache
from members.models import MEMBERS_GROUP
from website.tests.factories import StandardPageFactory

pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py


def links(html, label):
    """The links (text) of the ``<nav>`` labelled ``label``."""
    nav = html.split(f'aria-label="{label}"')[1].split("</nav>")[0]
    return [
        entities.unescape(text) for text in re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', nav)
    ]


def menu(client):
    return links(client.get("/").content.decode(), "Menu principal")


def members_only(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=MEMBERS_GROUP)])


@pytest.fixture
def backstage(home_page):
    StandardPageFactory(parent=home_page, title="À propos", show_in_menus=True)
    page = StandardPageFactory(parent=home_page, title="Coulisses", show_in_menus=True)
    members_only(page)
    return page


def test_visitor_and_member_take_turns_each_sees_their_own_menu(client, member, backstage):
    assert menu(client) == ["Accueil", "À propos"]
    client.force_login(member)
    assert menu(client) == ["Accueil", "À propos", "Coulisses"]
    client.logout()
    assert menu(client) == ["Accueil", "À propos"]  # not the member's menu, kept just before
    client.force_login(member)
    assert menu(client) == ["Accueil", "À propos", "Coulisses"]


def test_a_members_only_page_added_or_unpublished_shows_on_the_next_view(
    client, member, home_page, backstage
):
    client.force_login(member)
    assert menu(client) == ["Accueil", "À propos", "Coulisses"]

    added = StandardPageFactory(parent=home_page, title="Réservé", show_in_menus=True)
    members_only(added)
    assert menu(client) == ["Accueil", "À propos", "Coulisses", "Réservé"]

    backstage.unpublish()
    assert menu(client) == ["Accueil", "À propos", "Réservé"]
    client.logout()
    assert menu(client) == ["Accueil", "À propos"]


def test_a_restriction_added_applies_on_the_next_view(client, blog):
    post = BlogPostPageFactory(parent=blog, title="Bilan carbone des achats")
    assert "Bilan carbone des achats" in client.get("/blog/").content.decode()

    members_only(post)

    assert "Bilan carbone des achats" not in client.get("/blog/").content.decode()


def latest_posts(html):
    section = html.split('id="posts-title"')[1].split("</section>")[0]
    return re.findall(r'class="post-card__title"><a href="[^"]+">([^<]+)</a>', section)


@pytest.fixture
def posts(blog):
    BlogPostPageFactory(parent=blog, title="Ouvert à tous")
    private = BlogPostPageFactory(parent=blog, title="Entre membres")
    members_only(private)
    return private


def test_the_home_page_lists_are_rendered_for_each_readers_rights(
    client, member, coordinator, posts
):
    def home():
        return latest_posts(client.get("/").content.decode())

    assert home() == ["Ouvert à tous"]
    client.force_login(member)
    assert sorted(home()) == ["Entre membres", "Ouvert à tous"]
    client.logout()
    assert home() == ["Ouvert à tous"]  # the member's copy is not the visitor's
    client.force_login(coordinator)
    assert sorted(home()) == ["Entre membres", "Ouvert à tous"]

    posts.unpublish()
    assert home() == ["Ouvert à tous"]  # every copy is stale after a change


def test_the_home_page_from_the_cache_is_the_page_rendered_afresh(client, member, posts, settings):
    client.force_login(member)
    settings.RAA_FRAGMENT_CACHE = False
    fresh = client.get("/").content.decode()
    settings.RAA_FRAGMENT_CACHE = True
    client.get("/")

    with CaptureQueriesContext(connection) as again:
        kept = client.get("/").content.decode()

    assert kept == fresh
    assert len(again) <= 3  # session, user, groups: no site, permission, listing, restriction


def test_readers_with_other_groups_never_share_a_fragment(member, coordinator, user, db):
    factory = RequestFactory()

    def audience(who):
        request = factory.get("/")
        request.user = who
        return fragments.audience(request)

    from django.contrib.auth.models import AnonymousUser

    seen = {audience(AnonymousUser()), audience(user), audience(member), audience(coordinator)}
    assert len(seen) == 4


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("in_transaction", lambda: True),  # what was read may be rolled back
        ("generation", lambda: None),  # Redis unreachable: nobody could tell of a change
    ],
)
def test_nothing_is_kept_when_a_change_could_go_unseen(
    client, member, backstage, monkeypatch, name, value
):
    monkeypatch.setattr(site_cache, name, value)
    client.force_login(member)
    client.get("/")

    with CaptureQueriesContext(connection) as again:
        html = client.get("/").content.decode()

    assert any("wagtailcore_pageviewrestriction" in query["sql"] for query in again)
    assert "Coulisses" in html


def test_a_fragment_with_a_form_token_is_never_kept(rf, db, home_page):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template(
        '{% load fragment_tags %}{% fragment "form" %}{{ n }}{% if with_form %}'
        "{% csrf_token %}{% endif %}{% endfragment %}"
    )

    def render(n, with_form):
        request = rf.get("/")
        request.user = AnonymousUser()
        context = Context({"request": request, "n": n, "with_form": with_form, "csrf_token": "t"})
        return template.render(context)

    assert "csrfmiddlewaretoken" in render(1, with_form=True)
    assert render(2, with_form=False) == "2"  # the form was not kept...
    assert render(3, with_form=False) == "2"  # ...a fragment without one is


def test_a_process_remembers_a_bounded_number_of_values(db, monkeypatch):
    monkeypatch.setattr(site_cache, "request_generation", lambda request=None: 7)
    monkeypatch.setattr(site_cache, "REMEMBERED_MAX", 3)
    computed = []

    def value(name):
        return site_cache.remember(name, lambda: computed.append(name) or name.upper())

    for name in ("visiteur", "membres", "coordination", "equipe-pessac"):
        assert value(name) == name.upper()
    assert value("membres") == "MEMBRES"  # still kept: used after the oldest
    assert value("visiteur") == "VISITEUR"  # the least recently used was dropped: computed again

    assert computed == ["visiteur", "membres", "coordination", "equipe-pessac", "visiteur"]
    assert len(site_cache._remembered) == 3
