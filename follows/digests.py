"""Daily and weekly digests: what was published or commented since the last one, per person.

Each follow remembers up to when it was covered (``last_digest_at``): a run covers
``(last_digest_at, now - SETTLE_DELAY]`` and moves the mark, even when there was nothing to
send, so nothing is sent twice and nothing is skipped. The number of queries depends on the
number of recipients, never on the number of pages or comments.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from wagtail.models import Page

from blog.comments import comments_since
from blog.models import BlogPostPage
from core.followables import registry
from core.links import absolute_url
from core.visibility import Reader, can_read, page_restrictions

from .emails import page_authors, page_excerpt, page_url, plain_text, send
from .models import Follow, attach_targets

logger = logging.getLogger(__name__)

# A digest covers what was published up to a little before it runs, so that a page whose
# publication is still being committed when the digest reads the database is not skipped.
SETTLE_DELAY = timedelta(minutes=2)


@dataclass
class Item:
    """A page or a comment that may go into digests."""

    page: object  # the page published, or the post commented on
    targets: list
    at: datetime
    authors: set
    comment: object = None
    url: str = ""
    excerpt: str = ""
    fields: dict = field(default_factory=dict)


def specificity(follow):
    """Digest groups come in this order, and an item goes to the first group it matches."""
    return (follow.order, str(follow.target_label).casefold(), follow.pk)


def sent_before(item, follows):
    """Whether one of ``follows`` already covered ``item`` in an earlier digest."""
    return any(
        follow.target_key in item.targets and follow.created_at <= item.at < follow.last_digest_at
        for follow in follows
    )


def sent_faster(item, follows, frequency):
    """Whether a faster follow of the same person already brought ``item`` to them.

    Instant emails carry new pages, never comments; a daily digest carries both.
    """
    rank = Follow.RANK[frequency]
    for follow in follows:
        faster = Follow.RANK[follow.frequency] < rank
        if item.comment is not None and follow.frequency == Follow.Frequency.INSTANT:
            faster = False
        if faster and follow.target_key in item.targets and follow.created_at <= item.at:
            return True
    return False


def page_item(page, targets, at, comment=None):
    authors = [author.name for author in page.authors.all()] if hasattr(page, "authors") else []
    return Item(
        page=page,
        targets=targets,
        at=at,
        authors=page_authors(page),
        comment=comment,
        url=page_url(page),
        excerpt=page_excerpt(page),
        fields={"author_names": authors},
    )


def with_authors(pages):
    """``pages`` with their authors (posts) fetched in one query."""
    prefetch_related_objects([page for page in pages if hasattr(page, "authors")], "authors")
    return pages


def load_pages(since, until):
    """Live pages first published in ``(since, until]`` that someone could follow, as items."""
    pages = with_authors(
        list(
            Page.objects.live()
            .filter(first_published_at__gt=since, first_published_at__lte=until)
            .order_by("-first_published_at", "-pk")
            .specific()
        )
    )
    targets = registry.targets_of_pages(pages)
    return [
        page_item(page, targets[page.pk], page.first_published_at)
        for page in pages
        if targets[page.pk]
    ]


def load_comments(since, until):
    """Public comments on live posts made in ``(since, until]``, as items."""
    comments = [comment for comment in comments_since(since) if comment.submit_date <= until]
    posts = BlogPostPage.objects.live().filter(
        pk__in={int(comment.object_pk) for comment in comments}
    )
    posts = {post.pk: post for post in with_authors(list(posts))}
    targets = registry.targets_of_pages(posts.values())
    items = []
    for comment in comments:
        post = posts.get(int(comment.object_pk))
        if post is None:
            continue
        item = page_item(post, targets[post.pk], comment.submit_date, comment=comment)
        item.authors = {comment.user_id} if comment.user_id else set()
        item.excerpt = plain_text(comment.body_html)
        item.url = absolute_url(comment.get_absolute_url())
        item.fields = {"commenter": comment.author_name, "post_title": post.title}
        items.append(item)
    return items


def build_digest(reader, follows, other_follows, frequency, items, restrictions):
    """The groups of one person's digest: ``[{"follow", "label", "pages", "comments"}]``."""
    groups = {follow.pk: {"follow": follow, "pages": [], "comments": []} for follow in follows}
    for item in items:
        if reader.user.pk in item.authors:
            continue
        matching = [follow for follow in follows if follow.target_key in item.targets]
        if not matching or sent_before(item, follows):
            continue
        fresh = [follow for follow in matching if follow.last_digest_at < item.at]
        if not fresh or sent_faster(item, other_follows, frequency):
            continue
        if not can_read(item.page, reader, restrictions):
            continue
        group = groups[fresh[0].pk]
        group["comments" if item.comment is not None else "pages"].append(item)
    return [
        {**group, "label": group["follow"].target_label}
        for group in groups.values()
        if group["pages"] or group["comments"]
    ]


def send_digests(frequency, now=None):
    """Send the ``frequency`` digest to every member who has one due; returns how many."""
    if frequency not in Follow.DIGEST_FREQUENCIES:
        raise ValueError(f"Not a digest frequency: {frequency!r}")
    until = (now or timezone.now()) - SETTLE_DELAY
    follows = attach_targets(
        list(
            Follow.objects.filter(frequency=frequency, last_digest_at__lt=until)
            .select_related("user")
            .prefetch_related("user__groups")
            .order_by("user_id", "pk")
        )
    )
    if not follows:
        return 0
    since = min(follow.last_digest_at for follow in follows)
    by_user = {}
    for follow in follows:
        by_user.setdefault(follow.user_id, []).append(follow)
    others = {}
    for follow in Follow.objects.filter(user_id__in=by_user).exclude(
        frequency__in=[frequency, Follow.Frequency.PAUSED]
    ):
        others.setdefault(follow.user_id, []).append(follow)

    items = load_pages(since, until) + load_comments(since, until)
    items.sort(key=lambda item: (item.at, item.page.pk), reverse=True)
    restrictions = page_restrictions() if items else []
    sent, quiet = 0, []
    for user_id, user_follows in by_user.items():
        user_follows = sorted(user_follows, key=specificity)
        reader = Reader(user_follows[0].user)
        groups = []
        if items and reader.is_member:
            groups = build_digest(
                reader, user_follows, others.get(user_id, []), frequency, items, restrictions
            )
        ids = [follow.pk for follow in user_follows]
        if not groups:
            quiet += ids
            continue
        with transaction.atomic():
            result = send(
                "digest", reader.user, user_follows, {"frequency": frequency, "groups": groups}
            )
            if result.status == TaskResultStatus.FAILED:  # immediate backend: keep it for later
                logger.error("Digest to user %s failed; it will be retried next run.", user_id)
                continue
            Follow.objects.filter(pk__in=ids).update(last_digest_at=until)
        sent += 1
    if quiet:
        Follow.objects.filter(pk__in=quiet).update(last_digest_at=until)
    return sent
