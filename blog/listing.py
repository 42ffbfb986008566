"""What a blog shows to every reader with the same rights, kept until the site changes.

Counting and sorting every visible post (with the members-only subtrees left out) grows with
the blog: the sidebar's counts, the listing's number of pages, a post's neighbours. Each
process keeps them per **audience** (``core.fragments.audience``: the reader's rights) and per
site generation (``core.site_cache.remember``): recomputed on the first request after any
change, never shared between readers with different rights. What depends on the reader
alone (whose name they may see) is decided on each request.

The blog's rendered pieces (a post's body, the listing, the sidebar) are kept the same way as
``core.fragments`` (``fragment_name``): per audience and per **standing** (visitor, network
member, coordinator), which decides whose names a reader sees and which comment actions.
"""

import bisect
from array import array
from dataclasses import dataclass

from core.fragments import audience
from core.site_cache import remember
from core.visibility import reader_of, visible_to

from .sidebar import archive_years, top_authors_unfiltered, top_tags

STANDING_ATTRIBUTE = "_raa_blog_standing"


def standing(request):
    """``"visitor"``, ``"member"`` or ``"coordinator"``: what the blog's kept pieces may show
    of their reader beyond their rights; None when nothing may be kept for them.

    Nothing is kept for a preview (unsaved content) nor for an account that is not a network
    member: such a reader sees their own name where anyone else sees a neutral label
    (``User.can_see_profile_of``). Remembered on the request; the groups are the ones
    ``core.visibility`` reads anyway (``User.is_coordinator`` would be one more query).
    """
    if not hasattr(request, STANDING_ATTRIBUTE):
        user = getattr(request, "user", None)
        if getattr(request, "is_preview", False):
            found = None
        elif user is None or not user.is_authenticated:
            found = "visitor"
        elif reader_of(request).is_coordinator:
            found = "coordinator"
        else:
            found = "member" if user.is_network_member else None
        setattr(request, STANDING_ATTRIBUTE, found)
    return getattr(request, STANDING_ATTRIBUTE)


def fragment_name(kind, *parts, request):
    """The ``core.fragments`` name of a piece of the blog for this reader, or None when it
    may not be kept (``standing``): the audience is added by ``core.fragments``."""
    found = standing(request)
    if found is None:
        return None
    return ":".join(["blog", kind, *(str(part) for part in parts), found])


# A dated post's place as one integer, its date's ordinal then its id (ids stay below 2**40):
# ordered as ``(date, id)``, and ten thousand of them take 80 KB in an ``array`` where tuples
# of a date and an id took 1.5 MB in every process, for every audience it remembers.
ID_BITS = 40
ID_MASK = (1 << ID_BITS) - 1


def dated_key(date, pk):
    return (date.toordinal() << ID_BITS) | pk


@dataclass(frozen=True)
class Visible:
    """A blog's live posts one audience may see: ``listing``, their ids newest first (as
    ``BlogPostQuerySet.for_listing`` orders them); ``dated``, the ``dated_key`` of those with
    a date, ascending (the order of a post's neighbours). Both are ``array``s of integers."""

    listing: array
    dated: array

    def neighbour_id(self, date, pk, older):
        """The id of the post just before (older) or after ``(date, pk)``, or None."""
        if date is None:
            return None
        key = dated_key(date, pk)
        if older:
            index = bisect.bisect_left(self.dated, key)
            return self.dated[index - 1] & ID_MASK if index > 0 else None
        index = bisect.bisect_right(self.dated, key)
        return self.dated[index] & ID_MASK if index < len(self.dated) else None


def visible(blog, live, request):
    """``Visible`` posts of ``blog`` (``live``: its live posts) for ``request``'s reader."""

    def compute():
        rows = (
            visible_to(live, request)
            .order_by("-date", "-first_published_at", "-pk")
            .values_list("pk", "date")
        )
        listing, dated = array("q"), array("q")
        for pk, date in rows.iterator(chunk_size=2000):  # no list of every row at once
            listing.append(pk)
            if date is not None:
                dated.append(dated_key(date, pk))
        return Visible(listing=listing, dated=array("q", sorted(dated)))

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
