import json
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core import signing
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogCategoryFactory
from core.followables import registry
from follows import tokens
from follows.models import Follow
from follows.tokens import unsubscribe_token
from knowledge.models import ResourceIndexPage
from members.models import User
from members.tests.factories import UserFactory

FOLLOW_URL = "/membres/moi/abonnements/suivre/"
FOLLOWS_URL = "/membres/moi/abonnements/"


@pytest.fixture
def category(db):
    return BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")


@pytest.fixture
def resources(home_page):
    return home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def follow_data(kind, target=None, frequency="daily", next_url="/blog/"):
    data = {"kind": kind, "frequency": frequency, "next": next_url}
    if target is not None:
        data["target"] = target
    return data


# Following ---------------------------------------------------------------------------------


def test_member_follows_a_category_with_the_chosen_frequency(member_client, member, category):
    response = member_client.post(FOLLOW_URL, follow_data("category", category.pk, "daily"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/blog/"
    follow = Follow.objects.get(user=member)
    assert (follow.kind, follow.target, follow.frequency) == ("category", category, "daily")


@pytest.mark.parametrize("kind", ["blog", "lessons", "resources", "structure"])
def test_member_follows_each_kind_of_target(member_client, member, pessac, kind):
    target = pessac.pk if kind == "structure" else None

    response = member_client.post(FOLLOW_URL, follow_data(kind, target, "weekly"))

    assert response.status_code == HTTPStatus.FOUND
    follow = Follow.objects.get(user=member)
    assert (follow.kind, follow.frequency) == (kind, "weekly")
    assert follow.target_id == (pessac.pk if kind == "structure" else None)


def test_following_again_changes_the_frequency_without_a_second_follow(
    member_client, member, category
):
    member_client.post(FOLLOW_URL, follow_data("category", category.pk, "daily"))

    member_client.post(FOLLOW_URL, follow_data("category", category.pk, "instant"))

    assert list(Follow.objects.filter(user=member).values_list("frequency", flat=True)) == [
        "instant"
    ]


def test_the_blog_is_followed_once_whatever_target_is_sent(member_client, member, category):
    member_client.post(FOLLOW_URL, follow_data("blog", category.pk, "daily"))
    member_client.post(FOLLOW_URL, follow_data("blog", None, "weekly"))

    follow = Follow.objects.get(user=member)
    assert (follow.kind, follow.target_id, follow.frequency) == ("blog", None, "weekly")


def test_a_visitor_is_sent_to_the_login_page_and_nothing_is_created(client, category):
    response = client.post(FOLLOW_URL, follow_data("category", category.pk))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")
    assert "next=/blog/" in response["Location"]
    assert not Follow.objects.exists()


def test_an_account_awaiting_approval_cannot_follow(client, pending_user, category):
    client.force_login(pending_user)

    response = client.post(FOLLOW_URL, follow_data("category", category.pk))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Follow.objects.exists()


def test_following_needs_a_post(member_client, category):
    response = member_client.get(FOLLOW_URL, follow_data("category", category.pk))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_a_bad_frequency_changes_nothing_and_says_so(member_client, member, category):
    Follow.objects.create(user=member, kind="category", target_id=category.pk, frequency="daily")

    response = member_client.post(
        FOLLOW_URL, follow_data("category", category.pk, "hourly", FOLLOWS_URL), follow=True
    )

    assert response.status_code == HTTPStatus.OK
    assert "message--error" in response.content.decode()
    assert Follow.objects.get(user=member).frequency == "daily"


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "category", "target": "999999"},
        {"kind": "category"},
        {"kind": "category", "target": "abc"},
        {"kind": "structure", "target": "999999"},
        {"kind": "newsletter"},
    ],
)
def test_an_unknown_target_is_not_found_and_nothing_is_created(member_client, data):
    response = member_client.post(FOLLOW_URL, {**data, "frequency": "daily"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Follow.objects.exists()


def test_a_page_that_is_not_a_structure_cannot_be_followed_as_one(member_client, blog):
    response = member_client.post(FOLLOW_URL, follow_data("structure", blog.pk))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not Follow.objects.exists()


def test_next_must_stay_on_the_site(member_client, category):
    response = member_client.post(
        FOLLOW_URL, follow_data("category", category.pk, next_url="https://ailleurs.example/")
    )

    assert response["Location"] == "/"


# "My follows" ------------------------------------------------------------------------------


def test_my_follows_lists_targets_and_frequencies(member_client, member, blog, category, pessac):
    Follow.objects.create(user=member, kind="category", target_id=category.pk, frequency="daily")
    Follow.objects.create(user=member, kind="structure", target_id=pessac.pk, frequency="instant")

    response = member_client.get(FOLLOWS_URL)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Vie du réseau" in html
    assert 'href="/blog/categorie/vie-du-reseau/"' in html
    assert 'href="/structures/pessac/"' in html
    assert '<option value="daily" selected>' in html
    assert '<option value="instant" selected>' in html


def test_my_follows_tells_an_account_awaiting_approval_why_it_cannot_follow(
    client, pending_user, blog
):
    client.force_login(pending_user)

    response = client.get(FOLLOWS_URL)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "message--warning" in html
    assert 'action="/membres/moi/abonnements/suivre/"' not in html


def test_my_follows_needs_a_login(client, db):
    response = client.get(FOLLOWS_URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")


def test_changing_the_frequency_from_my_follows(member_client, member, category):
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)

    response = member_client.post(f"{FOLLOWS_URL}{follow.pk}/", {"frequency": "paused"})

    assert response.status_code == HTTPStatus.FOUND
    follow.refresh_from_db()
    assert follow.frequency == "paused"


def test_a_bad_frequency_from_my_follows_changes_nothing(member_client, member, category):
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)

    response = member_client.post(f"{FOLLOWS_URL}{follow.pk}/", {"frequency": "1"}, follow=True)

    assert "message--error" in response.content.decode()
    follow.refresh_from_db()
    assert follow.frequency == "weekly"


def test_stopping_a_follow_deletes_it(member_client, member, category):
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)

    response = member_client.post(f"{FOLLOWS_URL}{follow.pk}/arreter/")

    assert response.status_code == HTTPStatus.FOUND
    assert not Follow.objects.filter(pk=follow.pk).exists()


