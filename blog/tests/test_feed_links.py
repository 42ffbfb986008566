"""Every feed link of every blog listing leads to a valid feed of that listing."""

import datetime
import xml.etree.ElementTree as ET
from http import HTTPStatus
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from blog.tests.factories import BlogCategoryFactory, BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}


def feed_links(html):
    """The ``href`` of the page's alternate links and of its visible feed links."""
    soup = BeautifulSoup(html, "html.parser")
    alternates = [link["href"] for link in soup.find_all("link", rel="alternate")]
    visible = [a["href"] for a in soup.find_all("a") if "flux/" in a.get("href", "")]
    return alternates, visible


def entry_titles(response):
    root = ET.fromstring(response.content)
    if root.tag == "rss":
        return [item.findtext("title") for item in root.find("channel").findall("item")]
    assert root.tag == f"{ATOM}feed"
    return [entry.findtext(f"{ATOM}title") for entry in root.findall(f"{ATOM}entry")]


@pytest.fixture
def listings(blog, pessac):
    """Each listing's URL and the titles its feeds should hold."""
    category = BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")
    author = UserFactory(status=User.Status.APPROVED, first_name="Alix", last_name="Roy")
    BlogPostPageFactory(
        parent=blog,
        title="Tout",
        categories=[category],
        tags=["diagnostic"],
        structure=pessac,
        authors=[author],
        date=datetime.date(2010, 2, 3),
    )
    BlogPostPageFactory(parent=blog, title="Autre", date=datetime.date(2011, 5, 6))
    everything = ["Autre", "Tout"]
    return {
        "/blog/": everything,
        "/blog/categorie/vie-du-reseau/": ["Tout"],
        "/blog/etiquette/diagnostic/": ["Tout"],
        "/blog/structure/pessac/": ["Tout"],
        f"/blog/auteur/{author.pk}/": everything,
        "/blog/2010/": everything,
        "/blog/2010/02/": everything,
        "/blog/?page=1": everything,
    }


def test_every_feed_link_of_every_listing_leads_to_its_feed(client, listings):
    for url, expected in listings.items():
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        alternates, visible = feed_links(response.content.decode())
        assert len(alternates) == 2, url
        assert sorted(alternates) == sorted(visible), url
        for href in alternates:
            feed = client.get(urljoin("http://testserver" + url, href))
            assert feed.status_code == HTTPStatus.OK, (url, href)
            assert feed["Content-Type"].split(";")[0] in FEED_TYPES, (url, href)
            assert sorted(entry_titles(feed)) == expected, (url, href)


def test_the_tag_feed_holds_the_tagged_public_posts_only(client, blog):
    BlogPostPageFactory(parent=blog, title="Étiqueté", tags=["diagnostic"])
    BlogPostPageFactory(parent=blog, title="Sans étiquette")

    response = client.get("/blog/flux/etiquette/diagnostic/atom/")

    assert entry_titles(response) == ["Étiqueté"]
    assert client.get("/blog/flux/etiquette/inconnue/rss/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/blog/flux/etiquette/diagnostic/json/").status_code == HTTPStatus.NOT_FOUND
