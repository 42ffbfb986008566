"""What the site does with comments, on top of django-comments-xtd's model (``blog.models``).

- only network members who may read the post comment on it (``comment_refusal``);
- one way to publish a comment or a reply (``post_comment``), with a rate limit per member
  (``RAA_COMMENT_RATE_LIMIT`` comments per ``RAA_COMMENT_RATE_PERIOD`` seconds) and an edit
  window for authors (``RAA_COMMENT_EDIT_MINUTES``, on the model);
- emails to the people a comment concerns (``notify_about_comment``), and to the coordinators
  when a comment is reported (``notify_coordinators_of_report``, at most one email per comment
  per ``REPORT_EMAIL_INTERVAL``);
- ``reported_comments``: the reported comments awaiting a coordinator's review;
- ``comments_since`` for digests, and the personal-data answers to ``members``' signals.

Posting, editing and moderation are the site's own views (``blog.views``): the library's post
view asks anonymous visitors to confirm by email and answers bad input with an opaque 400.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_comments.models import Comment, CommentFlag
from django_comments.signals import comment_was_posted, comment_will_be_posted
from django_comments_xtd.models import MaxThreadLevelExceededException

from core import page_cache
from core.links import absolute_url
from core.mail import send_templated
from core.roles import COORDINATORS_GROUP
from core.visibility import Reader, can_read, page_restrictions

from .models import BlogComment

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
    if not can_read(post, request):
        return _("You may not comment on this post.")
    return None


def rate_limited(user):
    """Count one comment by ``user``; True when it goes over the limit of the current period."""
    return over_limit(
        f"blog-comments-rate:{user.pk}",
        settings.RAA_COMMENT_RATE_LIMIT,
        settings.RAA_COMMENT_RATE_PERIOD,
    )


# Looking up members to mention, as someone types: a few requests a second at most.
SUGGESTIONS_RATE_LIMIT = 120
SUGGESTIONS_RATE_PERIOD = 60


def suggestions_rate_limited(user):
    """Count one request for mention suggestions by ``user``; True when over the limit."""
    return over_limit(
        f"blog-mention-suggestions:{user.pk}", SUGGESTIONS_RATE_LIMIT, SUGGESTIONS_RATE_PERIOD
    )


def over_limit(key, limit, period):
    """Count one more use under ``key`` (in the cache, for ``period`` seconds); True past
    ``limit``."""
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=period)
        count = 1
    return count > limit


# Publishing ---------------------------------------------------------------------------------


def post_comment(request, post, text, parent=None):
    """Publish ``text`` as ``request.user``'s comment on ``post`` (a reply to ``parent``).

    The one way a comment is created: django_comments' signals are sent (its receivers may
    refuse it; ``comment_was_posted`` sends the emails). Returns the comment, or None when it
    was refused or its thread is already as deep as it goes.
    """
    comment = BlogComment(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site_id=settings.SITE_ID,
        user=request.user,
        comment=text,
        submit_date=timezone.now(),
        parent_id=parent.pk if parent is not None else 0,
        is_public=True,
        is_removed=False,
    )
    responses = comment_will_be_posted.send(sender=BlogComment, comment=comment, request=request)
    if any(response is False for _receiver, response in responses):
        return None
    try:
        with transaction.atomic():
            comment.save()
    except MaxThreadLevelExceededException:  # the parent was checked; a race is still possible
        return None
    comment_was_posted.send(sender=BlogComment, comment=comment, request=request)
    return comment


# Notifications ------------------------------------------------------------------------------


def notify_about_comment(comment, mentioned=(), new=True):
    """Email the people concerned by ``comment``, once each, never its own author.

    A new comment concerns the author of the comment it replies to, the members it mentions
    and the post's authors, in that order of precedence; an edited one only the members it
    newly mentions. Only active people who may read the post are told.
    """
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
    restrictions = page_restrictions()
    context = {
        "commenter": comment.author_name,
        "post_title": post.title,
        "url": absolute_url(comment.get_absolute_url()),
        "text": comment.comment,
    }
    for user, reason in recipients.values():
        if not user.email or not can_read(post, Reader(user), restrictions):
            continue
        message = {**context, "reason": reason, "recipient": user.name}
        send_templated("comments/email/notification", user.email, message)


# Reports -------------------------------------------------------------------------------------

# A comment reported again within this delay of an earlier report sends no new email: the
# coordinators already know, and the admin's listing counts the reports.
REPORT_EMAIL_INTERVAL = timedelta(days=1)
REPORTS = Q(flags__flag=CommentFlag.SUGGEST_REMOVAL)
APPROVALS = Q(flags__flag=CommentFlag.MODERATOR_APPROVAL)


def reported_comments():
    """The reported comments awaiting a coordinator's review, most recently reported first.

    A comment awaits review while it has a report (django_comments' "removal suggestion" flag),
    is still shown (public, not removed) and no moderator approved it since its last report.
    Each comment has ``report_count`` and ``last_reported_at``, its ``user`` and its post
    (``content_object``) fetched: a fixed number of queries for any number of comments.
    """
    return (
        BlogComment.objects.published()
        .on_posts()
        .annotate(
            report_count=Count("flags", filter=REPORTS, distinct=True),
            last_reported_at=Max("flags__flag_date", filter=REPORTS),
            last_approved_at=Max("flags__flag_date", filter=APPROVALS),
        )
        .filter(report_count__gt=0)
        .filter(Q(last_approved_at__isnull=True) | Q(last_approved_at__lt=F("last_reported_at")))
        .select_related("user")
        .prefetch_related("content_object")
        .order_by("-last_reported_at", "-pk")
    )


def active_coordinators():
    """Active coordinators (members of the coordination group, superusers) with an address."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def notify_coordinators_of_report(comment, flag):
    """Email every active coordinator that ``flag`` (a new report) was made on ``comment``.

    Only the first report of a comment within ``REPORT_EMAIL_INTERVAL`` sends emails: later
    ones (several members reporting the same comment) would flood the coordinators. Returns
    the number of emails queued.
    """
    since = flag.flag_date - REPORT_EMAIL_INTERVAL
    earlier = (
        CommentFlag.objects.filter(
            comment_id=comment.pk, flag=CommentFlag.SUGGEST_REMOVAL, flag_date__gte=since
        )
        .exclude(pk=flag.pk)
        .exists()
    )
    if earlier:
        return 0
    post = comment.post
    reporter = flag.user
    context = {
        "commenter": comment.author_name,
        "reporter": reporter.name if reporter is not None else "",
        "post_title": post.title if post is not None else "",
        "excerpt": comment.excerpt,
        "comment_url": absolute_url(comment.get_absolute_url()),
        "moderation_url": absolute_url(reverse("blogcomment:edit", args=[comment.pk])),
        "reported_url": absolute_url(reverse("blogcomment:index") + "?reported=true"),
    }
    sent = 0
    for coordinator in active_coordinators():
        send_templated(
            "comments/email/report", coordinator.email, {**context, "recipient": coordinator.name}
        )
        sent += 1
    return sent


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
    page_cache.invalidate()  # update() sends no signal
