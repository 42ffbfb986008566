"""Visitors' page views from the cache (core.page_cache), the cookie-free language switch, and
conditional GET."""

import os
import time
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.urls import reverse
from wagtail.models import PageViewRestriction

from blog.models import BlogComment
from blog.tests.factories import BlogPostPageFactory
from core import page_cache
from website.tests.factories import StandardPageFactory

HIT = "hit"
MISS = "miss"


@pytest.fixture(autouse=True)
def _page_cache(settings, tmp_path):
    """The cache on (it is off for the other tests), empty, its stamp file of its own."""
    settings.RAA_PAGE_CACHE_SECONDS = 300
    settings.RAA_PAGE_CACHE_STAMP_FILE = str(tmp_path / "page-cache.stamp")
    cache.clear()
    caches["pages"].clear()
    yield
    cache.clear()
    caches["pages"].clear()


@pytest.fixture
def post(blog, member):
    return BlogPostPageFactory(parent=blog, title="Achats verts à Pessac", slug="achats-verts")


def status(response):
    return response.get(page_cache.STATUS_HEADER)


def html(response):
    return response.content.decode()


# Served from the cache ----------------------------------------------------------------------


def test_a_visitors_second_view_comes_from_the_cache_without_a_query(
    client, post, django_assert_num_queries
):
    first = client.get("/")
    assert first.status_code == HTTPStatus.OK and status(first) == MISS

    with django_assert_num_queries(0):
        second = client.get("/")

    assert status(second) == HIT
    assert second.content == first.content
    assert "Achats verts à Pessac" in html(second)
    # Everything the middleware above adds is there on a page from the cache too.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert second["X-Frame-Options"] == "DENY"
    assert second["Content-Language"] == "fr"
    assert "Cookie" in second["Vary"]  # a shared cache must not give it to a logged-in person


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/achats-verts/", "/blog/flux/rss/"])
def test_visitors_pages_set_no_cookie(client, post, path):
    for _ in range(2):
        response = client.get(path)

        assert response.status_code == HTTPStatus.OK
        assert response.cookies == {}, response.cookies
        assert "Set-Cookie" not in response
        assert "csrfmiddlewaretoken" not in html(response)
    assert status(response) == HIT


def test_the_query_string_and_the_host_are_part_of_the_key(client, post):
    client.get("/blog/")

    assert status(client.get("/blog/?page=1")) == MISS
    assert status(client.get("/blog/", HTTP_HOST="localhost")) == MISS
    assert status(client.get("/blog/")) == HIT


def test_post_is_never_served_from_the_cache(client, post):
    client.get("/blog/achats-verts/")

    response = client.post("/blog/achats-verts/")

    assert status(response) is None


# Never for logged-in people -------------------------------------------------------------------


def test_a_logged_in_person_neither_reads_nor_fills_the_cache(client, post, member):
    visitor_page = html(client.get("/"))
    assert status(client.get("/")) == HIT
    client.force_login(member)

    for path in ("/", "/blog/", "/blog/"):
        response = client.get(path)
        assert status(response) is None
        assert "private" in response["Cache-Control"]
        assert "Se déconnecter" in html(response)
    assert html(client.get("/")) != visitor_page

    client.logout()
    anonymous = client.get("/blog/")
    assert status(anonymous) == MISS  # the member's view of /blog/ was not kept
    assert "Se déconnecter" not in html(anonymous)


def test_a_members_only_page_is_never_kept(client, post, member):
    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)

    for _ in range(2):
        response = client.get("/blog/achats-verts/")
        assert response.status_code == HTTPStatus.FOUND
        assert status(response) is None

    client.force_login(member)
    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.OK
    client.logout()
    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.FOUND


