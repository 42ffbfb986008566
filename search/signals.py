"""Keeping the site search current: what changes an entry queues its pages for indexing.

Publication, unpublication, deletion (a whole subtree too), moves and slug changes (paths and
URLs change below the page), privacy changes (view restrictions and their groups), and what
changes an entry without a publication: a document's file replaced, a collection's privacy,
a vocabulary term renamed, a structure's rows or a resource's file versions written outside the
editor (a restore).

Page ids are gathered for the transaction and queued once it commits (``sync_pages``,
``sync_subtree``): deleting a subtree of a thousand pages queues one task, and a transaction
rolled back queues nothing wrong, since a task reads the pages' state when it runs.
``indexing_paused()`` turns all this off, for the demo builder that rebuilds the index once.
"""

import contextlib
import threading

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from knowledge.lesson_vocabularies import LESSON_VOCABULARIES
from knowledge.models import (
    Action,
    CommitmentRecord,
    DiagnosticItem,
    JourneyStage,
    ResourceFile,
    StructurePage,
)
from knowledge.vocabularies import VOCABULARIES

from .tasks import sync_pages, sync_subtree

_state = threading.local()
PAGE_ROWS = [JourneyStage, CommitmentRecord, DiagnosticItem, Action, ResourceFile]


@contextlib.contextmanager
def indexing_paused():
    """Queue nothing while the block runs (whoever pauses rebuilds the index afterwards)."""
    _state.paused = getattr(_state, "paused", 0) + 1
    try:
        yield
    finally:
        _state.paused -= 1


def is_paused():
    return getattr(_state, "paused", 0) > 0


def _pending():
    if not hasattr(_state, "pages"):
        _state.pages, _state.subtrees = set(), set()
    return _state


def queue_pages(page_ids):
    page_ids = {int(pk) for pk in page_ids if pk}
    if is_paused() or not page_ids:
        return
    _pending().pages.update(page_ids)
    transaction.on_commit(flush, robust=True)


def queue_subtree(page_id):
    if is_paused() or not page_id:
        return
    _pending().subtrees.add(int(page_id))
    transaction.on_commit(flush, robust=True)


def flush():
    """Queue the tasks for what the committed transaction changed (once per transaction:
    later calls find nothing left)."""
    state = _pending()
    # A subtree's task indexes its root too.
    pages, subtrees = sorted(state.pages - state.subtrees), sorted(state.subtrees)
    state.pages, state.subtrees = set(), set()
    for page_id in subtrees:
        sync_subtree.enqueue(page_id=page_id)
    if pages:
        sync_pages.enqueue(page_ids=pages)


def referring_page_ids(structure_id):
    """Pages whose entries name this structure (posts, resources, lessons, events): they
    follow its title, its publication and its deletion."""
    ids = set()
    for relation in StructurePage._meta.related_objects:
        model = relation.related_model
        if relation.parent_link or not (isinstance(model, type) and issubclass(model, Page)):
            continue
        ids.update(
            model.objects.filter(**{relation.field.name: structure_id}).values_list("pk", flat=True)
        )
    return ids


def pages_using_term(term):
    """Pages whose entries carry this vocabulary term (as a facet or a word): those related
    to it, those whose rows are (a diagnostic item's theme, an action's sector), and the pages
    naming a structure related to it (a département's name is on every post about Pessac)."""
    ids = set()
    for relation in type(term)._meta.related_objects:
        model = relation.related_model
        rows = model.objects.filter(**{relation.field.name: term.pk})
        if issubclass(model, Page):
            ids.update(rows.values_list("pk", flat=True))
        elif any(field.name == "page" for field in model._meta.fields):
            ids.update(rows.values_list("page_id", flat=True))
    structures = StructurePage.objects.filter(pk__in=ids).values_list("pk", flat=True)
    for structure_id in list(structures):
        ids |= referring_page_ids(structure_id)
    return ids


def on_term_saved(sender, instance, created=False, raw=False, **kwargs):
    """A theme, a sector, a département... renamed: the labels in the entries follow."""
    if not (created or raw or is_paused()):
        queue_pages(pages_using_term(instance))


