"""The members' hub (``/espace-membres/``): what an approved member comes back for.

Everything is read in a bounded number of queries, whatever the amount of content: the reader's
teams, the latest members-only posts and documents they may read, their follows, the next
events, and the addresses of the dashboard and the directory.
"""

from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from wagtail.documents import get_document_model

from blog.models import BlogPostPage
from core.visibility import (
    collection_restrictions,
    page_restrictions,
    restricted_only,
    unreadable_collection_ids,
    visible_to,
)
from knowledge.models import StructureIndexPage
from members.models import Membership

HUB_POSTS = 5
HUB_DOCUMENTS = 5
HUB_EVENTS = 3


def members_only_posts(request, limit=HUB_POSTS):
    """The latest live posts under a restriction that ``request``'s reader passes."""
    posts = restricted_only(BlogPostPage.objects.for_listing(), page_restrictions(request))
    return list(visible_to(posts, request)[:limit])


def members_only_documents(request, limit=HUB_DOCUMENTS):
    """The latest documents of restricted collections that ``request``'s reader may open."""
    restricted = [r.path for r in collection_restrictions(request)]
    if not restricted:
        return []
    documents = (
        get_document_model()
        .objects.filter(reduce(or_, [Q(collection__path__startswith=p) for p in restricted]))
        .exclude(collection_id__in=unreadable_collection_ids(request))
        .order_by("-created_at", "-pk")
    )
    return list(documents[:limit])


def my_teams(user):
    """The reader's memberships, each with the admin address to edit the structure's page."""
    memberships = user.memberships.select_related("structure").order_by("structure__title")
    return [
        {
            "membership": membership,
            "structure": membership.structure,
            "edit_url": reverse("wagtailadmin_pages:edit", args=[membership.structure_id]),
        }
        for membership in memberships
    ]


def hub_context(request, events):
    """What the hub shows to ``request``'s reader; ``events`` is the upcoming events queryset."""
    user = request.user
    teams = my_teams(user)
    directory = visible_to(StructureIndexPage.objects.live(), request).first()
    return {
        "teams": teams,
        "profile_structure": user.structure if not teams and user.structure_id else None,
        "can_invite": user.is_coordinator
        or any(team["membership"].role in Membership.REFERENT_ROLES for team in teams),
        "dashboard_url": (
            directory.get_url(request) + directory.reverse_subpage("dashboard")
            if directory and directory.get_url(request)
            else None
        ),
        "members_posts": members_only_posts(request),
        "members_documents": members_only_documents(request),
        "follow_count": user.follows.count(),
        "upcoming_events": list(events[:HUB_EVENTS]),
    }
