"""One address for the site, ``SITE_URL``: emails, feeds, share links, the sitemap and
robots.txt link there whatever host the request came through; under ``make run`` it follows
``PORT``."""

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from wagtail.models import Site

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from core.links import sync_sites
from website.demo import build_home

ROOT = Path(settings.BASE_DIR)
PUBLIC = "https://raa.exemple.fr"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def public_address(home_page):
    """The site published at ``PUBLIC`` while the test client asks ``testserver``."""
    with override_settings(SITE_URL=PUBLIC, WAGTAILADMIN_BASE_URL=PUBLIC):
        sync_sites()
        yield


def dev_settings(**environ):
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    env.update(environ, DJANGO_SETTINGS_MODULE="website.settings.dev")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SITE_URL, settings.WAGTAILADMIN_BASE_URL)"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.split()


def test_under_make_run_the_address_follows_the_port():
    assert dev_settings(PORT="8001") == ["http://127.0.0.1:8001", "http://127.0.0.1:8001"]
    assert dev_settings() == ["http://127.0.0.1:8000", "http://127.0.0.1:8000"]
    assert dev_settings(PORT="8001", SITE_URL="https://raa.exemple.fr/") == [PUBLIC, PUBLIC]


def test_make_run_passes_its_port_to_every_command():
    result = subprocess.run(  # noqa: S603
        ["make", "-n", "run", "PORT=8001"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = [line for line in result.stdout.splitlines() if "manage.py" in line]
    assert len(commands) == 3
    assert all(line.startswith("PORT=8001 ") for line in commands)
    assert commands[-1].endswith("runserver 127.0.0.1:8001")


def test_the_demo_puts_wagtails_site_on_the_sites_address(db):
    Site.objects.all().delete()
    with override_settings(SITE_URL="http://127.0.0.1:8001"):
        build_home(StringIO())

    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("127.0.0.1", 8001)
    assert site.root_url == "http://127.0.0.1:8001"


def test_allauth_emails_link_to_the_sites_address(client, public_address):
    client.post(
        "/comptes/signup/",
        {
            "email": "nouvelle@exemple.fr",
            "first_name": "Camille",
            "last_name": "Durand",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )
    client.post("/comptes/password/reset/", {"email": "nouvelle@exemple.fr"})

    bodies = "\n".join(message.body for message in mail.outbox)
    assert f"{PUBLIC}/comptes/confirm-email/" in bodies
    assert "testserver" not in bodies
    assert not re.search(r"127\.0\.0\.1|localhost", bodies)


def test_feeds_link_to_the_sites_address(client, public_address, home_page):
    blog = BlogIndexPageFactory(parent=home_page)
    BlogPostPageFactory(parent=blog, title="Public", slug="public")

    rss = ET.fromstring(client.get("/blog/flux/rss/").content).find("channel")
    atom = ET.fromstring(client.get("/blog/flux/atom/").content)

    assert rss.findtext("link") == f"{PUBLIC}/blog/"
    assert rss.find("item").findtext("link") == f"{PUBLIC}/blog/public/"
    links = {link.get("rel"): link.get("href") for link in atom.findall(f"{ATOM}link")}
    assert links == {"alternate": f"{PUBLIC}/blog/", "self": f"{PUBLIC}/blog/flux/atom/"}
    entry = atom.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}link").get("href") == f"{PUBLIC}/blog/public/"


def test_share_links_carry_the_sites_address(client, public_address, home_page):
    blog = BlogIndexPageFactory(parent=home_page)
    BlogPostPageFactory(parent=blog, title="Public", slug="public")

    html = client.get("/blog/public/").content.decode()

    assert quote(f"{PUBLIC}/blog/public/", safe="/") in html
    assert "testserver" not in html.split('class="share"')[1]


def test_sitemap_and_robots_point_at_the_sites_address(client, public_address, home_page):
    blog = BlogIndexPageFactory(parent=home_page)
    BlogPostPageFactory(parent=blog, slug="public")

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    robots = client.get("/robots.txt").content.decode()

    locations = [url.findtext(f"{SITEMAP}loc") for url in sitemap.findall(f"{SITEMAP}url")]
    assert f"{PUBLIC}/blog/public/" in locations
    assert all(location.startswith(f"{PUBLIC}/") for location in locations)
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots.splitlines()