def test_a_restricted_page_is_not_kept_even_if_it_answered(rf, post):
    """The middleware's own check, in case a page under a restriction answered a visitor."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)
    request = rf.get("/blog/achats-verts/")
    request.user = AnonymousUser()
    page_cache.mark_page(post, request)

    assert not page_cache.storable(request, HttpResponse("x"))
    request = rf.get("/blog/")
    request.user = AnonymousUser()
    page_cache.mark_page(post.get_parent(), request)
    assert page_cache.storable(request, HttpResponse("x"))


def test_a_visitor_with_a_message_waiting_gets_the_page_itself(client, post):
    client.get("/")
    client.cookies[getattr(settings, "MESSAGE_COOKIE_NAME", "messages")] = "x"

    assert status(client.get("/")) is None


def test_the_contact_page_with_its_form_is_never_kept(client, home_page):
    from website.models import ContactPage

    home_page.add_child(instance=ContactPage(title="Contact", slug="contact"))

    for _ in range(2):
        response = client.get("/contact/")
        assert response.status_code == HTTPStatus.OK
        assert status(response) is None
        assert "csrfmiddlewaretoken" in html(response)


# Invalidation ---------------------------------------------------------------------------------


def test_publishing_a_change_shows_it_on_the_next_view(client, post, member):
    assert "Achats verts à Pessac" in html(client.get("/blog/"))
    assert status(client.get("/blog/")) == HIT

    post.title = "Achats responsables à Pessac"
    post.save_revision(user=member).publish()

    response = client.get("/blog/")
    assert status(response) == MISS
    assert "Achats responsables à Pessac" in html(response)


def test_unpublishing_removes_the_page_from_the_listings(client, post):
    client.get("/blog/")
    client.get("/blog/achats-verts/")

    post.unpublish()

    assert "Achats verts à Pessac" not in html(client.get("/blog/"))
    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("how", ["delete", "trash"])
def test_deleting_or_trashing_a_page_takes_it_away(client, post, coordinator, how):
    from website.trash.pages import trash_page

    client.get("/blog/")
    assert "Achats verts à Pessac" in html(client.get("/blog/"))

    if how == "delete":
        post.delete()
    else:
        trash_page(post, user=coordinator)

    assert "Achats verts à Pessac" not in html(client.get("/blog/"))
    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.NOT_FOUND


def test_restricting_a_page_takes_it_from_the_visitors(client, post):
    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.OK

    PageViewRestriction.objects.create(page=post, restriction_type=PageViewRestriction.LOGIN)

    assert client.get("/blog/achats-verts/").status_code == HTTPStatus.FOUND


def test_a_new_comment_shows_on_the_next_view(client, post, member):
    assert "Très utile" not in html(client.get("/blog/achats-verts/"))
    client.force_login(member)
    sent = client.post(reverse("blog_comments:post", args=[post.pk]), {"comment": "Très utile"})
    assert sent.status_code == HTTPStatus.FOUND
    client.logout()

    assert "Très utile" in html(client.get("/blog/achats-verts/"))

    BlogComment.objects.update(is_public=False)  # a queryset update sends no signal...
    page_cache.invalidate()  # ...so whoever does one invalidates
    BlogComment.objects.get().save()  # moderation saves the comment
    assert "Très utile" not in html(client.get("/blog/achats-verts/"))


def test_editing_or_hiding_a_comment_shows_on_the_next_view(client, post, member):
    client.force_login(member)
    client.post(reverse("blog_comments:post", args=[post.pk]), {"comment": "Premier jet"})
    comment = BlogComment.objects.get()
    client.logout()
    assert "Premier jet" in html(client.get("/blog/achats-verts/"))
    client.force_login(member)  # the cache stays as it is when someone logs in
    assert status(client.get("/blog/achats-verts/", headers={"cookie": ""})) == HIT

    edited = client.post(reverse("blog_comments:edit", args=[comment.pk]), {"comment": "Relu"})
    assert edited.status_code == HTTPStatus.FOUND
    client.logout()
    assert "Relu" in html(client.get("/blog/achats-verts/"))

    comment.refresh_from_db()
    comment.is_public = False  # what the coordinators' "hide" does
    comment.save()
    assert "Relu" not in html(client.get("/blog/achats-verts/"))


def test_the_generation_never_expires_by_itself(db):
    page_cache.generation()

    pages = caches["pages"]
    assert pages._expire_info[pages.make_key(page_cache.GENERATION_KEY)] is None


def test_what_changes_the_generation_and_what_does_not(post, member):
    from django.contrib.sessions.backends.db import SessionStore

    from knowledge.tests.factories import ThemeFactory

    def changes(action):
        before = page_cache.generation()
        action()
        return page_cache.generation() != before

    theme = ThemeFactory(name="Clauses sociales")
    assert changes(lambda: setattr(theme, "name", "Achats sociaux") or theme.save())  # vocabulary
    assert changes(theme.delete)
    assert changes(lambda: post.categories.set([]) or post.tags.add("énergie"))  # tags
    assert not changes(lambda: SessionStore().save())  # a session
    assert not changes(lambda: member.groups.add(*member.groups.all()))  # nothing added
    assert not changes(lambda: member.save(update_fields=["last_login"]))  # a login


def test_the_menu_follows_its_pages(client, home_page, blog):
    assert "Qui sommes-nous" not in html(client.get("/blog/"))

    StandardPageFactory(parent=home_page, title="Qui sommes-nous", show_in_menus=True)

    assert "Qui sommes-nous" in html(client.get("/blog/"))


def test_moving_a_page_invalidates(client, home_page, post):
    assert status(client.get("/blog/")) == MISS
    other = StandardPageFactory(parent=home_page, title="Archives", slug="archives")
    client.get("/blog/")
    assert status(client.get("/blog/")) == HIT

    post.move(other, pos="last-child")

    assert "Achats verts à Pessac" not in html(client.get("/blog/"))


def test_every_worker_of_the_machine_sees_a_change(client, post, settings):
    """Local memory is per process: another worker's change reaches this one through the
    stamp file's modification time (what ``bump`` touches besides its own counter)."""
    client.get("/blog/")
    assert status(client.get("/blog/")) == HIT

    stamp = Path(settings.RAA_PAGE_CACHE_STAMP_FILE)
    stamp.touch()
    os.utime(stamp, ns=(time.time_ns(), time.time_ns() + 1))

    assert status(client.get("/blog/")) == MISS


