"""A member's comment on a blog post (django-comments-xtd's ``COMMENTS_XTD_MODEL``).

The library provides the threaded model (``XtdComment``: thread, parent, level and order;
hiding or removing a comment hides its replies too) and django_comments' flags; ``comment``
holds the Markdown the member wrote, ``body_html`` its rendering (``blog.mentions``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_comments_xtd.models import XtdComment, XtdCommentManager

from blog.mentions import render_comment

from .posts import BlogPostPage


def post_content_type():
    return ContentType.objects.get_for_model(BlogPostPage)


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
