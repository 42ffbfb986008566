"""Comments by network members on blog posts, built on django-comments-xtd.

The library provides the threaded model (``XtdComment``: thread, parent, level and order;
hiding or removing a comment hides its replies too), django_comments' flags, and the template
tags that build the tree on the post page. The site adds what is specific to the network:

- only network members who may read the post comment on it (``comment_refusal``);
- the text is Markdown, rendered once on save by ``website.markdown.render_markdown`` into
  ``body_html``; templates print the stored HTML;
- ``@[Name]`` mentions: a member is mentioned by their name as the site shows it, in square
  brackets after an @ (``@[Marie Dupont]``). Only approved, active members who may read the
  post are resolved; an unknown or ambiguous name stays plain text;
- an edit window for authors (``RAA_COMMENT_EDIT_MINUTES``) and a rate limit per member
  (``RAA_COMMENT_RATE_LIMIT`` comments per ``RAA_COMMENT_RATE_PERIOD`` seconds);
- ``comments_since`` for digests, and the personal-data helpers used by ``members.privacy``.

Posting, editing and moderation are the site's own views (``blog.views``): the library's post
view asks anonymous visitors to confirm by email and answers bad input with an opaque 400.
"""

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import nh3
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_comments.models import Comment
from django_comments_xtd.models import XtdComment, XtdCommentManager

from website.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown

MENTION = re.compile(r"@\[([^\[\]<>\n]{1,100})\](?!\()")
MAX_MENTIONS = 10
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Mentions are not looked for in code, preformatted text or existing links.
NO_MENTION_TAGS = {"code", "pre", "a"}


def post_model():
    from .models import BlogPostPage

    return BlogPostPage


def post_content_type():
    return ContentType.objects.get_for_model(post_model())


class BlogCommentQuerySet(models.QuerySet):
    def published(self):
        """Comments everyone who reads the post sees: public and not removed."""
        return self.filter(is_public=True, is_removed=False)

    def on_posts(self, post_ids=None):
        """Comments on blog posts, on those of ``post_ids`` only when given."""
        comments = self.filter(content_type=post_content_type())
        if post_ids is not None:
            comments = comments.filter(object_pk__in=[str(pk) for pk in post_ids])
        return comments


class BlogCommentManager(XtdCommentManager.from_queryset(BlogCommentQuerySet)):
    """The library's manager (users fetched, thread order) with the queryset methods above."""


class BlogComment(XtdComment):
    """A member's comment on a blog post; ``comment`` is the Markdown they wrote."""

    body_html = models.TextField(_("rendered text"), blank=True, editable=False)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True, editable=False)

    objects = BlogCommentManager()

    # The text as loaded from the database: the HTML is rendered again only when it changes.
    _stored_text = None
    mentioned_users = ()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return f"{self.author_name}: {self.excerpt}"

    def save(self, *args, **kwargs):
        if self.submit_date is None:
            self.submit_date = timezone.now()
        if self.pk is None or self.comment != self._stored_text:
            self.body_html, self.mentioned_users = render_comment(self.comment, self.post)
            self._stored_text = self.comment
        super().save(*args, **kwargs)

    @property
    def post(self):
        """The blog post commented on (None if it was deleted)."""
        return self.content_object

    @property
    def author_name(self):
        return self.user.name if self.user_id else gettext("deleted account")

    @property
    def excerpt(self):
        return Truncator(" ".join(self.comment.split())).chars(80)

    @property
    def editable_until(self):
        return self.submit_date + timedelta(minutes=settings.RAA_COMMENT_EDIT_MINUTES)

    @property
    def is_editable(self):
        """Whether the edit window is still open (the author check is the caller's)."""
        return bool(self.user_id) and timezone.now() < self.editable_until

    @property
    def is_reply(self):
        return self.parent_id != self.pk

    def get_absolute_url(self, anchor_pattern="#c%(id)s"):
        url = self.get_content_object_url()
        if not self.is_public or self.is_removed:
            return f"{url}#commentaires"
        return url + anchor_pattern % {"id": self.pk}

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_text = instance.__dict__.get("comment")
        return instance

    def get_content_object_url(self):
        post = self.post
        return (post.url if post is not None else None) or "/"


# Rendering and mentions ---------------------------------------------------------------------


def _map_text(text_html, replace):
    """``text_html`` with ``replace`` applied to its text outside code, pre and links."""
    parts = TAG.split(text_html)
    skipping = 0
    for index, part in enumerate(parts):
        if index % 2:
            match = TAG_NAME.match(part)
            if match and match.group(1).lower() in NO_MENTION_TAGS:
                skipping += -1 if part.startswith("</") else 1
        elif part and skipping <= 0:
            parts[index] = replace(part)
    return "".join(parts)