# The language switch --------------------------------------------------------------------------


def test_french_by_default_english_through_the_switch_each_from_its_own_cache(client, post):
    french = client.get("/blog/")
    assert '<html lang="fr">' in html(french)
    assert 'action="/langue/" method="get"' in html(french)

    switched = client.get("/langue/", {"language": "en", "next": "/blog/"})

    assert switched.status_code == HTTPStatus.FOUND
    assert switched["Location"] == "/blog/"
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    english = client.get("/blog/")
    assert '<html lang="en">' in html(english) and status(english) == MISS
    assert status(client.get("/blog/")) == HIT
    assert '<html lang="en">' in html(client.get("/blog/"))

    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    again = client.get("/blog/")
    assert '<html lang="fr">' in html(again) and status(again) == HIT


@pytest.mark.parametrize(
    ("query", "location"),
    [
        ({"language": "en", "next": "https://example.org/"}, "/"),
        ({"language": "en", "next": "//example.org/"}, "/"),
        ({"language": "en"}, "/"),
        ({"language": "xx", "next": "/blog/"}, "/blog/"),
    ],
)
def test_the_switch_goes_back_only_to_this_site_and_knows_its_languages(
    client, home_page, query, location
):
    response = client.get("/langue/", query)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == location
    if query["language"] == "xx":
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


# Conditional GET ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/blog/", "/blog/flux/rss/", "/blog/flux/atom/"])
def test_an_unchanged_page_or_feed_answers_304(client, post, path):
    first = client.get(path)
    etag = first["ETag"]

    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED
    cached = client.get(path)
    assert status(cached) == HIT and cached["ETag"] == etag
    not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == HTTPStatus.NOT_MODIFIED
    assert not_modified.content == b""

    post.title = "Autre titre"
    post.save_revision().publish()
    assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.OK
