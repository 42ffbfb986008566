"""The words of an uploaded document, for the search index: PDF, ODT and DOCX.

PDF through ``pypdf``; ODT and DOCX are zips whose text is one XML part (``content.xml``,
``word/document.xml``), parsed with ``defusedxml`` (no entities, no DTD). Every read is bounded
(file size, pages, uncompressed size, characters) and a bad file gives an empty string, never an
exception: a broken attachment must not stop a page from being indexed.
"""

import logging
import re
import zipfile

from defusedxml import ElementTree
from django.core.cache import cache

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_XML_BYTES = 20 * 1024 * 1024  # uncompressed: a zip bomb is refused before it is read
MAX_PDF_PAGES = 50
MAX_CHARS = 50_000
CACHE_SECONDS = 7 * 24 * 3600

ZIP_PARTS = {"odt": "content.xml", "docx": "word/document.xml"}
SPACES = {"s", "tab", "line-break", "br", "cr"}  # ODT and WordprocessingML spacing elements
BLOCKS = {"p", "h", "tr", "tc", "list-item", "table-cell"}
SKIPPED = {"instrText", "delText", "annotation", "tracked-changes"}  # field codes, deletions


def _local(tag):
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _clean(text, max_chars):
    return " ".join(text.split())[:max_chars].strip()


class _Words:
    """Text gathered in document order, until ``budget`` characters."""

    def __init__(self, budget):
        self.parts, self.length, self.budget = [], 0, budget

    def add(self, text):
        if text:
            self.parts.append(text)
            self.length += len(text)

    @property
    def full(self):
        return self.length > self.budget

    def walk(self, element):
        name = _local(element.tag)
        if name not in SKIPPED:
            if name in SPACES:
                self.add(" ")
            self.add(element.text)
            for child in element:
                if self.full:
                    return
                self.walk(child)
            if name in BLOCKS:
                self.add("\n")
        self.add(element.tail)


def _zip_text(file, extension, max_chars):
    with zipfile.ZipFile(file) as archive:
        info = archive.getinfo(ZIP_PARTS[extension])
        if info.file_size > MAX_XML_BYTES:
            return ""
        with archive.open(info) as part:
            data = part.read(MAX_XML_BYTES + 1)
    if len(data) > MAX_XML_BYTES:
        return ""
    root = ElementTree.fromstring(data, forbid_dtd=True)
    words = _Words(max_chars * 2)
    words.walk(root)
    return _clean("".join(words.parts), max_chars)


def _pdf_text(file, max_chars):
    from pypdf import PdfReader  # noqa: PLC0415  (imported when a PDF is read: it is heavy)

    reader = PdfReader(file, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    parts, length = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        length += len(text)
        if length > max_chars:
            break
    return _clean(" ".join(parts), max_chars)


def extract_text(file, extension, max_chars=MAX_CHARS):
    """The plain words of ``file`` (a binary file object) of type ``extension`` ("pdf",
    "odt", "docx"), at most ``max_chars`` characters; "" for other types and for any file that
    cannot be read."""
    extension = (extension or "").lower().lstrip(".")
    if extension not in ("pdf", *ZIP_PARTS):
        return ""
    try:
        if extension == "pdf":
            return _pdf_text(file, max_chars)
        return _zip_text(file, extension, max_chars)
    except Exception:  # noqa: BLE001  (a broken upload may raise anything from its parser)
        logger.warning("Could not read the text of a %s file.", extension, exc_info=True)
        return ""


def document_text(document, max_chars=MAX_CHARS):
    """The words of a Wagtail document's file, cached by its content hash: a rebuild does not
    parse the same PDF again."""
    extension = (document.file_extension or "").lower()
    if extension not in ("pdf", *ZIP_PARTS):
        return ""
    size = document.file_size
    if size is not None and size > MAX_FILE_BYTES:
        return ""
    # The file's name changes with each upload (the storage never reuses one) and its hash
    # with each content: either tells a replaced file.
    fingerprint = re.sub(r"[^\w.-]", "", f"{document.file.name}:{document.file_hash or ''}")
    key = f"raa:file-text:{document.pk}:{fingerprint[-150:]}:{max_chars}"
    text = cache.get(key)
    if text is not None:
        return text
    try:
        with document.file.open("rb") as file:
            text = extract_text(file, extension, max_chars)
    except (OSError, ValueError):
        logger.warning("Could not open document %s for indexing.", document.pk, exc_info=True)
        return ""
    cache.set(key, text, CACHE_SECONDS)
    return text
