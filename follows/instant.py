"""Instant emails: one to each instant follower when a page concerning them is first published.

Every recipient is an active network member who may read the page (``core.visibility``);
nobody hears about their own pages. The task starts once the publication is committed.
"""

from django.db import transaction
from django_tasks import task
from wagtail.models import Page, PageLogEntry

from core.followables import registry
from core.visibility import Reader, can_read, page_restrictions

from .emails import page_authors, page_excerpt, page_url, send
from .models import Follow, attach_targets

PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def is_first_publication(page):
    """Whether ``page`` just went live for the first time.

    Wagtail gives both dates the same instant at a first publication, but also when a stale
    copy of the page is published again; the log, written after ``page_published``, tells.
    """
    return (
        page.live
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
        and not PageLogEntry.objects.filter(page_id=page.pk, action__in=PUBLISH_ACTIONS).exists()
    )


def on_page_published(sender, instance, **kwargs):
    """``page_published`` receiver: queue the instant emails for a page's first publication.

    Re-publishing, scheduled publication (the page is not live yet) and pages nobody can follow
    queue nothing.
    """
    if not is_first_publication(instance) or not registry.targets_of_page(instance.specific):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: notify_followers.enqueue(page_id=page_id))


@task()
def notify_followers(page_id):
    """Email each instant follower of what ``page_id`` concerns, once per person."""
    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is None:
        return 0
    authors = page_authors(page)
    follows = list(
        Follow.objects.matching(registry.targets_of_page(page))
        .filter(frequency=Follow.Frequency.INSTANT, user__is_active=True)
        .exclude(user_id__in=authors)
        .select_related("user")
        .prefetch_related("user__groups")
        .order_by("user_id", "pk")
    )
    attach_targets(follows)
    restrictions = page_restrictions()
    author_names = [a.name for a in page.authors.all()] if hasattr(page, "authors") else []
    context = {
        "page": page,
        "is_post": hasattr(page, "authors"),
        "url": page_url(page),
        "excerpt": page_excerpt(page),
        "author_names": author_names,
    }
    by_user = {}
    for follow in follows:
        by_user.setdefault(follow.user_id, []).append(follow)
    sent = 0
    for user_follows in by_user.values():
        reader = Reader(user_follows[0].user)
        if not (reader.is_member and can_read(page, reader, restrictions)):
            continue
        send("post_published", reader.user, user_follows, context)
        sent += 1
    return sent
