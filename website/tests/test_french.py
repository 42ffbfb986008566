"""The admin and the site in French: booleans, Wagtail's own wording, titles, dates."""

import datetime
import re
from http import HTTPStatus
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext, pgettext
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Page

from members.models import User

PROJECT_APPS = {"core", "knowledge", "members", "blog", "follows", "search", "website"}
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def superuser_client(client, demo_tree, db):
    superuser = User.objects.create_superuser("admin@exemple.fr", "x")
    client.force_login(superuser)
    return client


def project_listings():
    """The admin listing of every model of the project (snippets call theirs "list")."""
    urls = set()
    for viewset in viewsets.viewsets:
        model = getattr(viewset, "model", None)
        if isinstance(viewset, ModelViewSet) and model._meta.app_label in PROJECT_APPS:
            for view_name in ("index", "list"):
                try:
                    urls.add(reverse(viewset.get_url_name(view_name)))
                except NoReverseMatch:
                    continue
    return sorted(urls)


def test_admin_listings_show_no_english_booleans(superuser_client):
    urls = project_listings()
    assert {"/admin/blogcomment/", "/admin/structureteam/"} <= set(urls)
    for url in urls:
        response = superuser_client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        html = response.content.decode()
        assert not re.search(r">\s*(True|False|None)\s*<", html), url


def test_admin_comment_listing_shows_reports_and_states_in_french(superuser_client):
    url = next(url for url in project_listings() if "comment" in url)
    html = superuser_client.get(url).content.decode()
    assert "Signalements" in html
    # Wagtail's boolean cells: an icon, and the value in words for screen readers.
    assert "icon-check" in html
    assert re.search(r'<span class="w-sr-only">\s*Oui\s*</span>', html)


# The msgids are held in variables: ``makemessages`` reads this file too, and must not take
# them for the project's own.
REPORTS, OWNER, USER_PROFILES, COLLECTION_PERMISSIONS = (
    "Reports",
    "owner",
    "user profiles",
    "group collection permissions",
)
PAGE_TYPES = (
    'Only pages of type "%(type)s" may be chosen for this field. Search results will '
    "exclude pages of other types.",
    "Only the following page types may be chosen for this field: %(type)s. Search "
    "results will exclude pages of other types.",
)


def test_wagtails_reports_menu_keeps_its_french_name(superuser_client):
    html = superuser_client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Rapports" in html
    with translation.override("fr"):
        assert gettext(REPORTS) == "Rapports"
        assert pgettext("comment flags", REPORTS) == "Signalements"


def test_the_catalogue_does_not_rename_wagtails_words():
    with translation.override("fr"):
        assert gettext(OWNER) == "propriétaire"  # a page's owner, in Wagtail's admin
        assert pgettext("person in charge of an action", OWNER) == "pilote"


def test_wagtails_singular_plurals_are_plural_in_french():
    with translation.override("fr"):
        assert gettext(USER_PROFILES) == "comptes utilisateurs"
        assert gettext(COLLECTION_PERMISSIONS) == "permissions de collection de groupe"
        assert ngettext(*PAGE_TYPES, 2).startswith("Seules les pages des types suivants")


def test_admin_titles_use_french_punctuation(superuser_client):
    pessac = Page.objects.get(slug="pessac")
    html = superuser_client.get(reverse("wagtailadmin_pages:edit", args=[pessac.pk])).content
    title = re.search(r"<title>(.*?)</title>", html.decode(), re.S).group(1)
    assert re.search(r"Modification de .+[\s\u00a0\u202f]: Pessac", title), title


# Dates follow the reader's language --------------------------------------------------------


def event(start, end=None):
    return SimpleNamespace(start=start, end=end)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Mardi 17 novembre 2009, de 09:30 à 12:30"),
        ("en", "Tuesday, November 17, 2009, 9:30 a.m. to 12:30 p.m."),
    ],
)
def test_event_dates_follow_the_language(language, expected):
    start = datetime.datetime(2009, 11, 17, 9, 30, tzinfo=PARIS)
    end = datetime.datetime(2009, 11, 17, 12, 30, tzinfo=PARIS)
    with translation.override(language), timezone.override(PARIS):
        html = render_to_string("website/includes/event_when.html", {"event": event(start, end)})
    assert " ".join(re.sub(r"<[^>]+>", "", html).split()) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("fr", "17 novembre 2009"), ("en", "Nov. 17, 2009")]
)
def test_post_dates_follow_the_language(client, demo_tree, language, expected):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/blog/resultats-appel-a-candidatures/").content.decode()
    shown = re.findall(r'<time datetime="2009-11-17">(.*?)</time>', html)
    assert shown
    assert set(shown) == {expected}
