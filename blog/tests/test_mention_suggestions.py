"""The members offered as one types a mention: a JSON endpoint for network members only, and
mentions that tolerate case and accents."""

import json
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from blog.mentions import MAX_SUGGESTIONS
from blog.models import BlogComment
from blog.tests.factories import BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory

pytestmark = pytest.mark.db_sensitive  # regular expressions on SQLite and PostgreSQL

URL = reverse("blog_comments:mention_suggestions")


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the rate limit
    yield
    cache.clear()


def person(name, status=User.Status.APPROVED, **fields):
    first, _space, last = name.partition(" ")
    return UserFactory(status=status, first_name=first, last_name=last, **fields)


@pytest.fixture
def me(db):
    return person("Moi Même")


@pytest.fixture
def people(db):
    return {
        "marie": person("Marie Dupont", email="marie.dupont@exemple.fr"),
        "helene": person("Hélène Martin"),
        "marc": person("Marc Durand", display_name="Marc D."),
        "pending": person("Marine Attente", status=User.Status.PENDING),
        "refused": person("Mariette Refusée", status=User.Status.REFUSED),
        "inactive": person("Maria Partie", is_active=False),
    }


def names(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"] == "private, no-store"
    return [result["name"] for result in response.json()["results"]]


@pytest.mark.parametrize("who", [None, User.Status.PENDING, User.Status.REFUSED])
def test_only_network_members_get_suggestions(client, people, who):
    if who:
        client.force_login(person("Quel Qu'un", status=who))

    response = client.get(URL, {"q": "mar"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert response.json()["results"] == []
    assert "Marie" not in response.content.decode()


def test_members_find_approved_members_by_the_start_of_a_name(client, me, people):
    client.force_login(me)

    assert names(client, "mar") == ["Marc D.", "Marie Dupont", "Hélène Martin"]
    assert names(client, "dup") == ["Marie Dupont"]
    assert names(client, "upo") == []
    assert names(client, "marie du") == ["Marie Dupont"]
    assert names(client, "") == []
    assert names(client, "moi") == []  # not oneself


def test_searching_ignores_case_and_accents(client, me, people):
    client.force_login(me)

    assert names(client, "helene") == ["Hélène Martin"]
    assert names(client, "HÉLÈ") == ["Hélène Martin"]
    assert names(client, "Hélene MART") == ["Hélène Martin"]


def test_results_carry_a_mention_and_never_an_email(client, me, people):
    client.force_login(me)

    response = client.get(URL, {"q": "marie"})

    assert response.json()["results"] == [
        {"name": "Marie Dupont", "mention": "@[Marie Dupont]", "structure": ""}
    ]
    assert "exemple.fr" not in response.content.decode()
    assert "@" not in json.dumps(client.get(URL, {"q": "mar"}).json()).replace("@[", "")


def test_results_are_limited(client, me):
    for number in range(MAX_SUGGESTIONS + 4):
        person(f"Camille Nom{number:02d}")
    client.force_login(me)

    assert len(names(client, "camille")) == MAX_SUGGESTIONS


def test_names_shared_by_two_members_are_not_offered(client, me):
    person("Alex Martin")
    person("Alex Martin")
    person("Alex Petit")
    client.force_login(me)

    assert names(client, "alex") == ["Alex Petit"]


def test_with_a_post_only_those_who_may_read_it_are_offered(client, blog, people):
    coordinator = person("Camille Coord")
    group = Group.objects.get(name="Coordination")
    coordinator.groups.add(group)
    colleague = person("Marine Coord")
    colleague.groups.add(group)
    post = BlogPostPageFactory(parent=blog)
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])
    client.force_login(coordinator)

    assert names(client, "mar", article=post.pk) == ["Marine Coord"]
    assert "Marie Dupont" in names(client, "mar")


def test_a_bad_or_hidden_post_is_refused_in_french(client, blog, me):
    hidden = BlogPostPageFactory(parent=blog)
    restriction = PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Coordination")])
    client.force_login(me)

    for article, status in [("abc", 400), ("9" * 30, 400), ("999999", 404), (hidden.pk, 404)]:
        response = client.get(URL, {"q": "mar", "article": article})
        assert response.status_code == status
        assert response.json()["error"]


def test_long_queries_are_cut_and_requests_are_rate_limited(client, me, people, monkeypatch):
    monkeypatch.setattr("blog.comments.SUGGESTIONS_RATE_LIMIT", 3)
    client.force_login(me)

    assert names(client, "marie " + "x" * 5000) == []
    assert names(client, "marie") == ["Marie Dupont"]
    assert names(client, "marie") == ["Marie Dupont"]
    response = client.get(URL, {"q": "marie"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "minute" in response.json()["error"]


def test_suggestion_queries_do_not_grow_with_members(client, blog, me):
    post = BlogPostPageFactory(parent=blog)
    client.force_login(me)

    def count():
        client.get(URL, {"q": "dom", "article": post.pk})
        with CaptureQueriesContext(connection) as captured:
            client.get(URL, {"q": "dom", "article": post.pk})
        return len(captured)

    for _ in range(3):
        person("Dominique Un")
    few = count()
    for number in range(60):
        person(f"Dominique Nom{number}")
    assert count() == few


def test_a_mention_tolerates_case_and_accents(blog, people, me):
    post = BlogPostPageFactory(parent=blog)
    comment = BlogComment(
        content_object=post,
        site_id=1,
        user=me,
        comment="Merci @[helene MARTIN] et @[Marc d.] !",
    )
    comment.save()

    helene, marc = people["helene"].pk, people["marc"].pk
    assert f'href="/membres/{helene}/" rel="noopener noreferrer nofollow">@Hélène Martin</a>' in (
        comment.body_html
    )
    assert f'href="/membres/{marc}/" rel="noopener noreferrer nofollow">@Marc D.</a>' in (
        comment.body_html
    )
    assert set(comment.mentioned_users) == {people["helene"], people["marc"]}