@pytest.mark.parametrize("suffix", ["", "arreter/"])
def test_someone_elses_follow_is_not_found_and_unchanged(member_client, category, suffix):
    other = Follow.objects.create(
        user=UserFactory(status=User.Status.APPROVED), kind="category", target_id=category.pk
    )

    response = member_client.post(f"{FOLLOWS_URL}{other.pk}/{suffix}", {"frequency": "paused"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    other.refresh_from_db()
    assert other.frequency == "weekly"


def test_changing_from_instant_to_a_digest_starts_the_digest_now(member, category):
    follow = Follow.objects.create(
        user=member, kind="category", target_id=category.pk, frequency="instant"
    )
    before = follow.last_digest_at

    follow.set_frequency("daily")

    assert follow.last_digest_at > before


def test_my_follows_makes_the_same_number_of_queries_for_3_and_12_follows(
    member_client, member, blog, lessons, resources
):
    def measure(count):
        Follow.objects.filter(user=member).delete()
        for _n in range(count):
            Follow.objects.create(user=member, kind="category", target_id=BlogCategoryFactory().pk)
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(FOLLOWS_URL).status_code == HTTPStatus.OK
        return len(queries)

    measure(1)  # warms the caches (site root paths, session)
    assert measure(3) == measure(12)


# The {% follow_form %} tag -----------------------------------------------------------------


def render_follow_form(user, target):
    request = RequestFactory().get("/blog/categorie/vie-du-reseau/")
    request.user = user
    template = Template("{% load follows_tags %}{% follow_form target %}")
    return template.render(Context({"request": request, "target": target, "csrf_token": "x"}))


def test_the_tag_offers_visitors_a_login_link(category):
    from django.contrib.auth.models import AnonymousUser

    html = render_follow_form(AnonymousUser(), category)

    assert "/comptes/login/?next=%2Fblog%2Fcategorie%2Fvie-du-reseau%2F" in html
    assert "<form" not in html


def test_the_tag_tells_pending_accounts_why_they_cannot_follow(pending_user, category):
    html = render_follow_form(pending_user, category)

    assert "follow-form--note" in html
    assert "<form" not in html


def test_the_tag_gives_members_a_form_with_their_current_frequency(member, category):
    Follow.objects.create(user=member, kind="category", target_id=category.pk, frequency="instant")

    html = render_follow_form(member, category)

    assert 'action="/membres/moi/abonnements/suivre/"' in html
    assert f'name="target" value="{category.pk}"' in html
    assert '<option value="instant" selected>' in html
    assert f'<label class="follow-form__label" for="follow-category-{category.pk}">' in html
    assert 'href="/membres/moi/abonnements/"' in html


@pytest.mark.parametrize("fixture", ["blog", "pessac", "lessons", "resources"])
def test_the_tag_accepts_every_kind_of_target(request, member, fixture):
    target = request.getfixturevalue(fixture)

    html = render_follow_form(member, target)

    assert f'name="kind" value="{registry.of(target).kind}"' in html


def test_the_tag_renders_nothing_for_what_cannot_be_followed(member, home_page):
    assert render_follow_form(member, home_page).strip() == ""


# Unsubscribe links -------------------------------------------------------------------------


def test_an_unsubscribe_link_asks_first_then_pauses_without_login(client, member, category):
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)
    url = f"/membres/desabonnement/{unsubscribe_token(member, [follow])}/"

    shown = client.get(url)
    follow.refresh_from_db()
    assert shown.status_code == HTTPStatus.OK
    assert "Vie du réseau" in shown.content.decode()
    assert follow.frequency == "weekly"

    done = client.post(url)
    follow.refresh_from_db()
    assert done.status_code == HTTPStatus.OK
    assert follow.frequency == "paused"


def test_one_click_unsubscribe_needs_no_csrf_token(member, category):
    from django.test import Client

    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)
    url = f"/membres/desabonnement/{unsubscribe_token(member, [follow])}/"

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == HTTPStatus.OK
    follow.refresh_from_db()
    assert follow.frequency == "paused"


