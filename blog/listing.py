"""What a blog shows to every reader with the same rights, kept until the site changes.

Counting and sorting every visible post (with the members-only subtrees left out) grows with
the blog: the sidebar's counts, the listing's number of pages, a post's neighbours. Each
process keeps them per **audience** (``core.fragments.audience``: the reader's rights) and per
site generation (``core.site_cache.remember``): recomputed on the first request after any
change, never shared between readers with different rights. What depends on the reader
alone (whose name they may see) is decided on each request.
"""

import bisect
from dataclasses import dataclass

from core.fragments import audience
from core.site_cache import remember
from core.visibility import visible_to

from .sidebar import archive_years, top_authors_unfiltered, top_tags


@dataclass(frozen=True)
class Visible:
    """A blog's live posts one audience may see: ``listing``, their ids newest first (as
    ``BlogPostQuerySet.for_listing`` orders them); ``dated``, ``(date, id)`` of those with a
    date, oldest first (the order of a post's neighbours)."""

    listing: tuple
    dated: tuple

    def neighbour_id(self, date, pk, older):
        """The id of the post just before (older) or after ``(date, pk)``, or None."""
        if date is None:
            return None
        if older:
            index = bisect.bisect_left(self.dated, (date, pk))
            return self.dated[index - 1][1] if index > 0 else None
        index = bisect.bisect_right(self.dated, (date, pk))
        return self.dated[index][1] if index < len(self.dated) else None


def visible(blog, live, request):
    """``Visible`` posts of ``blog`` (``live``: its live posts) for ``request``'s reader."""

    def compute():
        rows = list(
            visible_to(live, request)
            .order_by("-date", "-first_published_at", "-pk")
            .values_list("pk", "date")
        )
        dated = sorted((date, pk) for pk, date in rows if date is not None)
        return Visible(listing=tuple(pk for pk, _ in rows), dated=tuple(dated))

    return remember(("blog-visible", blog.pk, audience(request)), compute, request)


def sidebar(blog, live, request):
    """``{"sidebar_tags", "sidebar_years", "sidebar_authors"}`` of ``blog`` (``live``: its live
    posts) for ``request``'s reader."""

    def compute():
        posts = visible_to(live, request)
        post_ids = posts.order_by().values("pk")
        return {
            "sidebar_tags": top_tags(post_ids),
            "sidebar_years": archive_years(posts),
            "authors": top_authors_unfiltered(post_ids),
        }

    kept = remember(("blog-sidebar", blog.pk, audience(request)), compute, request)
    reader = request.user
    return {
        "sidebar_tags": kept["sidebar_tags"],
        "sidebar_years": kept["sidebar_years"],
        "sidebar_authors": [author for author in kept["authors"] if author.is_named_for(reader)],
    }
