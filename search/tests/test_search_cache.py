"""Searches kept in the cache (``search.service.cached_search``): each reader gets the answer
of their own rights, and an edit or an index write shows on the next search."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import PageViewRestriction

from members.models import MEMBERS_GROUP
from search.backends.database import DatabaseBackend
from search.indexing import reindex_pages
from website.tests.factories import StandardPageFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fragment_cache")]


@pytest.fixture
def backend_calls(monkeypatch):
    calls = []
    original = DatabaseBackend.search

    def counted(self, query, audience):
        calls.append(query.text)
        return original(self, query, audience)

    monkeypatch.setattr(DatabaseBackend, "search", counted)
    return calls


def restrict(page, group):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([group])


def titles(client, words, **params):
    answer = client.get("/recherche/", {"q": words, "format": "json", **params}).json()
    return sorted(result["title"] for result in answer["results"])


def page_with(parent, title, slug):
    page = StandardPageFactory(parent=parent, title=title, slug=slug)
    reindex_pages([page.pk])
    return page


@pytest.fixture
def pages(home_page):
    public = page_with(home_page, "Zéphyr public", "public")
    members = page_with(home_page, "Zéphyr des membres", "membres")
    team = page_with(home_page, "Zéphyr de l'équipe", "equipe")
    restrict(members, Group.objects.get(name=MEMBERS_GROUP))
    restrict(team, Group.objects.create(name="Équipe zéphyr"))
    return {"public": public, "members": members, "team": team}


def test_a_repeated_search_is_answered_from_the_cache(client, pages, backend_calls):
    first = client.get("/recherche/", {"q": "zéphyr"}).content
    second = client.get("/recherche/", {"q": "zéphyr"}).content

    assert backend_calls == ["zéphyr"]
    assert first == second
    assert b"Z\xc3\xa9phyr public" in second


def test_the_kept_answer_is_the_answer_computed_afresh(client, member, pages, settings):
    client.force_login(member)
    kept = [client.get("/recherche/", {"q": "zéphyr"}).content for _ in range(2)]
    settings.RAA_FRAGMENT_CACHE = False
    fresh = client.get("/recherche/", {"q": "zéphyr"}).content

    # The header's form token differs from one response to the next: compare the rest.
    def without_token(html):
        return b"".join(line for line in html.splitlines() if b"csrfmiddlewaretoken" not in line)

    assert without_token(kept[1]) == without_token(fresh)


def test_readers_of_different_rights_never_share_an_answer(client, member, user, pages):
    Group.objects.get(name="Équipe zéphyr").user_set.add(user)
    # ``user`` is in the team but not a network member: other rights than ``member``'s.

    for _ in range(2):  # the second round is served from the cache
        client.force_login(user)
        assert titles(client, "zéphyr") == ["Zéphyr de l'équipe", "Zéphyr public"]
        client.force_login(member)
        assert titles(client, "zéphyr") == ["Zéphyr des membres", "Zéphyr public"]
        client.logout()
        assert titles(client, "zéphyr") == ["Zéphyr public"]


def test_facets_and_pages_are_kept_apart(client, pages):
    assert titles(client, "zéphyr", kind="page") == ["Zéphyr public"]
    assert titles(client, "zéphyr", kind="post") == []
    assert titles(client, "zéphyr", page="2") == ["Zéphyr public"]  # past the last: the last


def test_new_content_and_new_restrictions_show_on_the_next_search(client, home_page, pages):
    assert titles(client, "zéphyr") == ["Zéphyr public"]

    # Published, then indexed later by the task worker: the search kept in between goes.
    new = StandardPageFactory(parent=home_page, title="Zéphyr nouveau", slug="nouveau")
    assert titles(client, "zéphyr") == ["Zéphyr public"]
    reindex_pages([new.pk])
    assert titles(client, "zéphyr") == ["Zéphyr nouveau", "Zéphyr public"]

    restrict(pages["public"], Group.objects.get(name=MEMBERS_GROUP))
    assert titles(client, "zéphyr") == ["Zéphyr nouveau"]


def test_an_unpublished_page_leaves_the_kept_answers(
    client, pages, django_capture_on_commit_callbacks
):
    assert titles(client, "zéphyr") == ["Zéphyr public"]

    with django_capture_on_commit_callbacks(execute=True):
        pages["public"].unpublish()

    assert titles(client, "zéphyr") == []


def test_what_a_visitor_may_find_is_remembered_until_a_restriction_changes(
    client, pages, monkeypatch
):
    from search import service

    computed = []
    original = service.audience_for

    def counted(who, restrictions=None):
        computed.append(who)
        return original(who, restrictions)

    monkeypatch.setattr(service, "audience_for", counted)
    assert titles(client, "zéphyr") == ["Zéphyr public"]
    assert titles(client, "zéphyr", page=1) == ["Zéphyr public"]
    assert len(computed) == 1  # the second search reused the visitor's audience

    restrict(pages["public"], Group.objects.get(name=MEMBERS_GROUP))

    assert titles(client, "zéphyr") == []
    assert len(computed) == 2  # recomputed after the change
