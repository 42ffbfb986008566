"""The words of attached files (core.file_text): PDF, ODT, DOCX; bounded; a bad file gives ""."""

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfWriter
from wagtail.documents import get_document_model

from core import file_text
from core.file_text import document_text, extract_text
from knowledge.demo_resources import odt_bytes, pdf_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_bytes(paragraphs, extra=""):
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>' for text in paragraphs
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}">'
        f"<w:body>{body}{extra}</w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", xml)
    return out.getvalue()


def test_pdf_text_is_read():
    text = extract_text(io.BytesIO(pdf_bytes("Clause de restauration durable")), "pdf")

    assert text == "Clause de restauration durable"


def test_odt_paragraphs_are_words_apart():
    data = odt_bytes(["Cahier des charges", "Critères sociaux & environnementaux"])

    assert extract_text(io.BytesIO(data), "odt") == (
        "Cahier des charges Critères sociaux & environnementaux"
    )


def test_odt_spacing_elements_keep_words_apart():
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>'
        "<text:p>achat<text:s/>responsable<text:tab/>local<text:line-break/>bio</text:p>"
        "</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", content)

    assert extract_text(io.BytesIO(out.getvalue()), "odt") == "achat responsable local bio"


def test_docx_text_without_field_codes():
    extra = '<w:p><w:r><w:instrText>HYPERLINK "x"</w:instrText><w:t>lien</w:t></w:r></w:p>'
    data = docx_bytes(["Marché de fournitures", "Clause d'insertion"], extra)

    assert extract_text(io.BytesIO(data), "DOCX") == (
        "Marché de fournitures Clause d'insertion lien"
    )


def test_text_is_cut_to_the_limit():
    data = odt_bytes(["mot " * 5000])

    assert len(extract_text(io.BytesIO(data), "odt", max_chars=100)) <= 100


def test_pdf_pages_are_bounded(monkeypatch):
    writer = PdfWriter()
    for _ in range(5):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    calls = []
    monkeypatch.setattr(file_text, "MAX_PDF_PAGES", 2)
    monkeypatch.setattr(
        "pypdf._page.PageObject.extract_text", lambda self, *a, **k: calls.append(1) or "x"
    )

    extract_text(io.BytesIO(out.getvalue()), "pdf")

    assert len(calls) == 2


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    "<w:document><w:body><w:p><w:t>&lol2;</w:t></w:p></w:body></w:document>"
)


def zipped(name, content):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "extension"),
    [
        (b"", "pdf"),
        (b"%PDF-1.4\nnot really a pdf", "pdf"),
        (pdf_bytes("tronque")[:60], "pdf"),
        (b"PK\x03\x04 broken zip", "odt"),
        (zipped("other.xml", "<a/>"), "odt"),  # no content.xml
        (zipped("word/document.xml", "<w:document><unclosed>"), "docx"),
        (zipped("word/document.xml", BILLION_LAUGHS), "docx"),  # entities refused
        (b"\x00" * 100, "docx"),
        (pdf_bytes("texte"), "exe"),  # not a type we read
    ],
    # Named: the zips hold their timestamps, and pytest-xdist's workers must collect the same ids.
    ids=[
        "empty",
        "pdf-header-only",
        "pdf-cut",
        "broken-zip",
        "odt-without-content",
        "docx-unclosed",
        "docx-entities",
        "zeros",
        "unread-type",
    ],
)
def test_a_bad_file_gives_no_words_and_no_error(data, extension):
    assert extract_text(io.BytesIO(data), extension) == ""


def test_an_encrypted_pdf_gives_no_words():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)

    assert extract_text(io.BytesIO(out.getvalue()), "pdf") == ""


def test_a_zip_bomb_is_not_unpacked(monkeypatch):
    monkeypatch.setattr(file_text, "MAX_XML_BYTES", 1000)
    data = zipped("content.xml", "<a>" + "x" * 100_000 + "</a>")  # compresses to almost nothing

    assert len(data) < 1000
    assert extract_text(io.BytesIO(data), "odt") == ""


@pytest.mark.django_db
def test_document_text_reads_the_stored_file_once(django_assert_num_queries, monkeypatch):
    document = get_document_model()(title="Guide")
    document.file.save("guide.odt", ContentFile(odt_bytes(["Guide des achats"])), save=False)
    document.save()
    reads = []
    original = file_text.extract_text
    monkeypatch.setattr(
        file_text, "extract_text", lambda *args, **kw: reads.append(1) or original(*args, **kw)
    )

    assert document_text(document) == "Guide des achats"
    assert document_text(document) == "Guide des achats"
    assert len(reads) == 1


@pytest.mark.django_db
def test_document_text_of_a_missing_file_is_empty():
    document = get_document_model()(title="Perdu")
    document.file.save("perdu.pdf", ContentFile(pdf_bytes("perdu")), save=False)
    document.save()
    document.file.storage.delete(document.file.name)

    assert document_text(document) == ""
