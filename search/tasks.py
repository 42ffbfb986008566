"""Background work of the search (django-tasks: immediate locally, a worker in production).

Arguments are plain page ids, so any task backend can store them; each task reads the pages'
current state, so running one twice, late or out of order leaves the index right.
"""

from django_tasks import task
from wagtail.models import Page

from .indexing import reindex_pages, reindex_subtree


@task()
def sync_pages(page_ids):
    """Index these pages as they are now: a deleted or unpublished page loses its entries."""
    return reindex_pages(page_ids)


@task()
def sync_subtree(page_id):
    """Index a page and every page below it (their paths, URLs or privacy changed)."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:
        return reindex_pages([page_id])
    return reindex_subtree(page)
