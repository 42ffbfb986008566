"""No shared cache keeps what depends on who asks; downloads of private data are never stored."""

from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from knowledge.vocabularies import SectionVisibility
from members.permissions import members_only_collection


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def pessac_members_plan(pessac):
    pessac.action_plan_visibility = SectionVisibility.MEMBERS
    pessac.save_revision().publish()
    return pessac


def save_document(filename, collection=None):
    document = get_document_model()(title=filename)
    if collection is not None:
        document.collection = collection
    document.file.save(filename, ContentFile(b"%PDF-1.4 texte"), save=False)
    document.save()
    return document


@pytest.fixture
def restricted_document(db):
    return save_document("compte-rendu.pdf", members_only_collection("Documents réservés"))


@pytest.fixture
def public_document(db):
    return save_document("plaquette.pdf")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.mark.django_db
def test_a_visitors_public_page_is_not_marked_private(client, pessac):
    for url in ("/", pessac.url):
        response = client.get(url)

        assert response.status_code == HTTPStatus.OK
        assert "private" not in cache_control(response), url
        assert "no-store" not in cache_control(response), url


@pytest.mark.django_db
def test_a_visitors_public_document_may_be_cached(client, public_document):
    response = client.get(public_document.url)

    assert response.status_code == HTTPStatus.OK
    assert "no-store" not in cache_control(response)
    assert "private" not in cache_control(response)


@pytest.mark.django_db
def test_every_page_a_member_reads_is_private(member_client, member, pessac_members_plan):
    urls = [
        "/",
        pessac_members_plan.url,
        pessac_members_plan.get_parent().url + "tableau-de-bord/",
        "/membres/",
        f"/membres/{member.pk}/",
    ]
    for url in urls:
        response = member_client.get(url)

        assert response.status_code == HTTPStatus.OK, url
        assert "private" in cache_control(response), url
        assert "public" not in cache_control(response), url


@pytest.mark.django_db
def test_a_restricted_document_is_never_stored(member_client, restricted_document):
    response = member_client.get(restricted_document.url)

    assert response.status_code == HTTPStatus.OK
    # Shown in the browser, not downloaded: only its collection says it is private.
    assert response["Content-Disposition"].startswith("inline")
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "ods", "xlsx"])
def test_a_members_only_action_plan_export_is_never_stored(
    member_client, pessac_members_plan, file_format
):
    response = member_client.get(f"{pessac_members_plan.url}plan-d-actions/{file_format}/")

    assert response.status_code == HTTPStatus.OK
    assert {"private", "no-store"} <= cache_control(response)


@pytest.mark.django_db
def test_the_personal_data_export_is_never_stored(member_client):
    response = member_client.get("/membres/moi/donnees/")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/json")
    assert {"private", "no-store"} <= cache_control(response)
