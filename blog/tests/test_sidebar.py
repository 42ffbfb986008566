"""The blog's sidebar: categories, the most used tags, archives by year and authors, counted on
the posts the reader may see, on the blog and on each post."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.sidebar import TAG_LIMIT
from blog.tests.factories import BlogCategoryFactory, BlogPostPageFactory
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory

pytestmark = pytest.mark.db_sensitive


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # visitors' pages are cached
    yield
    cache.clear()


def approved(name, visibility=User.Visibility.PUBLIC):
    return UserFactory(
        status=User.Status.APPROVED, display_name=name, profile_visibility=visibility
    )


def aside(response):
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    return " ".join(re.search(r'<aside class="blog-aside".*?</aside>', html, re.S).group(0).split())


@pytest.fixture
def content(blog):
    alix = approved("Alix Autrice")
    bruno = approved("Bruno Auteur")
    secret = approved("Sam Discret", visibility=User.Visibility.MEMBERS)
    BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")
    posts = [
        BlogPostPageFactory(
            parent=blog, date=datetime.date(2024, 3, 1), tags=["achats", "énergie"], authors=[alix]
        ),
        BlogPostPageFactory(
            parent=blog, date=datetime.date(2024, 6, 1), tags=["achats"], authors=[alix, bruno]
        ),
        BlogPostPageFactory(
            parent=blog, date=datetime.date(2025, 1, 9), tags=["achats"], authors=[secret]
        ),
    ]
    hidden = BlogPostPageFactory(
        parent=blog, date=datetime.date(2023, 5, 5), tags=["confidentiel"], authors=[bruno]
    )
    restrict_to_members(hidden)
    return posts, hidden


def test_the_blog_sidebar_lists_tags_years_and_authors_with_their_counts(client, blog, content):
    html = aside(client.get(blog.url))

    assert "Vie du réseau" in html
    tags = re.findall(r'rel="tag">([^<]+)</a> <span class="blog-aside__count">\((\d+)', html)
    assert tags == [("achats", "3"), ("énergie", "1")]
    years = re.findall(
        r'href="/blog/(\d{4})/">\d{4}</a> <span class="blog-aside__count">\((\d+)', html
    )
    assert years == [("2025", "1"), ("2024", "2")]
    authors = re.findall(
        r'href="/blog/auteur/\d+/">([^<]+)</a> <span class="blog-aside__count">\((\d+)', html
    )
    assert authors == [("Alix Autrice", "2"), ("Bruno Auteur", "1")]


def test_members_only_posts_are_counted_for_members_only(client, blog, content):
    visitor = aside(client.get(blog.url))
    assert "confidentiel" not in visitor
    assert "2023" not in visitor
    assert "Sam Discret" not in visitor  # a members-only profile is not named to visitors

    client.force_login(approved("Marie Membre"))
    member = aside(client.get(blog.url))
    assert "confidentiel" in member
    assert 'href="/blog/2023/"' in member
    assert re.search(r'Bruno Auteur</a> <span class="blog-aside__count">\(2', member)
    assert "Sam Discret" in member


def test_each_post_shows_the_sidebar(client, blog, content):
    posts, _hidden = content
    html = aside(client.get(posts[0].url))

    assert 'href="/blog/etiquette/achats/"' in html
    assert 'href="/blog/2024/"' in html
    assert "Alix Autrice" in html
    assert "confidentiel" not in html


def test_the_tags_are_limited_to_the_most_used(client, blog):
    for number in range(TAG_LIMIT + 5):
        BlogPostPageFactory(parent=blog, tags=["courant", f"rare-{number:02d}"])

    tags = re.findall(r'rel="tag">([^<]+)</a>', aside(client.get(blog.url)))
    assert len(tags) == TAG_LIMIT
    assert tags[0] == "courant"


def test_the_sidebar_links_lead_to_the_archives(client, blog, content):
    assert "Archives : 2024" in client.get("/blog/2024/").content.decode()


def test_sidebar_queries_do_not_grow_with_posts(client, blog):
    def add(count, start):
        for number in range(count):
            author = approved(f"Auteur {start + number}")
            post = BlogPostPageFactory(
                parent=blog,
                date=datetime.date(2000 + start + number, 1, 1),
                tags=[f"tag-{start + number}", "commun"],
                authors=[author],
            )
            if number % 2:
                restrict_to_members(post)

    def count_queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    client.force_login(approved("Marie Membre"))
    add(2, 0)
    few = (count_queries(blog.url), count_queries(blog.get_children().first().url))
    add(20, 2)
    many = (count_queries(blog.url), count_queries(blog.get_children().first().url))
    assert few == many
