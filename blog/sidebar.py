"""What the blog's sidebar lists beside the categories: the most used tags, the years of the
archives and the authors, each with its number of posts.

Counted on the posts the reader may see (``visible_to``): a visitor's counts leave out
members-only posts. Three queries, whatever the number of posts.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import ExtractYear
from taggit.models import Tag

TAG_LIMIT = 15
AUTHOR_LIMIT = 10


@dataclass(frozen=True)
class Year:
    year: int
    post_count: int


def top_tags(post_ids, limit=TAG_LIMIT):
    """The tags of ``post_ids`` (a queryset of ids), most used first, then by name."""
    return list(
        Tag.objects.filter(blog_blogposttag_items__content_object__in=post_ids)
        .annotate(post_count=Count("blog_blogposttag_items", distinct=True))
        .order_by("-post_count", "name", "pk")[:limit]
    )


def archive_years(posts):
    """``[Year]`` of ``posts`` that have a date, newest first."""
    rows = (
        posts.order_by()
        .exclude(date=None)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(post_count=Count("pk", distinct=True))
        .order_by("-year")
    )
    return [Year(row["year"], row["post_count"]) for row in rows]


def top_authors_unfiltered(post_ids, limit=AUTHOR_LIMIT):
    """Active authors of ``post_ids``, most posts first, whoever reads (``top_authors``)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True, blog_posts__in=post_ids)
        .annotate(post_count=Count("blog_posts", distinct=True))
        .order_by("-post_count", "display_name", "last_name", "first_name", "pk")[:limit]
    )


def top_authors(post_ids, reader, limit=AUTHOR_LIMIT):
    """Active authors of ``post_ids`` whose name ``reader`` may see, most posts first.

    Authors with a members-only profile are left out for visitors, rather than listed under a
    neutral label that would not tell them apart."""
    authors = top_authors_unfiltered(post_ids, limit)
    return [author for author in authors if author.is_named_for(reader)]


def blog_sidebar(posts, reader):
    """``{"sidebar_tags", "sidebar_years", "sidebar_authors"}`` for ``posts``, the live posts
    of a blog already filtered on what ``reader`` (a user) may see."""
    post_ids = posts.order_by().values("pk")
    return {
        "sidebar_tags": top_tags(post_ids),
        "sidebar_years": archive_years(posts),
        "sidebar_authors": top_authors(post_ids, reader),
    }
