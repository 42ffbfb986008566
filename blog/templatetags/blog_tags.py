"""``{% structure_posts structure as latest %}``: the newest posts about a structure that the
reader may see, and the blog they are in (shown on the structure's experience page).
``{% mentions_for_reader comment.body_html %}``: a comment's HTML, its mentions of "members
only" profiles turned into a neutral label for readers who may not see them.
``{% post_body %}``: a post page's body, kept per audience (``blog.post_body``)."""

import re

from django import template
from django.contrib.auth import get_user_model
from django.utils.html import escape
from django.utils.safestring import mark_safe

from blog import post_body as kept_post
from blog.models import BlogIndexPage
from core.visibility import visible_to
from members.models import NEUTRAL_NAME

register = template.Library()


@register.simple_tag(takes_context=True)
def structure_posts(context, structure, limit=3):
    """``{"posts": [...], "blog": the blog index or None}``."""
    request = context.get("request")
    if structure is None or structure.pk is None or request is None:
        return {"posts": [], "blog": None}
    posts = visible_to(structure.blog_posts.live(), request)
    posts = list(posts.order_by("-date", "-first_published_at", "-pk")[:limit])
    blog = BlogIndexPage.objects.live().first() if posts else None
    return {"posts": posts, "blog": blog}


@register.simple_tag(takes_context=True)
def post_body(context):
    """The post's body for this reader (``blog.post_body.post_body``)."""
    return kept_post.post_body(context)


# How ``blog.mentions`` links a mention: ``<a href="/membres/12/">@Marie Dupont</a>``.
MENTION_LINK = re.compile(r'<a href="/membres/(\d+)/"[^>]*>@[^<]*</a>')
NAMED_ATTRIBUTE = "_raa_named_people"


@register.simple_tag(takes_context=True)
def mentions_for_reader(context, body_html):
    """The stored comment HTML as this reader may see it: network members see every mention;
    others see the names of public profiles only (one query per request for the people
    mentioned in the comments shown so far, cached on the request)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    pks = {int(pk) for pk in MENTION_LINK.findall(body_html or "")}
    if not pks or (user is not None and user.is_authenticated and user.is_network_member):
        return mark_safe(body_html or "")  # noqa: S308 - sanitised when saved (blog.mentions)
    named = getattr(request, NAMED_ATTRIBUTE, None)
    if named is None:
        named = {}
        if request is not None:
            setattr(request, NAMED_ATTRIBUTE, named)
    unknown = pks - named.keys()
    if unknown:
        people = get_user_model().objects.filter(pk__in=unknown)
        named.update({person.pk: person.is_named_for(user) for person in people})

    def neutral(match):
        if named.get(int(match.group(1))):
            return match.group(0)
        return escape(f"@{NEUTRAL_NAME}")

    return mark_safe(MENTION_LINK.sub(neutral, body_html))  # noqa: S308 - as above
