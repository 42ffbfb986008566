"""Guards that a deliberate mutation once slipped past: members-only structures in the blog's
filtered listings and feeds, comment emails to people who may not read the post.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from blog.models import BlogComment
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


# The README's figures, written out: 3,000 characters, 5 comments a minute, 15 minutes to edit.


@pytest.fixture
def post(blog):
    return BlogPostPageFactory(parent=blog, title="Un article")


def comment_on(client, post, text):
    return client.post(reverse("blog_comments:post", args=[post.pk]), {"comment": text})


def test_a_comment_of_3000_characters_is_accepted_and_one_more_refused(client, post, member):
    client.force_login(member)

    assert comment_on(client, post, "x" * 3001).status_code == HTTPStatus.OK
    assert comment_on(client, post, "x" * 3000).status_code == HTTPStatus.FOUND
    assert BlogComment.objects.get().comment == "x" * 3000


def test_the_sixth_comment_within_a_minute_is_refused(client, post, member):
    client.force_login(member)
    statuses = [comment_on(client, post, f"Message {n}").status_code for n in range(6)]

    assert statuses == [HTTPStatus.FOUND] * 5 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert BlogComment.objects.count() == 5


@pytest.mark.parametrize(
    ("minutes", "status"), [(14, HTTPStatus.FOUND), (16, HTTPStatus.FORBIDDEN)]
)
def test_authors_edit_their_comment_for_fifteen_minutes(client, post, member, minutes, status):
    comment = BlogCommentFactory(
        post=post, user=member, submit_date=timezone.now() - timedelta(minutes=minutes)
    )
    client.force_login(member)

    response = client.post(reverse("blog_comments:edit", args=[comment.pk]), {"comment": "Changé."})

    assert response.status_code == status
