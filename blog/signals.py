"""Comments: emails when one is posted, and no comment left behind by a deleted post."""

from django.db.models.signals import pre_delete
from django_comments.signals import comment_was_posted

from .comments import BlogComment, notify_about_comment


def connect():
    from .models import BlogPostPage

    comment_was_posted.connect(
        on_comment_posted, sender=BlogComment, dispatch_uid="blog-comment-posted"
    )
    pre_delete.connect(on_post_deleted, sender=BlogPostPage, dispatch_uid="blog-post-deleted")


def on_comment_posted(sender, comment, request=None, **kwargs):
    notify_about_comment(comment, mentioned=comment.mentioned_users)


def on_post_deleted(sender, instance, **kwargs):
    # Comments point to their post through a generic relation: nothing cascades by itself.
    BlogComment.objects.on_posts([instance.pk]).delete()