def _is_structure(page):
    return isinstance(page, StructurePage) or (
        page.content_type_id is not None and page.content_type_id == _structure_content_type_id()
    )


def _structure_content_type_id():
    return ContentType.objects.get_for_model(StructurePage).pk


def on_page_changed(sender, instance, **kwargs):
    """Published or unpublished: the page, and the pages naming it if it is a structure."""
    if is_paused():
        return
    ids = {instance.pk}
    if _is_structure(instance):
        ids |= referring_page_ids(instance.pk)
    queue_pages(ids)


def on_page_deleting(sender, instance, **kwargs):
    if not is_paused() and _is_structure(instance):
        queue_pages(referring_page_ids(instance.pk))


def on_page_deleted(sender, instance, **kwargs):
    queue_pages([instance.pk])


def on_subtree_changed(sender, instance, **kwargs):
    """Moved, or its slug changed: every path and URL below it changed too."""
    queue_subtree(instance.pk)


def on_restriction_changed(sender, instance, **kwargs):
    queue_subtree(instance.page_id)


def on_restriction_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_") or is_paused():
        return
    if not reverse:
        queue_subtree(instance.page_id)
        return
    page_ids = PageViewRestriction.objects.filter(pk__in=pk_set or ()).values_list(
        "page_id", flat=True
    )
    for page_id in page_ids:
        queue_subtree(page_id)


def on_document_saved(sender, instance, **kwargs):
    """A document's file replaced, or moved to another collection: its resources' words."""
    if is_paused() or kwargs.get("created"):
        return
    queue_pages(
        ResourceFile.objects.filter(document_id=instance.pk).values_list("page_id", flat=True)
    )


def on_collection_restriction_changed(sender, instance, **kwargs):
    """A collection's privacy decides which files lend their words to their resource."""
    if is_paused():
        return
    collection = getattr(instance, "collection", None)
    if collection is None:
        return
    queue_pages(
        ResourceFile.objects.filter(
            document__collection__path__startswith=collection.path
        ).values_list("page_id", flat=True)
    )


def on_collection_restriction_groups_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        on_collection_restriction_changed(sender, instance)


def on_row_changed(sender, instance, raw=False, **kwargs):
    """A structure's row or a resource's file version written outside a publication."""
    if not raw:
        queue_pages([instance.page_id])


def connect():
    page_published.connect(on_page_changed, dispatch_uid="search-page-published")
    page_unpublished.connect(on_page_changed, dispatch_uid="search-page-unpublished")
    pre_delete.connect(on_page_deleting, sender=Page, dispatch_uid="search-page-deleting")
    post_delete.connect(on_page_deleted, sender=Page, dispatch_uid="search-page-deleted")
    post_page_move.connect(on_subtree_changed, dispatch_uid="search-page-moved")
    page_slug_changed.connect(on_subtree_changed, dispatch_uid="search-page-slug")
    for signal, name in [(post_save, "saved"), (post_delete, "deleted")]:
        signal.connect(
            on_restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"search-restriction-{name}",
        )
        signal.connect(
            on_collection_restriction_changed,
            sender=CollectionViewRestriction,
            dispatch_uid=f"search-collection-restriction-{name}",
        )
        for model in PAGE_ROWS:
            signal.connect(
                on_row_changed, sender=model, dispatch_uid=f"search-{model.__name__}-{name}"
            )
    m2m_changed.connect(
        on_restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="search-restriction-groups",
    )
    m2m_changed.connect(
        on_collection_restriction_groups_changed,
        sender=CollectionViewRestriction.groups.through,
        dispatch_uid="search-collection-restriction-groups",
    )
    for model in [*VOCABULARIES, *LESSON_VOCABULARIES]:
        post_save.connect(on_term_saved, sender=model, dispatch_uid=f"search-term-{model.__name__}")
    post_save.connect(
        on_document_saved, sender=get_document_model(), dispatch_uid="search-document-saved"
    )