FORGED_TOKENS = {
    "garbage": lambda: "n-importe-quoi",
    "other-salt": lambda: signing.dumps({"u": 1, "f": [1]}, salt="une-autre-utilisation"),
    "other-key": lambda: signing.dumps(
        {"u": 1, "f": [1]}, salt="members.follows.unsubscribe", key="x" * 50
    ),
    "not-a-dict": lambda: signing.dumps(["pas", "un", "dict"], salt="members.follows.unsubscribe"),
}


@pytest.mark.parametrize("forgery", FORGED_TOKENS)
def test_a_forged_or_broken_token_is_refused(client, member, category, forgery):
    token = FORGED_TOKENS[forgery]()
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)

    response = client.post(f"/membres/desabonnement/{token}/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "message--error" in response.content.decode()
    follow.refresh_from_db()
    assert follow.frequency == "weekly"


def test_an_expired_token_is_refused(client, member, category, monkeypatch):
    follow = Follow.objects.create(user=member, kind="category", target_id=category.pk)
    token = unsubscribe_token(member, [follow])
    monkeypatch.setattr(tokens, "UNSUBSCRIBE_MAX_AGE", -1)

    response = client.post(f"/membres/desabonnement/{token}/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    follow.refresh_from_db()
    assert follow.frequency == "weekly"


def test_a_token_only_stops_its_own_persons_follows(client, member, category):
    other = Follow.objects.create(
        user=UserFactory(status=User.Status.APPROVED), kind="category", target_id=category.pk
    )
    token = unsubscribe_token(member, [other])  # validly signed, but for another person

    client.post(f"/membres/desabonnement/{token}/")

    other.refresh_from_db()
    assert other.frequency == "weekly"


# Personal data -----------------------------------------------------------------------------


def test_the_data_export_lists_follows(member_client, member, category):
    Follow.objects.create(user=member, kind="category", target_id=category.pk, frequency="daily")

    data = json.loads(member_client.get("/membres/moi/donnees/").content)

    assert len(data["follows"]) == 1
    assert "Vie du réseau" in data["follows"][0]["target"]


def test_a_structure_one_may_not_see_cannot_be_followed(client, member, coordinator, pessac):
    restriction = PageViewRestriction.objects.create(page=pessac, restriction_type="groups")
    restriction.groups.set([Group.objects.get(name="Coordination")])

    client.force_login(member)
    refused = client.post(FOLLOW_URL, follow_data("structure", pessac.pk))
    client.force_login(coordinator)
    allowed = client.post(FOLLOW_URL, follow_data("structure", pessac.pk))

    assert refused.status_code == HTTPStatus.NOT_FOUND
    assert allowed.status_code == HTTPStatus.FOUND
    assert list(Follow.objects.values_list("user", flat=True)) == [coordinator.pk]
