"""Documents are read only through Wagtail's view; images stay under /media/."""

import uuid
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve as serve_media
from wagtail.documents import get_document_model
from wagtail_factories import ImageFactory

from core.checks import documents_outside_media
from members.permissions import members_only_collection


def save_document(filename, collection=None):
    document = get_document_model()(title=filename)
    if collection is not None:
        document.collection = collection
    document.file.save(filename, ContentFile(b"%PDF-1.4 confidentiel"), save=False)
    document.save()
    return document


def is_inside(path, folder):
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


@pytest.mark.django_db
@pytest.mark.parametrize("restricted", [False, True])
def test_no_document_file_is_reachable_by_a_media_url(client, restricted):
    collection = members_only_collection("Documents réservés") if restricted else None
    document = save_document(f"compte-rendu-{uuid.uuid4().hex}.pdf", collection)
    name = document.file.name

    assert name.startswith("documents/")
    assert not is_inside(document.file.path, settings.MEDIA_ROOT)
    assert is_inside(document.file.path, settings.DOCUMENTS_ROOT)
    assert not (Path(settings.MEDIA_ROOT) / name).exists()
    # Production: Django serves nothing under /media/ (a proxy serves /media/images/ only).
    assert client.get(settings.MEDIA_URL + name).status_code == HTTPStatus.NOT_FOUND
    # `make run`: the development server's media view reads MEDIA_ROOT only.
    request = RequestFactory().get(settings.MEDIA_URL + name)
    with pytest.raises(Http404):
        serve_media(request, name, document_root=settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_documents_are_served_by_wagtails_view_which_checks_privacy(client, member):
    public = save_document("plaquette.pdf")
    restricted = save_document("compte-rendu.pdf", members_only_collection("Réservés"))

    response = client.get(public.url)
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content) == b"%PDF-1.4 confidentiel"
    assert client.get(restricted.url).status_code == HTTPStatus.FOUND  # to the login page
    client.force_login(member)
    assert client.get(restricted.url).status_code == HTTPStatus.OK


@pytest.mark.django_db
def test_images_stay_in_the_public_media_tree():
    image = ImageFactory()
    rendition = image.get_rendition("width-100")

    assert is_inside(image.file.path, settings.MEDIA_ROOT)
    assert rendition.url.startswith(settings.MEDIA_URL + "images/")
    assert is_inside(rendition.file.path, settings.MEDIA_ROOT)


@pytest.mark.django_db
def test_the_command_moves_documents_left_in_media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "private"
    old = Path(settings.MEDIA_ROOT) / "documents" / "ancien.pdf"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-1.4 ancien")
    document = get_document_model().objects.create(title="Ancien", file="documents/ancien.pdf")

    call_command("move_documents_out_of_media", stdout=StringIO())
    call_command("move_documents_out_of_media", stdout=StringIO())  # idempotent

    assert not old.exists()
    assert not old.parent.exists()
    document.refresh_from_db()
    with document.file.open("rb") as moved:
        assert moved.read() == b"%PDF-1.4 ancien"
    assert is_inside(document.file.path, settings.DOCUMENTS_ROOT)


def test_documents_root_inside_media_root_is_a_start_up_error(settings):
    settings.DOCUMENTS_ROOT = Path(settings.MEDIA_ROOT) / "documents-prives"

    assert [error.id for error in documents_outside_media(None)] == ["core.E001"]
    settings.DOCUMENTS_ROOT = Path(settings.MEDIA_ROOT).parent / "ailleurs"
    assert documents_outside_media(None) == []


@pytest.mark.django_db
def test_a_document_saves_before_any_media_folder_exists(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS_ROOT = tmp_path / "private"

    document = save_document("premier.pdf")

    assert is_inside(document.file.path, settings.DOCUMENTS_ROOT)
    assert not Path(settings.MEDIA_ROOT).exists()
