"""Emails to followers: one at a new page's first publication, and the daily/weekly digests.

Every recipient is an active network member who may see what the email shows (Wagtail view
restrictions, checked with ``members.follows.can_view``); nobody hears about their own pages or
comments. Emails go out through ``members.tasks.send_email_message`` (django-tasks) and carry a
signed one-click unsubscribe link (RFC 8058 headers included).
"""

import html
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django_tasks import task
from django_tasks.base import TaskResultStatus

from .follows import (
    Follow,
    ViewRules,
    can_view,
    is_network_member,
    targets_of_page,
    unsubscribe_token,
)
from .tasks import send_email_message

logger = logging.getLogger(__name__)

EXCERPT_WORDS = 40
# A digest covers what was published up to a little before it runs, so that a page whose
# publication is still being committed when the digest reads the database is not skipped.
SETTLE_DELAY = timedelta(minutes=2)


# Shared helpers ----------------------------------------------------------------------------


def absolute_url(path):
    return settings.SITE_URL + path


def absolute_url_of(url):
    return url if url.startswith(("http://", "https://")) else absolute_url(url)


def page_url(page):
    parts = page.get_url_parts()
    return absolute_url(parts[2] if parts else "/")


def plain_text(value, words=EXCERPT_WORDS, is_html=True):
    """``value`` as one line of text (markup removed when ``is_html``), cut to ``words`` words."""
    text = str(value or "")
    if is_html:
        text = html.unescape(strip_tags(text))
    return Truncator(" ".join(text.split())).words(words, truncate=" …")


# Text fields first, then HTML ones; other values (a StreamField) are skipped: rendering them
# here could query for every page.
EXCERPT_FIELDS = [
    ("summary", False),
    ("search_description", False),
    ("introduction", True),
    ("body_html", True),
    ("body", True),
]


def page_excerpt(page):
    """The page's summary, else the first words of its text."""
    for name, is_html in EXCERPT_FIELDS:
        value = getattr(page, name, "")
        text = plain_text(value, is_html=is_html) if isinstance(value, str) else ""
        if text:
            return text
    return ""


def page_authors(page):
    """Ids of the people who wrote ``page``: its authors (posts) and its owner."""
    authors = {author.pk for author in page.authors.all()} if hasattr(page, "authors") else set()
    if page.owner_id:
        authors.add(page.owner_id)
    return authors


