"""What members can follow on the blog, and what a new post concerns (read by ``follows``)."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core.followables import Followable, registry

from .models import BlogCategory, BlogIndexPage, BlogPostPage


def category_url(category, request=None):
    """The blog's listing of ``category`` (the blog index is read once per request)."""
    if request is not None and hasattr(request, "_raa_blog_index"):
        blog = request._raa_blog_index
    else:
        blog = BlogIndexPage.objects.live().first()
        if request is not None:
            request._raa_blog_index = blog
    if blog is None:
        return None
    url = blog.get_url(request)
    return url + blog.reverse_subpage("by_category", args=[category.slug]) if url else None


def post_targets(posts):
    """A post concerns each of its categories and the structure it reports on (the blog
    itself comes from the post being below the blog's index)."""
    prefetch_related_objects(posts, "categories")
    targets = {}
    for post in posts:
        found = [("category", category.pk) for category in post.categories.all()]
        if post.structure_id:
            found.append(("structure", post.structure_id))
        targets[post.pk] = found
    return targets


def register():
    registry.register(
        Followable(
            kind="category",
            model=BlogCategory,
            label=_("a blog category"),
            describe=lambda category: _("the category “%(name)s”") % {"name": category.name},
            order=10,
            url=category_url,
        )
    )
    registry.register(
        Followable(
            kind="blog",
            model=BlogIndexPage,
            label=_("the blog"),
            describe=lambda _target: _("the blog (all posts)"),
            section=True,
            order=30,
        )
    )
    registry.add_page_rule(BlogPostPage, post_targets)
