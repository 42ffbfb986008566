"""The home page's structures: a handful, the most recently updated, and the way to them all
(issue 14: the home page listed every structure, 229 cards on the large benchmark site)."""

import datetime
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from website.models import HOME_STRUCTURES

EPOCH = timezone.make_aware(datetime.datetime(2010, 1, 1))


@pytest.fixture
def directory(home_page):
    return StructureIndexPageFactory(parent=home_page)


def add_structures(directory, count, start=0):
    """``count`` structures, each published a day after the one before."""
    made = []
    for number in range(start, start + count):
        structure = StructurePageFactory(
            parent=directory, title=f"Structure {number:03d}", slug=f"structure-{number:03d}"
        )
        published = EPOCH + datetime.timedelta(days=number)
        Page.objects.filter(pk=structure.pk).update(last_published_at=published)
        made.append(structure)
    return made


def home_structures(client):
    """The home page's structures section, as the reader sees it."""
    response = client.get("/")
    assert response.status_code == HTTPStatus.OK
    html = unescape(response.content.decode())
    return html.split('class="home-structures"')[1].split("</section>")[0]


def card_links(section):
    return re.findall(r'<h3 class="card__title"><a href="([^"]+)"', section)


def test_home_shows_the_latest_updated_structures_and_links_to_them_all(client, directory):
    structures = add_structures(directory, HOME_STRUCTURES + 3)

    section = home_structures(client)

    newest_first = [structure.url for structure in reversed(structures)]
    assert card_links(section) == newest_first[:HOME_STRUCTURES]
    assert f'<a href="/structures/">Voir les {HOME_STRUCTURES + 3} structures</a>' in section
    assert 'href="/structures/#directory-map-heading"' in section


def test_home_neither_shows_nor_counts_a_members_only_structure(client, member, directory):
    *public, hidden = add_structures(directory, 3)
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    visitor = home_structures(client)
    client.force_login(member)
    as_member = home_structures(client)

    for section in (visitor, as_member):  # the directory lists public structures only, too
        assert hidden.url not in section
        assert card_links(section) == [public[1].url, public[0].url]
        assert "Voir les 2 structures" in section


def test_home_without_structures_says_so_and_offers_no_link(client, directory):
    section = home_structures(client)

    assert "Aucune structure n'a encore été publiée." in section
    assert 'href="/structures/"' not in section


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_home_queries_do_not_grow_with_structures(client, member, directory, reader):
    if reader == "member":
        client.force_login(member)
    add_structures(directory, 2)
    client.get("/")  # per-process caches warmed (site, content types)
    with CaptureQueriesContext(connection) as few:
        home_structures(client)

    add_structures(directory, 3 * HOME_STRUCTURES, start=2)
    with CaptureQueriesContext(connection) as many:
        section = home_structures(client)

    assert len(many) == len(few)
    assert len(card_links(section)) == HOME_STRUCTURES


def test_a_members_only_directory_leaves_the_visitor_neither_cards_nor_link(client, directory):
    add_structures(directory, 2)
    PageViewRestriction.objects.create(page=directory, restriction_type=PageViewRestriction.LOGIN)

    section = home_structures(client)

    assert card_links(section) == []
    assert 'href="/structures/"' not in section
