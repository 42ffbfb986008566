"""Guards that a deliberate mutation once slipped past: members-only structures in the blog's
filtered listings and feeds, comment emails to people who may not read the post.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """The comment rate limit lives in the cache, shared by every test of the process."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def secret_structure(pessac, blog):
    restrict_to_members(pessac)
    BlogPostPageFactory(parent=blog, title="Nouvelles de Pessac", structure=pessac)
    return pessac


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_the_feed_of_a_members_only_structure_is_not_found(client, secret_structure, kind):
    response = client.get(f"/blog/flux/structure/pessac/{kind}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("who", [None, "pending_user"])
def test_the_listing_of_a_members_only_structure_is_not_found(
    client, request, secret_structure, who
):
    if who:
        client.force_login(request.getfixturevalue(who))

    response = client.get("/blog/structure/pessac/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_listing_of_a_members_only_structure_is_open_to_members(
    client, secret_structure, member
):
    client.force_login(member)

    response = client.get("/blog/structure/pessac/")

    assert response.status_code == HTTPStatus.OK
    assert "Nouvelles de Pessac" in response.content.decode()


@pytest.fixture
def coordinators_only_post(blog, member):
    """A post by ``member`` that only coordinators may read (restricted after it was written)."""
    post = BlogPostPageFactory(parent=blog, title="Note interne", authors=[member])
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Coordination")])
    return post


def test_a_comment_emails_no_author_who_may_no_longer_read_the_post(
    client, coordinators_only_post, coordinator, mailoutbox
):
    client.force_login(coordinator)

    response = client.post(
        reverse("blog_comments:post", args=[coordinators_only_post.pk]), {"comment": "Vu."}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert mailoutbox == []


def test_a_reply_emails_no_one_who_may_no_longer_read_the_post(
    client, coordinators_only_post, coordinator, mailoutbox
):
    earlier = BlogCommentFactory(
        post=coordinators_only_post, user=UserFactory(status=User.Status.APPROVED)
    )
    coordinators_only_post.authors.clear()
    client.force_login(coordinator)

    response = client.post(reverse("blog_comments:reply", args=[earlier.pk]), {"comment": "Oui."})

    assert response.status_code == HTTPStatus.FOUND
    assert mailoutbox == []
