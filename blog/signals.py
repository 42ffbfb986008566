"""The blog's answers to what happens elsewhere: comments posted, posts deleted, teams synced,
personal data asked for or erased."""

from django.db.models.signals import post_save, pre_delete
from django_comments.models import CommentFlag
from django_comments.signals import comment_was_flagged, comment_was_posted

from members import permissions, privacy

from .comments import (
    anonymise_comments,
    export_comments,
    notify_about_comment,
    notify_coordinators_of_report,
)
from .models import BlogComment, BlogIndexPage, BlogPostPage


def connect():
    comment_was_posted.connect(
        on_comment_posted, sender=BlogComment, dispatch_uid="blog-comment-posted"
    )
    comment_was_flagged.connect(
        on_comment_flagged, sender=BlogComment, dispatch_uid="blog-comment-flagged"
    )
    pre_delete.connect(on_post_deleted, sender=BlogPostPage, dispatch_uid="blog-post-deleted")
    post_save.connect(on_blog_index_saved, sender=BlogIndexPage, dispatch_uid="blog-index-saved")
    permissions.team_synced.connect(on_team_synced, dispatch_uid="blog-team-synced")
    privacy.personal_data_requested.connect(
        on_personal_data_requested, dispatch_uid="blog-personal-data"
    )
    privacy.account_will_be_deleted.connect(
        on_account_will_be_deleted, dispatch_uid="blog-account-deleted"
    )


def on_comment_posted(sender, comment, request=None, **kwargs):
    notify_about_comment(comment, mentioned=comment.mentioned_users)


def on_comment_flagged(sender, comment, flag, created, request=None, **kwargs):
    # Moderators' deletions and approvals are flags too: only a member's new report counts.
    if created and flag.flag == CommentFlag.SUGGEST_REMOVAL:
        notify_coordinators_of_report(comment, flag)


def on_post_deleted(sender, instance, **kwargs):
    # Comments point to their post through a generic relation: nothing cascades by itself.
    BlogComment.objects.on_posts([instance.pk]).delete()


def on_blog_index_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        permissions.sync_all_structure_teams()


def on_team_synced(sender, team, **kwargs):
    """Structure teams add posts to the blog (submitted for moderation, never published)."""
    blog = BlogIndexPage.objects.first()
    if blog is not None:
        permissions.set_page_permissions(team.group, blog.page_ptr, ["add"])


def on_personal_data_requested(sender, user, **kwargs):
    return {"comments": export_comments(user)}


def on_account_will_be_deleted(sender, user, **kwargs):
    anonymise_comments(user)
