"""Menu, footer links and breadcrumbs, built from one read of the top of the tree per request."""

import html as entities
import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogPostPageFactory
from members.models import MEMBERS_GROUP
from website.tests.factories import StandardPageFactory


def section(html, label):
    """The links (text) of the ``<nav>`` labelled ``label``."""
    nav = html.split(f'aria-label="{label}"')[1].split("</nav>")[0]
    return [
        entities.unescape(text) for text in re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', nav)
    ]


def restrict(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=MEMBERS_GROUP)])


@pytest.fixture
def tree(home_page, blog):
    about = StandardPageFactory(parent=home_page, title="À propos", show_in_menus=True)
    team = StandardPageFactory(parent=about, title="L'équipe")
    history = StandardPageFactory(parent=team, title="Historique")
    private = StandardPageFactory(parent=home_page, title="Coulisses", show_in_menus=True)
    restrict(private)
    StandardPageFactory(parent=home_page, title="Mentions légales")
    hidden = StandardPageFactory(parent=home_page, title="Notes internes")
    restrict(hidden)
    blog.show_in_menus = True
    blog.save()
    post = BlogPostPageFactory(parent=blog, title="Un article")
    return {"about": about, "team": team, "history": history, "post": post}


def test_menu_and_footer_leave_out_what_the_reader_may_not_read(client, member, tree):
    html = client.get("/").content.decode()
    assert section(html, "Menu principal") == ["Accueil", "Blog", "À propos"]
    assert "Mentions légales" in section(html, "Pied de page")
    assert "Notes internes" not in section(html, "Pied de page")

    client.force_login(member)
    html = client.get("/").content.decode()
    assert section(html, "Menu principal") == ["Accueil", "Blog", "À propos", "Coulisses"]
    # The footer lists the pages anyone may read: a members-only one stays out of it.
    assert "Notes internes" not in section(html, "Pied de page")


@pytest.mark.parametrize(
    ("name", "trail"),
    [
        ("about", ["Accueil"]),
        ("post", ["Accueil", "Blog"]),
        ("team", ["Accueil", "À propos"]),
        ("history", ["Accueil", "À propos", "L'équipe"]),
    ],
)
def test_breadcrumbs_lead_from_the_home_page_to_the_page(client, tree, name, trail):
    html = client.get(tree[name].url).content.decode()
    assert section(html, "Vous êtes ici") == trail
    assert f'<span aria-current="page">{tree[name].title}</span>' in entities.unescape(html)


def test_breadcrumbs_of_a_page_under_an_unpublished_section_still_show_it(client, tree):
    about = tree["about"]
    about.live = False
    about.save()
    html = client.get(tree["team"].url).content.decode()
    assert section(html, "Vous êtes ici") == ["Accueil", "À propos"]
