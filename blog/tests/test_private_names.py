"""A "members only" profile never shows the person's name to visitors: not as post author,
comment author, on the author's listing, in feeds or through @[mentions]."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from blog.models import BlogComment
from blog.tests.factories import BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory

HIDDEN = ["Alix Autrice", "Marie Dupont"]


@pytest.fixture
def people(db, pessac):
    alix = UserFactory(
        status=User.Status.APPROVED,
        display_name="Alix Autrice",
        structure=pessac,
        profile_visibility=User.Visibility.MEMBERS,
    )
    marie = UserFactory(
        status=User.Status.APPROVED,
        display_name="Marie Dupont",
        profile_visibility=User.Visibility.MEMBERS,
    )
    paul = UserFactory(
        status=User.Status.APPROVED,
        display_name="Paul Martin",
        profile_visibility=User.Visibility.PUBLIC,
    )
    return alix, marie, paul


@pytest.fixture
def post(blog, people, client):
    alix, marie, _paul = people
    post = BlogPostPageFactory(parent=blog, title="Un article", slug="un-article", authors=[alix])
    client.force_login(marie)
    client.post(
        reverse("blog_comments:post", args=[post.pk]),
        {"comment": "Merci @[Alix Autrice] et @[Paul Martin] !"},
    )
    client.logout()
    assert BlogComment.objects.count() == 1
    return post


def pages(client, post, alix):
    urls = ["/blog/un-article/", f"/blog/auteur/{alix.pk}/", "/blog/flux/rss/"]
    urls.append("/blog/flux/atom/")
    responses = {url: client.get(url) for url in urls}
    assert all(r.status_code == HTTPStatus.OK for r in responses.values()), responses
    return {url: r.content.decode() for url, r in responses.items()}


def test_visitors_never_read_the_name_of_a_members_only_profile(client, post, people):
    alix, _marie, _paul = people

    html = pages(client, post, alix)

    for url, content in html.items():
        for name in HIDDEN:
            assert name not in content, (url, name)
    page = html["/blog/un-article/"]
    assert "Pessac" in page.split('class="post__authors"')[1].split("</p>")[0]
    assert "Paul Martin" in page, "a public profile keeps its name"
    assert f'href="/membres/{alix.pk}/"' not in page
    assert "Pessac" in html[f"/blog/auteur/{alix.pk}/"].split("<h1>")[1].split("</h1>")[0]


def test_pending_accounts_do_not_read_them_either(client, post, people):
    alix, _marie, _paul = people
    client.force_login(UserFactory(status=User.Status.PENDING))

    page = client.get("/blog/un-article/").content.decode()

    assert all(name not in page for name in HIDDEN)


def test_network_members_read_every_name(client, post, people):
    alix, _marie, _paul = people
    client.force_login(UserFactory(status=User.Status.APPROVED))

    page = client.get("/blog/un-article/").content.decode()
    author_page = client.get(f"/blog/auteur/{alix.pk}/").content.decode()

    assert "Alix Autrice" in page and "Marie Dupont" in page and "Paul Martin" in page
    assert f'href="/membres/{alix.pk}/"' in page
    assert "Alix Autrice" in author_page
