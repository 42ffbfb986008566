"""A post's body and the blog's listing kept rendered per reader's rights and standing
(``blog.post_body``, ``blog.listing.fragment_name``): what is personal (the CSRF token, the
actions on one's own comments) is never shared, a visitor never gets a member's copy, and a
change shows at once."""

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from blog import post_body
from blog.models import BlogComment
from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from core import fragments
from members.models import User
from members.tests.factories import UserFactory

pytestmark = [pytest.mark.db_sensitive, pytest.mark.usefixtures("fragment_cache")]


@pytest.fixture
def alice(db):
    return UserFactory(status=User.Status.APPROVED, display_name="Alice Membre")


@pytest.fixture
def bruno(db):
    return UserFactory(status=User.Status.APPROVED, display_name="Bruno Membre")


@pytest.fixture
def post(blog):
    return BlogPostPageFactory(parent=blog, title="Un article", slug="un-article")


@pytest.fixture
def comments(post, alice, bruno):
    """A comment by each, both still editable by their author."""
    return (
        BlogCommentFactory(post=post, user=alice, comment="Le mot d'Alice."),
        BlogCommentFactory(post=post, user=bruno, comment="Le mot de Bruno."),
    )


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def actions(page, comment):
    """The names of the actions offered on ``comment`` ("edit", "delete", "flag"...)."""
    found = re.search(rf'<article class="comment" id="c{comment.pk}".*?</article>', page, re.S)
    assert found, f"comment {comment.pk} not shown"
    names = ("reply", "edit", "delete", "hide", "flag")
    return {
        name
        for name in names
        if reverse(f"blog_comments:{name}", args=[comment.pk]) in found.group(0)
    }


def test_two_members_of_the_same_groups_share_the_body_but_not_their_own_actions(
    client, post, comments, alice, bruno
):
    by_alice, by_bruno = comments
    assert set(alice.groups.all()) == set(bruno.groups.all())

    client.force_login(alice)
    seen_by_alice = page_of(client, post.url)
    client.force_login(bruno)
    with CaptureQueriesContext(connection) as captured:
        seen_by_bruno = page_of(client, post.url)

    assert actions(seen_by_alice, by_alice) == {"reply", "edit", "delete"}
    assert actions(seen_by_alice, by_bruno) == {"reply", "flag"}
    assert actions(seen_by_bruno, by_bruno) == {"reply", "edit", "delete"}
    assert actions(seen_by_bruno, by_alice) == {"reply", "flag"}
    # Bruno's page came from the body kept for Alice's rights: no comment was read again.
    assert not any("django_comments" in query["sql"] for query in captured)


def test_own_comments_past_the_edit_window_offer_neither_edit_nor_report(
    client, post, alice, bruno
):
    old = BlogCommentFactory(post=post, user=alice, submit_date=timezone.now() - timedelta(days=1))
    client.force_login(bruno)
    page_of(client, post.url)  # kept
    client.force_login(alice)

    assert actions(page_of(client, post.url), old) == {"reply"}


def test_a_coordinator_gets_their_own_copy_with_moderation(client, post, comments, alice):
    by_alice, _by_bruno = comments
    coordinator = UserFactory(status=User.Status.APPROVED)
    coordinator.groups.add(Group.objects.get(name="Coordination"))
    client.force_login(alice)
    page_of(client, post.url)
    client.force_login(coordinator)

    assert actions(page_of(client, post.url), by_alice) == {"reply", "delete", "hide", "flag"}


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_each_member_posts_with_their_own_csrf_token_from_the_kept_body(post, alice, bruno):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(alice)
    second.force_login(bruno)
    alice_page = page_of(first, post.url)
    bruno_page = page_of(second, post.url)  # from the body kept for Alice's rights

    url = reverse("blog_comments:post", args=[post.pk])
    response = second.post(
        url, {"comment": "Bien vu.", "csrfmiddlewaretoken": csrf_token(bruno_page)}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert BlogComment.objects.get(comment="Bien vu.").user == bruno
    # Alice's token is not Bruno's: his session refuses it.
    refused = second.post(
        url, {"comment": "Encore.", "csrfmiddlewaretoken": csrf_token(alice_page)}
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN


def test_the_kept_body_holds_no_csrf_token(client, post, comments, alice, monkeypatch):
    kept = []
    keep = fragments.keep

    def recording(name, request, value, *args):
        kept.append(value)
        keep(name, request, value, *args)

    monkeypatch.setattr(fragments, "keep", recording)
    client.force_login(alice)

    page = page_of(client, post.url)

    assert "csrfmiddlewaretoken" in page
    bodies = [value for value in kept if isinstance(value, post_body.KeptBody)]
    assert len(bodies) == 1
    assert "csrfmiddlewaretoken" not in bodies[0].html
    assert post_body.CSRF_SLOT in bodies[0].html


def test_a_visitor_never_gets_a_members_copy(client, post, comments, alice):
    client.force_login(alice)
    member_page = page_of(client, post.url)
    client.logout()
    visitor_page = page_of(client, post.url)

    assert "comment-form" in member_page
    assert "comment-form" not in visitor_page
    assert "comment__actions" not in visitor_page
    assert reverse("account_login") in visitor_page
    client.force_login(alice)
    assert "comment-form" in page_of(client, post.url)


@pytest.mark.parametrize("change", ["new", "edit", "hide"])
def test_a_comment_change_shows_at_once(client, post, comments, alice, bruno, change):
    by_alice, _by_bruno = comments
    client.force_login(bruno)
    page_of(client, post.url)  # kept
    if change == "new":
        BlogCommentFactory(post=post, user=alice, comment="Un mot de plus.")
        expected, gone = "Un mot de plus.", None
    elif change == "edit":
        client.force_login(alice)
        url = reverse("blog_comments:edit", args=[by_alice.pk])
        assert client.post(url, {"comment": "Mot corrigé."}).status_code == HTTPStatus.FOUND
        client.force_login(bruno)
        expected, gone = "Mot corrigé.", "Le mot d&#x27;Alice."
    else:
        by_alice.is_public = False
        by_alice.save()
        expected, gone = None, "Le mot d&#x27;Alice."

    page = page_of(client, post.url)

    if expected:
        assert expected in page
    if gone:
        assert gone not in page and "Le mot d'Alice." not in page


def test_a_preview_neither_uses_nor_fills_the_kept_body(client, post):
    page_of(client, post.url)  # kept for visitors
    post.body = "Texte en cours d'écriture."

    preview = post.make_preview_request().content.decode()

    assert "Texte en cours d" in preview
    assert "Texte en cours d" not in page_of(client, post.url)


def queries(client, url):
    client.get(url)  # warm: kept for this reader's rights
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_kept_pages_take_as_many_queries_for_few_and_many_posts_and_comments(
    client, blog, post, alice, reader
):
    def add(count):
        for number in range(count):
            other = BlogPostPageFactory(parent=blog, tags=[f"t{number}", "commun"])
            BlogCommentFactory(post=other)
            BlogCommentFactory(post=post)
        post.tags.add(*[f"t{number}" for number in range(count)])
        post.save()

    if reader == "member":
        client.force_login(alice)
    add(2)
    few = [queries(client, url) for url in (post.url, blog.url)]
    add(25)
    many = [queries(client, url) for url in (post.url, blog.url)]

    assert many == few
