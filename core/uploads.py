"""What a document upload may be, site-wide (``WAGTAILDOCS_DOCUMENT_FORM_BASE``).

Wagtail checks the extension (``WAGTAILDOCS_EXTENSIONS``) and the size
(``WAGTAILDOCS_MAX_UPLOAD_SIZE``); this form also reads the file so that its content matches
its extension, and gives it a safe name:

- PDF: starts with ``%PDF-``;
- ODT, ODS: a zip whose ``mimetype`` entry names the OpenDocument type;
- DOCX, XLSX: a zip holding ``[Content_Types].xml`` and the main part of the format;
- CSV: text (UTF-8 or Windows-1252), without NUL or other control bytes.

Nothing is unpacked beyond the small ``mimetype`` entry, so a zip bomb costs nothing.
"""

import re
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

ODF_TYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
OOXML_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_NAME_LENGTH = 80

CONTENT_MISMATCH = _(
    "The content of this file is not a valid %(format)s file: save it again in that format "
    "or choose another file."
)


def _read_zip(upload):
    try:
        upload.seek(0)
        return zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _is_odf(upload, extension):
    archive = _read_zip(upload)
    if archive is None:
        return False
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return False
    if info.file_size > 100:
        return False
    try:
        mimetype = archive.read(info).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        return False
    return mimetype == ODF_TYPES[extension] and "content.xml" in archive.namelist()


def _is_ooxml(upload, extension):
    archive = _read_zip(upload)
    if archive is None:
        return False
    names = set(archive.namelist())
    return "[Content_Types].xml" in names and OOXML_PARTS[extension] in names


def _is_pdf(upload):
    upload.seek(0)
    return upload.read(5) == b"%PDF-"


def _is_csv(upload):
    upload.seek(0)
    data = upload.read()
    if not data.strip() or CONTROL_BYTES.search(data):
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


def content_matches(upload, extension):
    """Whether the uploaded file's bytes are a file of the format its ``extension`` names."""
    if extension == "pdf":
        return _is_pdf(upload)
    if extension in ODF_TYPES:
        return _is_odf(upload, extension)
    if extension in OOXML_PARTS:
        return _is_ooxml(upload, extension)
    if extension == "csv":
        return _is_csv(upload)
    return False


def safe_file_name(name):
    """``name`` reduced to lowercase ASCII letters, digits and dashes, with its extension:
    ``"../Compte rendu (v2)<script>.PDF"`` becomes ``"compte-rendu-v2script.pdf"``."""
    path = PurePath(name.replace("\\", "/")).name
    stem, dot, extension = path.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    stem = slugify(stem)[:MAX_NAME_LENGTH].strip("-") or "document"
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())
    return f"{stem}.{extension}" if extension else stem


class CheckedDocumentForm(BaseDocumentForm):
    """Wagtail's document form, reading the file to check its content and renaming it."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        upload.name = safe_file_name(upload.name)
        extension = upload.name.rpartition(".")[2] if "." in upload.name else ""
        if extension not in getattr(settings, "WAGTAILDOCS_EXTENSIONS", ()):
            return upload  # Wagtail's model validation refuses the extension, with its message
        if not content_matches(upload, extension):
            upload.seek(0)
            raise ValidationError(
                CONTENT_MISMATCH, code="content_mismatch", params={"format": extension.upper()}
            )
        upload.seek(0)
        return upload