def mention_names(rendered):
    """The names mentioned as ``@[Name]`` in rendered HTML, in order, at most MAX_MENTIONS."""
    names = []

    def collect(text):
        for match in MENTION.finditer(text):
            name = " ".join(html.unescape(match.group(1)).split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return text

    _map_text(rendered, collect)
    return names[:MAX_MENTIONS]


def may_read(post, user, restrictions=None):
    """Whether ``user`` (not a request) passes the view restrictions of ``post``."""
    if not user.is_active:
        return False
    if restrictions is None:
        restrictions = post.get_view_restrictions().prefetch_related("groups")
    request = SimpleNamespace(user=user, session={})
    return all(restriction.accept_request(request) for restriction in restrictions)


def resolve_mentions(names, post):
    """``{casefolded name: user}`` for the approved active members named, who may read ``post``.

    A name matches the name the site shows (``User.name``), whatever its case; a name shared
    by two members matches nobody.
    """
    if not names or post is None:
        return {}
    condition = Q()
    for name in names:
        condition |= Q(display_name__iexact=name) | Q(full_name__iexact=name)
    candidates = (
        get_user_model()
        .objects.approved()
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(condition)
    )
    wanted = {name.casefold() for name in names}
    found = {}
    for user in candidates:
        key = " ".join(str(user.name).split()).casefold()
        if key in wanted:
            found.setdefault(key, []).append(user)
    restrictions = list(post.get_view_restrictions().prefetch_related("groups"))
    return {
        key: users[0]
        for key, users in found.items()
        if len(users) == 1 and may_read(post, users[0], restrictions)
    }


def _link_mentions(rendered, users):
    def link(text):
        def replace(match):
            user = users.get(" ".join(html.unescape(match.group(1)).split()).casefold())
            if user is None:
                return match.group(0)
            url = reverse("members:profile", args=[user.pk])
            return f'<a href="{html.escape(url)}">@{html.escape(str(user.name))}</a>'

        return MENTION.sub(replace, text)

    return _map_text(rendered, link)


def render_comment(text, post):
    """Safe HTML for the Markdown ``text`` and the members it mentions: ``(html, [users])``."""
    rendered = render_markdown(text)
    users = resolve_mentions(mention_names(rendered), post)
    if not users:
        return rendered, []
    linked = nh3.clean(
        _link_mentions(rendered, users),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return linked, list(users.values())


# Who may do what ----------------------------------------------------------------------------


def comment_refusal(request, post):
    """Why ``request.user`` may not comment on ``post`` (a translated message), or None."""
    user = request.user
    if not user.is_authenticated:
        return _("Log in with a network member account to comment.")
    if not user.is_network_member:
        if user.status == user.Status.PENDING:
            return _(
                "Your account is awaiting approval by a coordinator: you can comment "
                "once it is approved."
            )
        return _("Only network members can comment.")
    if not post.live:
        return _("This post is not published: it cannot receive comments.")
    if not all(r.accept_request(request) for r in post.get_view_restrictions()):
        return _("You may not comment on this post.")
    return None


def rate_limited(user):
    """Count one comment by ``user``; True when it goes over the limit of the current period."""
    key = f"blog-comments-rate:{user.pk}"
    period = settings.RAA_COMMENT_RATE_PERIOD
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        count = 1
    return count > settings.RAA_COMMENT_RATE_LIMIT


# Notifications ------------------------------------------------------------------------------


def absolute_url(path):
    return path if path.startswith(("http://", "https://")) else settings.SITE_URL + path


def notify_about_comment(comment, mentioned=(), new=True):
    """Email the people concerned by ``comment``, once each, never its own author.

    A new comment concerns the author of the comment it replies to, the members it mentions
    and the post's authors, in that order of precedence; an edited one only the members it
    newly mentions. Only active people who may read the post are told.
    """
    from members.tasks import send_email_message

    post = comment.post
    if post is None:
        return
    recipients = {}
    if new and comment.is_reply:
        parent = BlogComment.objects.filter(pk=comment.parent_id).select_related("user").first()
        if parent is not None and parent.user_id:
            recipients.setdefault(parent.user_id, (parent.user, "reply"))
    for user in mentioned:
        recipients.setdefault(user.pk, (user, "mention"))
    if new:
        for author in post.authors.all():
            recipients.setdefault(author.pk, (author, "author"))
    recipients.pop(comment.user_id, None)
    if not recipients:
        return
    restrictions = list(post.get_view_restrictions().prefetch_related("groups"))
    context = {
        "commenter": comment.author_name,
        "post_title": post.title,
        "url": absolute_url(comment.get_absolute_url()),
        "text": comment.comment,
    }
    with translation.override(settings.LANGUAGE_CODE):
        for user, reason in recipients.values():
            if not user.email or not may_read(post, user, restrictions):
                continue
            message = {**context, "reason": reason, "recipient": user.name}
            subject = render_to_string("comments/email/notification_subject.txt", message)
            send_email_message.enqueue(
                subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
                body=render_to_string("comments/email/notification_message.txt", message),
                to=[user.email],
            )


# For other apps -----------------------------------------------------------------------------


def comments_since(since, post_ids=None):
    """Public, not removed comments on blog posts created after ``since``, newest first.

    ``post_ids`` restricts them to those posts; the caller decides which posts a reader may
    see. Each comment has its ``user`` and its post (``content_object``) fetched.
    """
    return (
        BlogComment.objects.published()
        .on_posts(post_ids)
        .filter(submit_date__gt=since)
        .select_related("user")
        .prefetch_related("content_object")
        .order_by("-submit_date", "-pk")
    )


def export_comments(user):
    """``user``'s comments for their personal-data export."""
    comments = BlogComment.objects.filter(user=user).prefetch_related("content_object")
    return [
        {
            "post": comment.post.title if comment.post is not None else None,
            "date": comment.submit_date,
            "text": comment.comment,
        }
        for comment in comments.order_by("submit_date", "pk")
    ]


def anonymise_comments(user):
    """Detach ``user``'s comments before the account goes: they stay, by a "deleted account"."""
    Comment.objects.filter(user=user).update(
        user=None, user_name="", user_email="", user_url="", ip_address=None
    )
