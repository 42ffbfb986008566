from http import HTTPStatus
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from members.models import User

STRUCTURE_SLUGS = {
    "gujan-mestras",
    "le-haillan",
    "mont-de-marsan",
    "pessac",
    "cc-estuaire",
    "cc-montfort-en-chalosse",
    "cc-pays-de-coutras",
    "cobas",
    "grand-dax",
    "pays-coeur-entre-deux-mers",
    "sdis-24",
}


def tree():
    return sorted(Page.objects.values_list("url_path", "content_type__model"))


def test_demo_content_builds_the_page_tree_of_the_design(db):
    call_command("load_demo_content", stdout=StringIO())

    site = Site.objects.get(is_default_site=True)
    urls = {page.url for page in site.root_page.get_descendants(inclusive=True).specific()}
    assert {"/", "/blog/", "/structures/", "/ressources/", "/enseignements/", "/agenda/"} <= urls
    structures = site.root_page.get_descendants().get(slug="structures").get_children()
    assert set(structures.values_list("slug", flat=True)) == STRUCTURE_SLUGS
    assert not Page.objects.filter(slug="home").exists(), "Wagtail's welcome page should be gone"


def test_demo_content_is_idempotent(db):
    call_command("load_demo_content", stdout=StringIO())
    first = tree()

    call_command("load_demo_content", stdout=StringIO())

    assert tree() == first


def test_every_demo_page_renders(client, demo_tree):
    # A coordinator reads everything, team-only resources included.
    coordinator = User.objects.create_user("lecteur@exemple.fr", "x", status=User.Status.APPROVED)
    coordinator.groups.add(Group.objects.get(name="Coordination"))
    client.force_login(coordinator)
    for page in demo_tree.get_descendants(inclusive=True).live().specific():
        response = client.get(page.url)
        assert response.status_code == HTTPStatus.OK, page.url


def test_the_members_area_is_closed_to_visitors(client, demo_tree):
    response = client.get("/espace-membres/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")
    assert "Espace membres" not in client.get("/").content.decode()


def test_demo_accounts_are_refused_when_debug_is_off(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo_content", "--with-accounts", stdout=StringIO())

    assert not User.objects.exists()
    assert not Page.objects.filter(slug="structures").exists()


def test_demo_accounts_are_created_once_and_printed(db, settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("load_demo_content", "--with-accounts", stdout=out)
    call_command("load_demo_content", "--with-accounts", stdout=StringIO())

    assert User.objects.count() == 3
    assert "pessac@exemple.fr / demo-pessac" in out.getvalue()
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 3


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("coordination@exemple.fr", "demo-coordination"),
        ("pessac@exemple.fr", "demo-pessac"),
        ("membre@exemple.fr", "demo-membre"),
    ],
)
def test_demo_accounts_can_log_in(client, demo_tree, email, password):
    response = client.post("/comptes/login/", {"login": email, "password": password})

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_demo_roles_take_effect(client, demo_tree):
    pessac = Page.objects.get(slug="pessac")
    haillan = Page.objects.get(slug="le-haillan")

    client.force_login(User.objects.get(email="pessac@exemple.fr"))
    assert client.get(f"/admin/pages/{pessac.pk}/edit/").status_code == HTTPStatus.OK
    refused = client.get(f"/admin/pages/{haillan.pk}/edit/")
    assert (refused.status_code, refused["Location"]) == (HTTPStatus.FOUND, "/admin/")

    client.force_login(User.objects.get(email="membre@exemple.fr"))
    assert client.get("/espace-membres/").status_code == HTTPStatus.OK
    refused = client.get("/admin/")
    assert (refused.status_code, refused["Location"]) == (
        HTTPStatus.FOUND,
        "/comptes/login/?next=/admin/",
    )

    client.force_login(User.objects.get(email="coordination@exemple.fr"))
    assert client.get(f"/admin/pages/{haillan.pk}/edit/").status_code == HTTPStatus.OK
    assert client.get("/admin/inscriptions/").status_code == HTTPStatus.OK
