"""Which pages a person may see: Wagtail's view restrictions applied to a whole queryset."""

from django.db.models import Q
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction


def visible_to(pages, request):
    """``pages`` without those under a view restriction that ``request``'s user does not pass.

    Anonymous visitors get ``public()``; logged-in users also get the restricted pages they are
    allowed to read (login-only restrictions, or one of their groups). One query for the
    restrictions, whatever the number of pages.
    """
    if not request.user.is_authenticated:
        return pages.public()
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not restriction.accept_request(request):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages


def unreadable_collection_ids(request):
    """Ids of the collections (with their descendants) whose view restrictions ``request``
    fails: a few queries, whatever the number of documents."""
    restrictions = CollectionViewRestriction.objects.select_related("collection")
    failed = [
        restriction.collection
        for restriction in restrictions.prefetch_related("groups")
        if not restriction.accept_request(request)
    ]
    if not failed:
        return set()
    condition = Q()
    for collection in failed:
        condition |= Q(path__startswith=collection.path)
    return set(Collection.objects.filter(condition).values_list("pk", flat=True))
