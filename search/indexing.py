"""What the site search indexes, page by page (``core.searchable``).

A page type with ``search_entries(self)`` says what is found of it (posts, structures and
their sections, resources, lessons, events); any other page gets one entry of kind "page" made
here from its Wagtail ``search_fields``. Only live pages under a site are indexed. The indexer
sets ``public`` from the view restrictions (``core.visibility``) and ``demoted`` for legal and
technical pages.

Pages are read in batches, each page type with its ``for_search()`` queryset method when it has
one: a batch costs a fixed number of queries whatever its pages hold.
"""

import logging
from itertools import islice

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import translation
from wagtail.models import Page
from wagtail.search import index

from core import site_cache
from core.searchable import IndexEntry, page_url
from core.visibility import Reader, page_restrictions
from knowledge.models import StructurePage
from knowledge.searchable import join, restrictions_read_once, rich_text

from .backends import get_backend

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# Legal and technical pages, by their French slug: ranked below content.
DEMOTED_SLUGS = frozenset(
    {
        "accessibilite",
        "cgu",
        "conditions-generales-d-utilisation",
        "confidentialite",
        "contact",
        "cookies",
        "donnees-personnelles",
        "mentions-legales",
        "plan-du-site",
        "politique-de-confidentialite",
    }
)
SKIPPED_FIELDS = {"title", "slug", "search_description", "seo_title"}
STRUCTURE_SECTIONS = 5  # the most entries a structure's page adds to its own (estimates only)


def is_demoted(page):
    return page.slug in DEMOTED_SLUGS or getattr(page, "search_demoted", False)


def default_entries(page):
    """One entry of kind "page" from the page's searchable fields (rich text made plain)."""
    texts = []
    for field in page.search_fields:
        if not isinstance(field, index.SearchField) or field.field_name in SKIPPED_FIELDS:
            continue
        try:
            value = field.get_value(page)
        except Exception:  # noqa: BLE001  (a broken field must not stop the page's entry)
            logger.warning("Search field %s of page %s unreadable.", field.field_name, page.pk)
            continue
        if value:
            texts.append(rich_text(str(value)))
    return [
        IndexEntry.of_page(
            page,
            "page",
            summary=" ".join((page.search_description or "").split()),
            body=join(*dict.fromkeys(texts)),
        )
    ]


def entries_for(page, restrictions=None):
    """The index entries of ``page`` (any page object): none unless it is live and under a
    site (the root, unpublished pages and pages moved out of the site have none)."""
    if page is None or page.depth <= 1 or not page.live or page.alias_of_id:
        return []  # an alias repeats its original, which has its own entries
    page = page.specific if type(page) is Page else page
    if not page_url(page):
        return []
    if restrictions is None:
        restrictions = page_restrictions()
    with translation.override(settings.LANGUAGE_CODE):
        method = getattr(page, "search_entries", None)
        entries = list(method()) if callable(method) else default_entries(page)
    readable_by_anyone = Reader(None).may_read(page.path, restrictions)
    demoted = is_demoted(page)
    for entry in entries:
        entry.public = readable_by_anyone and not entry.members_only
        entry.demoted = entry.demoted or demoted
    return entries


def indexable_pages():
    """The pages that may have entries: live, below the tree's root."""
    return Page.objects.live().filter(depth__gt=1, alias_of__isnull=True)


def load_pages(page_ids):
    """The specific pages of ``page_ids`` that exist, in the order given, each type read with
    its ``for_search()`` queryset: a fixed number of queries per page type."""
    rows = Page.objects.filter(pk__in=page_ids).values_list("pk", "content_type_id")
    by_type = {}
    for pk, content_type_id in rows:
        by_type.setdefault(content_type_id, []).append(pk)
    pages = {}
    for content_type_id, pks in by_type.items():
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            continue
        queryset = model.objects.filter(pk__in=pks)
        if hasattr(queryset, "for_search"):
            queryset = queryset.for_search()
        pages.update((page.pk, page) for page in queryset)
    return [pages[pk] for pk in page_ids if pk in pages]


def _batches(iterable, size):
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def entries_of_pages(pages, restrictions):
    """The entries of a batch of pages, as a list; a page that fails is logged and left out
    (one broken page must not stop a rebuild)."""
    entries = []
    with restrictions_read_once():
        for page in pages:
            try:
                entries += entries_for(page, restrictions)
            except Exception:  # noqa: BLE001
                logger.exception("Could not index page %s.", page.pk)
    return entries


def all_entries(batch_size=BATCH_SIZE):
    """Every entry of the site, read ``batch_size`` pages at a time."""
    restrictions = page_restrictions()
    last_pk = 0
    while True:
        ids = list(
            indexable_pages()
            .filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return
        last_pk = ids[-1]
        yield from entries_of_pages(load_pages(ids), restrictions)


def estimated_total():
    """About how many entries ``all_entries`` gives (a structure's sections counted as if
    each had words): for progress bars."""
    return indexable_pages().count() + STRUCTURE_SECTIONS * StructurePage.objects.live().count()


def reindex_pages(page_ids, backend=None):
    """Bring the index in line with the current state of ``page_ids``: a page that is gone,
    unpublished or out of the site loses its entries. Returns the number of entries written."""
    backend = backend or get_backend()
    restrictions = page_restrictions()
    written = 0
    for batch in _batches(dict.fromkeys(int(pk) for pk in page_ids), BATCH_SIZE):
        pages = load_pages(batch)
        found = {page.pk for page in pages}
        gone = [pk for pk in batch if pk not in found]
        if gone:
            backend.remove(gone)
        with restrictions_read_once():
            batch_entries = [(page, entries_for(page, restrictions)) for page in pages]
        for page, entries in batch_entries:
            backend.update(page.pk, entries)
            written += len(entries)
    # Searches kept by search.service hold the index as it was: they go with the generation.
    site_cache.invalidate()
    return written


def reindex_page(page_id, backend=None):
    return reindex_pages([page_id], backend)


def reindex_subtree(page, backend=None):
    """``page`` and every page below it (after a move, a privacy or a slug change)."""
    ids = Page.objects.filter(path__startswith=page.path).order_by("path")
    return reindex_pages(ids.values_list("pk", flat=True), backend)


def rebuild(progress=None, backend=None):
    """Index the whole site from scratch through the configured backend; returns the number
    of entries written."""
    backend = backend or get_backend()
    written = 0

    def counted():
        nonlocal written
        for entry in all_entries():
            written += 1
            yield entry

    backend.rebuild(counted(), estimated_total(), progress)
    site_cache.invalidate()  # searches kept by search.service read the old index
    return written
