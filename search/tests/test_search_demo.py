"""The site search over the demo content, as each demo role reads it: French words find
lessons, posts, structures and resources, with facets, highlights and suggestions, and nobody
finds, or counts, what they may not read."""

import pytest

from core.visibility import Reader, visible_to
from knowledge.models import LessonPage, ResourcePage
from knowledge.resource_access import ResourceAudience
from members.models import User

pytestmark = pytest.mark.django_db

ROLES = {
    "visitor": None,
    "member": "membre@exemple.fr",
    "referent": "pessac@exemple.fr",
    "coordinator": "coordination@exemple.fr",
}


@pytest.fixture
def search_as(client, demo_tree):
    def search(role, **params):
        if ROLES[role]:
            client.force_login(User.objects.get(email=ROLES[role]))
        else:
            client.logout()
        return client.get("/recherche/", {"format": "json", **params}).json()

    return search


def facet(answer, name):
    found = {f["name"]: f for f in answer["facets"]}.get(name, {"values": []})
    return {value["value"]: value["count"] for value in found["values"]}


def test_french_words_find_every_kind_of_content(search_as):
    answer = search_as("visitor", q="achat")

    assert {"lesson", "post", "structure", "resource"} <= set(facet(answer, "kind"))
    assert search_as("visitor", q="achats")["total"] == answer["total"]
    assert search_as("visitor", q="clauses")["total"] == search_as("visitor", q="clause")["total"]
    assert search_as("visitor", q="elu")["total"] == search_as("visitor", q="élus")["total"] > 0


def test_the_page_highlights_the_words_found_and_suggests_a_spelling(client, demo_tree):
    html = client.get("/recherche/", {"q": "clauses sociales"}).content.decode()
    assert "<mark>clauses</mark>" in html.lower() or "<mark>Clauses</mark>" in html

    html = client.get("/recherche/", {"q": "formaton"}).content.decode()
    assert "Vouliez-vous dire" in html
    assert "q=formation" in html


@pytest.mark.parametrize("role", ROLES)
def test_lessons_are_counted_as_each_role_may_read_them(search_as, role):
    user = User.objects.get(email=ROLES[role]) if ROLES[role] else None
    readable = visible_to(LessonPage.objects.live(), Reader(user)).count()

    overview = search_as(role, q="")

    assert facet(overview, "kind")["lesson"] == readable
    assert search_as(role, q="")["total"] == 0  # the overview lists no result...
    assert search_as(role, q="", kind="lesson")["total"] == readable  # ...a filter does


def test_members_only_lessons_are_neither_found_nor_counted_by_visitors(search_as):
    all_lessons = LessonPage.objects.live().count()
    public_lessons = visible_to(LessonPage.objects.live(), Reader(None)).count()
    assert public_lessons < all_lessons  # the demo has members-only lessons

    assert facet(search_as("visitor", q=""), "kind")["lesson"] == public_lessons
    assert facet(search_as("member", q=""), "kind")["lesson"] == all_lessons


def test_a_team_resource_is_found_by_its_team_and_the_coordination_only(search_as):
    resource = ResourcePage.objects.live().filter(audience=ResourceAudience.TEAM).first()
    assert resource is not None
    query = resource.title

    def found(role):
        return resource.url in [r["url"] for r in search_as(role, q=query)["results"]]

    assert found("referent") and found("coordinator")
    assert not found("member") and not found("visitor")


def test_members_only_sections_are_found_by_members(search_as):
    first = search_as("member", q="Grand Dax diagnostic")["results"][0]
    assert (first["type"], first["title"]) == ("section", "Diagnostic — Grand Dax")

    titles = [r["title"] for r in search_as("visitor", q="Grand Dax diagnostic")["results"]]
    assert "Diagnostic — Grand Dax" not in titles


def test_legal_pages_rank_below_content(search_as):
    first = search_as("visitor", q="achats")
    urls = [
        result["url"]
        for page in range(1, first["pages"] + 1)
        for result in search_as("visitor", q="achats", page=page)["results"]
    ]
    legal = [n for n, url in enumerate(urls) if "mentions-legales" in url or "accessibilite" in url]

    assert legal, "the demo's legal pages speak of purchases too"
    assert legal == list(range(len(urls) - len(legal), len(urls)))  # the last ones


def test_facets_combine_and_filter_the_results(search_as):
    lessons = search_as("visitor", q="achat", kind="lesson")
    assert lessons["total"] == facet(search_as("visitor", q="achat"), "kind")["lesson"]
    assert {r["type"] for r in lessons["results"]} == {"lesson"}

    theme, count = next(iter(facet(lessons, "theme").items()))
    both = search_as("visitor", q="achat", kind="lesson", theme=theme)
    assert both["total"] == count


def test_a_results_page_costs_the_same_queries_for_many_or_few_matches(
    client, demo_tree, django_assert_max_num_queries
):
    client.get("/recherche/", {"q": "achat"})  # warm the caches (menus, site)
    with django_assert_max_num_queries(25) as many:
        client.get("/recherche/", {"q": "achat"})
    with django_assert_max_num_queries(25) as few:
        client.get("/recherche/", {"q": "zeugmatique"})
    assert len(many.captured_queries) <= len(few.captured_queries) + 2
