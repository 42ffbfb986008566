import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.views.defaults import server_error
from wagtail.models import PageViewRestriction

from website.models import HOME_STRUCTURES

SECTIONS = ["/", "/blog/", "/structures/", "/ressources/", "/enseignements/", "/agenda/"]


@pytest.mark.parametrize("path", SECTIONS)
def test_home_and_every_section_answer_in_french(client, demo_tree, path):
    response = client.get(path)

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and 'id="contenu"' in html
    assert "Aller au contenu" in html
    assert 'aria-label="Menu principal"' in html
    assert "Conseil régional d'Aquitaine" in html and "ADEME" in html


def test_header_menu_lists_the_sections_in_tree_order(client, demo_tree):
    html = client.get("/").content.decode()
    menu = html.split('aria-label="Menu principal"')[1].split("</nav>")[0]

    titles = re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', menu)
    assert titles == ["Accueil", "Blog", "Structures", "Ressources", "Enseignements", "Agenda"]


def test_current_section_is_marked_in_the_menu(client, demo_tree):
    html = client.get("/structures/pessac/").content.decode()

    assert '<a href="/structures/" aria-current="true">Structures</a>' in html


def test_home_page_presents_the_programme_and_the_structures(client, demo_tree):
    html = client.get("/").content.decode()

    assert "Le programme" in html
    assert "quatre jours" in html
    # A handful of the demo's eleven structures and the way to them all (see test_home.py).
    structures = html.split('class="home-structures"')[1].split("</section>")[0]
    assert structures.count('class="card"') == HOME_STRUCTURES
    assert '<a href="/structures/">Voir les 11 structures</a>' in structures


def test_unknown_url_gives_a_french_404_in_the_site_layout(client, demo_tree):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "Page introuvable" in html
    assert 'aria-label="Menu principal"' in html
    assert "Traceback" not in html


def test_server_error_page_is_plain_french_and_safe(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    html = response.content.decode()
    assert "Une erreur est survenue" in html
    assert "{%" not in html and "Traceback" not in html


def test_english_is_available(client, demo_tree):
    client.cookies["django_language"] = "en"

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_language_switch_sets_the_language(client, demo_tree):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/blog/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/blog/"
    assert '<html lang="en">' in client.get("/blog/").content.decode()


def test_public_pages_carry_a_strict_content_security_policy(client, demo_tree):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html
    assert "http://" not in html.replace("http://testserver", "")


def test_no_page_loads_anything_from_another_site(client, demo_tree):
    html = client.get("/").content.decode()

    external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
    assert external == []


def test_sitemap_and_robots_omit_members_only_pages(client, demo_tree):
    restricted = demo_tree.get_descendants().get(slug="pessac")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")

    sitemap = client.get("/sitemap.xml").content.decode()
    robots = client.get("/robots.txt")

    assert "/structures/le-haillan/" in sitemap
    assert "/structures/pessac/" not in sitemap
    assert robots.status_code == HTTPStatus.OK
    assert "Disallow: /admin/" in robots.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()


def test_members_only_page_sends_visitors_to_the_login(client, demo_tree):
    restricted = demo_tree.get_descendants().get(slug="pessac")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")

    response = client.get("/structures/pessac/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/?next=/structures/pessac/")
    assert "Pessac" not in Client().get("/structures/").content.decode()


@pytest.mark.parametrize("query", ["?page=abc", "?page=-1", "?page=99999", "?q=%00", "?x=<script>"])
def test_odd_query_strings_never_break_a_page(client, demo_tree, query):
    for path in SECTIONS:
        assert client.get(path + query).status_code == HTTPStatus.OK


def test_browser_language_does_not_override_french(client, demo_tree):
    html = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()

    assert '<html lang="fr">' in html


def test_an_unknown_language_cookie_falls_back_to_french(client, demo_tree):
    client.cookies["django_language"] = "xx"

    assert '<html lang="fr">' in client.get("/").content.decode()


def test_members_see_the_members_area_in_the_menu(client, demo_tree):
    from members.models import User

    member = User.objects.create_user("lectrice@exemple.fr", "x", status=User.Status.APPROVED)
    client.force_login(member)

    menu = client.get("/").content.decode().split('aria-label="Menu principal"')[1]

    assert "Espace membres" in menu.split("</nav>")[0]
