"""Comments in the trash: those a coordinator deleted.

A coordinator's deletion marks the comment removed and keeps its text (django_comments'
``perform_delete``, which records who did it and when in a "moderator deletion" flag), so the
thread stays whole and the comment can come back. An author deleting their own comment blanks
its text: nothing to restore, so it is not in the trash. Purging blanks the text too.
"""

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django_comments.models import CommentFlag

from blog.models import BlogComment


def deletion_flags():
    return CommentFlag.objects.filter(flag=CommentFlag.MODERATOR_DELETION)


def trashed_comments():
    """Removed comments whose text is kept, with their deletion flags (who, when)."""
    return (
        BlogComment.objects.filter(is_removed=True)
        .exclude(comment="")
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "flags",
                queryset=deletion_flags().select_related("user").order_by("-flag_date"),
                to_attr="deletion_flags",
            )
        )
        .order_by("-submit_date", "-pk")
    )


def deletion_of(comment):
    """The latest moderator deletion flag of a comment from ``trashed_comments`` (or None)."""
    flags = getattr(comment, "deletion_flags", None)
    return flags[0] if flags else None


@transaction.atomic
def restore_comment(comment):
    """Show the comment again, as public (or not) as it was before the deletion."""
    comment.is_removed = False
    comment.save()
    deletion_flags().filter(comment=comment).delete()


@transaction.atomic
def purge_comment(comment):
    """Blank a removed comment's text for good; the row stays so that its replies keep their
    place in the thread."""
    comment.comment = ""
    comment.is_removed = True
    comment.save()


def purge_comments_older_than(days):
    """Purge the trashed comments deleted more than ``days`` days ago; returns how many."""
    cutoff = timezone.now() - timezone.timedelta(days=days)
    old = deletion_flags().filter(flag_date__lt=cutoff).values("comment_id")
    count = 0
    for comment in trashed_comments().filter(pk__in=old):
        purge_comment(comment)
        count += 1
    return count
