"""The demo resources: one of each main kind, two versions of one, two restricted ones."""

from http import HTTPStatus
from io import StringIO

from django.core.management import call_command
from wagtail.models import Page

from knowledge.models import ResourceFile, ResourcePage
from members.models import User


def test_demo_resources_cover_the_kinds_versions_and_audiences(demo_tree):
    resources = ResourcePage.objects.live()
    assert {"documents-cles", "guide-entretien", "support-formation", "modele", "compte-rendu"} <= {
        resource.kind for resource in resources
    }
    assert {resource.audience for resource in resources} == {"public", "members", "team"}
    versions = ResourceFile.objects.filter(page__slug="liste-indicative-documents-cles")
    assert versions.count() == 2
    assert all(resource.summary.startswith("Ressource illustrative") for resource in resources)


def test_demo_resources_are_loaded_once(demo_tree):
    before = sorted(Page.objects.values_list("url_path", flat=True))
    files = ResourceFile.objects.count()
    call_command("load_demo_content", stdout=StringIO())
    assert sorted(Page.objects.values_list("url_path", flat=True)) == before
    assert ResourceFile.objects.count() == files


def test_demo_files_download_by_role(client, demo_tree):
    team = ResourcePage.objects.get(audience="team")
    team_file = team.files.get().document
    public_file = ResourceFile.objects.filter(page__audience="public").first().document
    assert client.get(public_file.url).status_code == HTTPStatus.OK
    assert client.get(team_file.url).status_code == HTTPStatus.FOUND
    client.force_login(User.objects.get(email="pessac@exemple.fr"))
    assert client.get(team.url).status_code == HTTPStatus.OK
    assert client.get(team_file.url).status_code == HTTPStatus.OK
    client.force_login(User.objects.get(email="membre@exemple.fr"))
    assert client.get(team.url).status_code == HTTPStatus.FORBIDDEN
    assert client.get(team_file.url).status_code == HTTPStatus.FORBIDDEN