def send(template, user, follows, context):
    """Render ``members/email/<template>_{subject,message}.txt`` and enqueue it for ``user``."""
    token = unsubscribe_token(user, follows)
    unsubscribe_url = absolute_url(reverse("members:unsubscribe", args=[token]))
    context = {
        **context,
        "recipient": user,
        "manage_url": absolute_url(reverse("members:follows")),
        "unsubscribe_url": unsubscribe_url,
        "site_url": absolute_url("/"),
        "follows": follows,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"members/email/{template}_subject.txt", context)
        body = render_to_string(f"members/email/{template}_message.txt", context)
    body = re.sub(r"\n{3,}", "\n\n", body.strip()) + "\n"
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    return send_email_message.enqueue(
        subject=prefix + " ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# Instant emails ----------------------------------------------------------------------------


PUBLISH_ACTIONS = ("wagtail.publish", "wagtail.publish.scheduled")


def is_first_publication(page):
    """Whether ``page`` just went live for the first time.

    Wagtail gives both dates the same instant at a first publication, but also when a stale
    copy of the page is published again; the log, written after ``page_published``, tells.
    """
    from wagtail.models import PageLogEntry

    return (
        page.live
        and page.first_published_at is not None
        and page.first_published_at == page.last_published_at
        and not PageLogEntry.objects.filter(page_id=page.pk, action__in=PUBLISH_ACTIONS).exists()
    )


def on_page_published(sender, instance, **kwargs):
    """``page_published`` receiver: queue the instant emails for a page's first publication.

    Re-publishing, scheduled publication (the page is not live yet) and pages nobody can follow
    queue nothing. The task starts once the publication is committed, with the page's id only.
    """
    if not is_first_publication(instance) or not targets_of_page(instance.specific):
        return
    page_id = instance.pk
    transaction.on_commit(lambda: notify_followers.enqueue(page_id=page_id))


@task()
def notify_followers(page_id):
    """Email each instant follower of what ``page_id`` concerns, once per person."""
    from wagtail.models import Page

    page = Page.objects.live().filter(pk=page_id).specific().first()
    if page is None:
        return 0
    targets = targets_of_page(page)
    authors = page_authors(page)
    follows = (
        Follow.objects.matching(targets)
        .filter(frequency=Follow.Frequency.INSTANT, user__is_active=True)
        .exclude(user_id__in=authors)
        .select_related("user", "category", "structure")
        .prefetch_related("user__groups")
        .order_by("user_id", "pk")
    )
    restrictions = list(page.get_view_restrictions().prefetch_related("groups"))
    context = {
        "page": page,
        "is_post": hasattr(page, "authors"),
        "url": page_url(page),
        "excerpt": page_excerpt(page),
        "author_names": [author.name for author in page.authors.all()]
        if hasattr(page, "authors")
        else [],
    }
    sent = 0
    for _user_id, user_follows in groupby(follows, key=lambda follow: follow.user_id):
        user_follows = list(user_follows)
        user = user_follows[0].user
        if not (is_network_member(user) and can_view(user, page, restrictions)):
            continue
        send("post_published", user, user_follows, context)
        sent += 1
    return sent


# Digests -----------------------------------------------------------------------------------


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
    order = [
        Follow.Kind.CATEGORY,
        Follow.Kind.STRUCTURE,
        Follow.Kind.BLOG,
        Follow.Kind.LESSONS,
        Follow.Kind.RESOURCES,
    ]
    name = follow.category.name if follow.category_id else ""
    title = follow.structure.title if follow.structure_id else ""
    return (order.index(follow.kind), name.lower(), title.lower(), follow.pk)


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


def load_pages(follows, since, until):
    """New live posts and section pages published in ``(since, until]``, as items."""
    from wagtail.models import Page

    from blog.models import BlogPostPage
    from knowledge.models import LessonIndexPage, ResourceIndexPage

    posts = (
        BlogPostPage.objects.live()
        .filter(first_published_at__gt=since, first_published_at__lte=until)
        .select_related("structure")
        .prefetch_related("categories", "authors")
        .order_by("-first_published_at", "-pk")
    )
    items = [post_item(post, post.first_published_at) for post in posts]

    sections = [
        (model, kind)
        for model, kind in (
            (LessonIndexPage, Follow.Kind.LESSONS),
            (ResourceIndexPage, Follow.Kind.RESOURCES),
        )
        if any(follow.kind == kind for follow in follows)
    ]
    for model, kind in sections:
        for index in model.objects.all():
            pages = (
                Page.objects.live()
                .descendant_of(index)
                .filter(first_published_at__gt=since, first_published_at__lte=until)
                .specific()
            )
            items += [
                Item(
                    page=page,
                    targets=[(kind, None)],
                    at=page.first_published_at,
                    authors=page_authors(page),
                    url=page_url(page),
                    excerpt=page_excerpt(page),
                )
                for page in pages
            ]
    items.sort(key=lambda item: (item.at, item.page.pk), reverse=True)
    return items


def post_item(post, at, comment=None):
    return Item(
        page=post,
        targets=targets_of_page(post),
        at=at,
        authors=page_authors(post),
        comment=comment,
        url=page_url(post),
        excerpt=page_excerpt(post),
        fields={"author_names": [author.name for author in post.authors.all()]},
    )


def load_comments(since, until):
    """Public comments on live posts made in ``(since, until]``, as items.

    Empty while ``blog.comments`` does not exist (the blog app without comments).
    """
    try:
        from blog.comments import comments_since
    except ImportError:
        return []
    from blog.models import BlogPostPage

    comments = [comment for comment in comments_since(since) if comment.submit_date <= until]
    # The posts again, with what matching and excerpts need, in two queries.
    posts = BlogPostPage.objects.live().filter(
        pk__in={int(comment.object_pk) for comment in comments}
    )
    posts = {
        post.pk: post
        for post in posts.select_related("structure").prefetch_related("categories", "authors")
    }
    items = []
    for comment in comments:
        post = posts.get(int(comment.object_pk))
        if post is None:
            continue
        item = post_item(post, comment.submit_date, comment=comment)
        item.authors = {comment.user_id} if comment.user_id else set()
        item.excerpt = plain_text(comment.body_html)
        item.url = absolute_url_of(comment.get_absolute_url())
        item.fields = {"commenter": comment.author_name, "post_title": post.title}
        items.append(item)
    return items


def build_digest(user, follows, other_follows, frequency, items, rules):
    """The groups of one person's digest: ``[{"follow", "label", "pages", "comments"}]``."""
    groups = {follow.pk: {"follow": follow, "pages": [], "comments": []} for follow in follows}
    for item in items:
        if user.pk in item.authors:
            continue
        matching = [follow for follow in follows if follow.target_key in item.targets]
        if not matching or sent_before(item, follows):
            continue
        fresh = [follow for follow in matching if follow.last_digest_at < item.at]
        if not fresh or sent_faster(item, other_follows, frequency):
            continue
        if not rules.can_view(user, item.page):
            continue
        group = groups[fresh[0].pk]
        group["comments" if item.comment is not None else "pages"].append(item)
    return [
        {**group, "label": group["follow"].target_label}
        for group in groups.values()
        if group["pages"] or group["comments"]
    ]


def send_digests(frequency, now=None):
    """Send the ``frequency`` digest to every member who has one due; returns how many.

    Each follow remembers up to when it was covered (``last_digest_at``): a run covers
    ``(last_digest_at, now - SETTLE_DELAY]`` and moves the mark, even when there was nothing to
    send, so nothing is sent twice and nothing is skipped. The number of queries depends on the
    number of recipients, never on the number of pages or comments.
    """
    if frequency not in Follow.DIGEST_FREQUENCIES:
        raise ValueError(f"Not a digest frequency: {frequency!r}")
    until = (now or timezone.now()) - SETTLE_DELAY
    follows = list(
        Follow.objects.filter(frequency=frequency, last_digest_at__lt=until)
        .select_related("user", "category", "structure")
        .prefetch_related("user__groups")
        .order_by("user_id", "pk")
    )
    if not follows:
        return 0
    since = min(follow.last_digest_at for follow in follows)
    user_ids = {follow.user_id for follow in follows}
    others = {}
    for follow in Follow.objects.filter(user_id__in=user_ids).exclude(
        frequency__in=[frequency, Follow.Frequency.PAUSED]
    ):
        others.setdefault(follow.user_id, []).append(follow)

    items = load_pages(follows, since, until) + load_comments(since, until)
    rules = ViewRules() if items else None
    sent, quiet = 0, []
    for _user_id, user_follows in groupby(follows, key=lambda follow: follow.user_id):
        user_follows = sorted(user_follows, key=specificity)
        user = user_follows[0].user
        groups = []
        if items and is_network_member(user):
            groups = build_digest(
                user, user_follows, others.get(user.pk, []), frequency, items, rules
            )
        ids = [follow.pk for follow in user_follows]
        if not groups:
            quiet += ids
            continue
        with transaction.atomic():
            result = send(
                "digest",
                user,
                user_follows,
                {"frequency": frequency, "groups": groups},
            )
            if result.status == TaskResultStatus.FAILED:  # immediate backend: keep it for later
                logger.error("Digest to user %s failed; it will be retried next run.", user.pk)
                continue
            Follow.objects.filter(pk__in=ids).update(last_digest_at=until)
        sent += 1
    if quiet:
        Follow.objects.filter(pk__in=quiet).update(last_digest_at=until)
    return sent
