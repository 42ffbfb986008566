"""The blog's listing, sidebar, post neighbours and related posts kept per reader's rights
(``blog.listing``, the post's kept body: ``blog.post_body``) until the site changes: a visitor never
gets what was computed for a member, and a new post shows at once."""

import datetime
import re

import pytest

from blog.tests.factories import BlogPostPageFactory
from members.permissions import restrict_to_members

pytestmark = [pytest.mark.db_sensitive, pytest.mark.usefixtures("fragment_cache")]


@pytest.fixture
def posts(blog):
    older = BlogPostPageFactory(
        parent=blog, title="Billet ancien", date=datetime.date(2024, 1, 1), tags=["achats"]
    )
    hidden = BlogPostPageFactory(
        parent=blog, title="Billet réservé", date=datetime.date(2024, 2, 1), tags=["achats"]
    )
    restrict_to_members(hidden)
    newer = BlogPostPageFactory(
        parent=blog, title="Billet récent", date=datetime.date(2024, 3, 1), tags=["achats"]
    )
    return older, hidden, newer


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def post_nav(page):
    found = re.search(r'<nav class="post-nav".*?</nav>', page, re.S)
    return re.findall(r'rel="(?:prev|next)">([^<]+)<', found.group(0)) if found else []


def related(page):
    found = re.search(r'<section class="related-posts".*?</section>', page, re.S)
    return re.findall(r'<h3 class="post-card__title"><a [^>]*>([^<]+)<', found.group(0))


def test_visitor_and_member_take_turns_on_the_blog(client, blog, posts, member):
    for _ in range(2):
        visitor = html(client, blog.url)
        assert "Billet réservé" not in visitor
        assert 'href="/blog/2024/">2024</a> <span class="blog-aside__count">(2' in visitor
        client.force_login(member)
        kept = html(client, blog.url)
        assert "Billet réservé" in kept
        assert 'href="/blog/2024/">2024</a> <span class="blog-aside__count">(3' in kept
        client.logout()


def test_neighbours_and_related_posts_follow_the_readers_rights(client, posts, member):
    older, _hidden, newer = posts
    client.force_login(member)
    assert post_nav(html(client, older.url)) == ["Billet réservé →"]
    assert "Billet réservé" in related(html(client, newer.url))
    client.logout()
    assert post_nav(html(client, older.url)) == ["Billet récent →"]
    assert post_nav(html(client, newer.url)) == ["← Billet ancien"]
    assert related(html(client, newer.url)) == ["Billet ancien"]


def test_a_new_post_shows_at_once(client, blog, posts, member):
    older, _hidden, newer = posts
    client.force_login(member)
    for url in (blog.url, older.url, newer.url):
        html(client, url)
    BlogPostPageFactory(
        parent=blog, title="Billet du jour", date=datetime.date(2024, 4, 1), tags=["achats"]
    )
    page = html(client, blog.url)
    assert "Billet du jour" in page
    assert 'href="/blog/2024/">2024</a> <span class="blog-aside__count">(4' in page
    assert post_nav(html(client, newer.url))[-1] == "Billet du jour →"
    assert "Billet du jour" in related(html(client, older.url))
