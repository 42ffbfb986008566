"""Document uploads through the admin: allowed types checked by content, size, safe names."""

import io
import zipfile
from html import unescape
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from wagtail.documents import get_document_model
from wagtail.models import Collection

from core.uploads import safe_file_name
from knowledge.demo_resources import csv_bytes, odt_bytes, pdf_bytes

Document = get_document_model()


def zip_bytes(entries):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODS = zip_bytes(
    {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<c/>"}
)


def upload(client, name, content):
    return client.post(
        "/admin/documents/add/",
        {
            "title": "Pièce",
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


# Test ids by file name: the contents hold zip timestamps, and pytest-xdist's workers must
# collect the same ids.
ALLOWED = [
    ("guide.pdf", pdf_bytes("guide")),
    ("guide.odt", odt_bytes(["Guide"])),
    ("liste.csv", csv_bytes([("Document", "Détenteur"), ("Délibération", "DGS")])),
    ("liste-cp1252.csv", "Délibération;DGS\r\n".encode("cp1252")),
    ("note.docx", DOCX),
    ("tableau.xlsx", XLSX),
    ("tableau.ods", ODS),
]


@pytest.mark.parametrize(("name", "content"), ALLOWED, ids=[name for name, _ in ALLOWED])
def test_allowed_files_are_accepted(admin_client, name, content):
    response = upload(admin_client, name, content)
    assert response.status_code == HTTPStatus.FOUND
    assert Document.objects.filter(title="Pièce").count() == 1


REFUSED = [
    ("faux.pdf", b"<html>not a pdf</html>", "n'est pas un fichier PDF valide"),
    ("faux.odt", DOCX, "n'est pas un fichier ODT valide"),
    ("faux.ods", odt_bytes(["texte"]), "n'est pas un fichier ODS valide"),
    ("faux.docx", b"PK\x03\x04 broken zip", "n'est pas un fichier DOCX valide"),
    ("faux.xlsx", DOCX, "n'est pas un fichier XLSX valide"),
    ("binaire.csv", b"a;b\x00\x01\x02", "n'est pas un fichier CSV valide"),
    ("vide.csv", b"   ", "n'est pas un fichier CSV valide"),
    ("script.txt", b"hello", "n’est pas autorisée"),
    ("page.html", b"<script>alert(1)</script>", "n’est pas autorisée"),
    ("archive.zip", DOCX, "n’est pas autorisée"),
    ("macro.docm", DOCX, "n’est pas autorisée"),
]


@pytest.mark.parametrize(
    ("name", "content", "message"), REFUSED, ids=[name for name, *_ in REFUSED]
)
def test_bad_files_are_refused_in_french(admin_client, name, content, message):
    response = upload(admin_client, name, content)
    assert response.status_code == HTTPStatus.OK
    assert message in unescape(response.content.decode())
    assert not Document.objects.filter(title="Pièce").exists()


@override_settings(WAGTAILDOCS_MAX_UPLOAD_SIZE=1024)
def test_a_file_over_the_size_limit_is_refused_in_french(admin_client):
    response = upload(admin_client, "gros.csv", b"a;b\r\n" * 400)
    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier est trop gros" in unescape(response.content.decode())
    assert not Document.objects.filter(title="Pièce").exists()


def test_uploaded_file_names_are_sanitised(admin_client):
    response = upload(admin_client, "../Compte rendu (v2)<b>é.PDF", pdf_bytes("cr"))
    assert response.status_code == HTTPStatus.FOUND
    stored = Document.objects.get(title="Pièce").file.name
    assert stored.startswith("documents/compte-rendu-v2be")
    assert stored.endswith(".pdf")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Rapport final.PDF", "rapport-final.pdf"),
        ("..\\..\\etc\\passwd.csv", "passwd.csv"),
        ("<script>.odt", "script.odt"),
        ("....pdf", "document.pdf"),
        ("sans-extension", "sans-extension"),
    ],
)
def test_safe_file_name(name, expected):
    assert safe_file_name(name) == expected
