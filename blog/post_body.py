"""A post page's body, kept rendered for every reader with the same rights and standing.

The article, its comment thread, the links to the neighbouring posts, the related posts and
the blog's sidebar are the same for two network members of the same groups: they are rendered
once per audience (``core.fragments``) and standing (``blog.listing.fragment_name``) until
the site changes (a new, edited, hidden or reported comment bumps the generation).

What is personal is put in on each request, never kept:

- the CSRF token of the comment form (``CSRF_SLOT``; the empty form is the same for all);
- the actions on the reader's own comments: the kept body holds each comment's actions as
  anyone else of the audience sees them (Reply, Report...), between markers, with each
  comment's author and edit window (``KeptComment``); on the reader's own comments they are
  rendered again (Edit and Delete while the window is open, no Report).

The same path serves every request, kept or not, so what a reader sees does not depend on
whether the cache is on.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.template.backends.utils import csrf_input
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_comments.models import CommentFlag
from django_comments_xtd.utils import get_current_site_id

from core import fragments

from .models import BlogComment

BODY_TEMPLATE = "blog/includes/post_body.html"
ACTIONS_TEMPLATE = "blog/includes/comment_actions.html"
# Where the personal parts go: HTML comments, so that a slot left empty shows nothing.
CSRF_SLOT = "<!--raa:csrf-token-->"
ACTIONS_START = "<!--raa:comment-actions:%d-->"
ACTIONS_END = "<!--/raa:comment-actions-->"


@dataclass(frozen=True)
class KeptComment:
    """What the actions on a comment need besides the reader: kept with the body."""

    pk: int
    user_id: int | None
    thread_allowed: bool
    editable_until: datetime

    @property
    def is_editable(self):
        """As ``BlogComment.is_editable``, decided when the page is served."""
        return bool(self.user_id) and timezone.now() < self.editable_until


@dataclass(frozen=True)
class KeptBody:
    html: str
    comments: tuple


def comment_tree(post, request):
    """django-comments-xtd's tree of the post's public comments (as its
    ``get_xtdcomment_tree`` tag builds it: two queries), and their ``KeptComment``; each
    comment's ``thread_allowed``: whether it may have replies."""
    flags = CommentFlag.objects.filter(flag=CommentFlag.SUGGEST_REMOVAL)
    queryset = BlogComment.objects.prefetch_related(Prefetch("flags", queryset=flags)).filter(
        content_type=ContentType.objects.get_for_model(post),
        object_pk=str(post.pk),
        site__pk=get_current_site_id(request),
        is_public=True,
    )
    # Anyone's tree: the reader only adds flag counts for moderators, which this site does
    # not show.
    tree = BlogComment.tree_from_queryset(queryset, user=AnonymousUser())
    comments = []

    def collect(nodes):
        for node in nodes:
            comment = node["comment"]
            comment.thread_allowed = comment.allow_thread()
            comments.append(
                KeptComment(
                    comment.pk, comment.user_id, comment.thread_allowed, comment.editable_until
                )
            )
            collect(node["children"])

    collect(tree)
    return tree, tuple(comments)


def render_body(context):
    """The body as anyone of this audience and standing sees it, with the slot of the CSRF
    token left empty and the actions on every comment as another reader's."""
    request = context["request"]
    if getattr(request, "is_preview", False):
        tree, comments = [], ()  # a draft has no comments
    else:
        tree, comments = comment_tree(context["page"], request)
    template = context.template.engine.get_template(BODY_TEMPLATE)
    slot = mark_safe(CSRF_SLOT)  # noqa: S308 - a constant
    with context.push(comment_tree=tree, csrf_slot=slot):
        html = template.render(context)
    return KeptBody(str(html), comments)


def post_body(context):
    """The post's body for this request: kept (or rendered and kept), then made personal."""
    request = context["request"]
    name = context.get("post_fragment")
    kept = fragments.lookup(name, request) if name else None
    if kept is None:
        kept = render_body(context)
        # A token there would be a mistake in the templates: then it is never kept.
        if name and "csrfmiddlewaretoken" not in kept.html:
            fragments.keep(name, request, kept)
    html = _with_own_actions(kept, context)
    if CSRF_SLOT in html:
        html = html.replace(CSRF_SLOT, csrf_input(request), 1)
    return mark_safe(html)  # noqa: S308 - our own rendering


def _with_own_actions(kept, context):
    """``kept.html`` with the actions on the reader's own comments rendered for them."""
    user = context["request"].user
    if not context.get("is_member") or not user.is_authenticated:
        return kept.html
    html = kept.html
    template = None
    for comment in kept.comments:
        if comment.user_id != user.pk:
            continue
        start = html.find(ACTIONS_START % comment.pk)
        end = html.find(ACTIONS_END, start)
        if start < 0 or end < 0:
            continue
        template = template or context.template.engine.get_template(ACTIONS_TEMPLATE)
        with context.push(comment=comment, own=True):
            actions = template.render(context)
        html = html[:start] + actions + html[end + len(ACTIONS_END) :]
    return html
