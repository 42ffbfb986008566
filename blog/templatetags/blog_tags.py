"""``{% structure_posts structure as latest %}``: the newest posts about a structure that the
reader may see, and the blog they are in (shown on the structure's experience page)."""

from django import template

from blog.models import BlogIndexPage
from core.visibility import visible_to

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
