"""Pages found by routing, remembered by each process until the site changes (issue 14 "Fast",
``core.site_cache.remember_page``): a warm view of a post, a section or a structure's page reads
no page row, any edit is seen at the next view, and a request's copy is its own.

The fragment cache is on here (as in production): see ``core/tests/test_request_costs.py``.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogPostPageFactory
from core import site_cache

pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py

PAGE_TABLES = ("wagtailcore_page", "blog_blogpostpage", "blog_blogindexpage", "knowledge_structure")


def page_queries(client, url):
    """The SQL reading pages in the second view of ``url`` (the first fills what is kept)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200  # noqa: PLR2004
    return [q["sql"] for q in captured if any(table in q["sql"] for table in PAGE_TABLES)]


@pytest.fixture
def post(blog):
    return BlogPostPageFactory(parent=blog, title="Des repas bio à la cantine", slug="repas")


def test_a_warm_post_view_reads_no_page(client, member, post):
    client.force_login(member)

    assert page_queries(client, post.url) == []


def test_a_warm_structure_page_reads_no_page(client, member, pessac):
    client.force_login(member)

    assert page_queries(client, pessac.url) == []


def test_a_published_change_is_seen_at_the_next_view(client, post):
    assert "Des repas bio" in client.get(post.url).content.decode()

    post.title = "Des repas locaux à la cantine"
    post.save_revision().publish()

    assert "Des repas locaux" in client.get(post.url).content.decode()


def test_a_structures_published_change_is_seen_by_a_member_at_the_next_view(client, member, pessac):
    client.force_login(member)
    assert "<h1>Pessac</h1>" in client.get(pessac.url).content.decode()

    pessac.title = "Ville de Pessac"
    pessac.save_revision().publish()

    assert "<h1>Ville de Pessac</h1>" in client.get(pessac.url).content.decode()


def test_an_unpublished_post_is_gone_at_the_next_view(client, post):
    assert client.get(post.url).status_code == 200  # noqa: PLR2004

    post.unpublish()

    assert client.get(post.url).status_code == 404  # noqa: PLR2004


def test_a_post_made_private_is_closed_to_visitors_at_the_next_view(client, member, post):
    client.force_login(member)
    client.get(post.url)
    client.logout()

    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(post.url)
    assert response.status_code == 302  # noqa: PLR2004
    assert "/comptes/login/" in response["Location"]


# The store --------------------------------------------------------------------------------------


def test_each_request_gets_its_own_copy_and_the_page_is_read_once(rf, post):
    loads = []

    def load():
        loads.append(1)
        return type(post).objects.get(pk=post.pk)

    first = site_cache.remember_page("repas", load, rf.get("/"))
    first.title = "Changé par une requête"
    first.marked = True
    again = site_cache.remember_page("repas", load, rf.get("/"))

    assert again.title == "Des repas bio à la cantine"
    assert not hasattr(again, "marked")
    assert len(loads) == 1


def test_a_page_that_does_not_exist_is_not_kept(rf, db):
    loads = []

    def load():
        loads.append(1)

    for _ in range(2):
        assert site_cache.remember_page("nulle-part", load, rf.get("/")) is None
    assert len(loads) == 2  # noqa: PLR2004


def test_pages_are_bounded_and_never_push_other_remembered_values_out(rf, blog, monkeypatch):
    monkeypatch.setattr(site_cache, "PAGES_REMEMBERED_MAX", 2)
    posts = [BlogPostPageFactory(parent=blog) for _ in range(3)]
    site_cache.remember("menu", lambda: "MENU")
    loads = []

    def view(page):
        def load():
            loads.append(page.pk)
            return page

        return site_cache.remember_page(("child", page.pk), load, rf.get("/"))

    for page in [*posts, posts[2], posts[0]]:
        view(page)

    # The third pushed the first out; the first came back and pushed the second out.
    assert loads == [posts[0].pk, posts[1].pk, posts[2].pk, posts[0].pk]
    assert len(site_cache._pages.values) == 2  # noqa: PLR2004
    assert site_cache.remember("menu", lambda: "RECOMPUTED") == "MENU"
