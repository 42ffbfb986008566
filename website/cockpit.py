"""The coordination's cockpit (``/pilotage/``): what is late in each structure's programme and
what waits for a coordinator across the network, on a given day.

Per structure: its late items (``knowledge.lateness``), each with the address where it is put
right, and its last post. For the network: accounts awaiting approval, posts awaiting
moderation, reported comments, upcoming events. A referent's "my structure" block (admin home,
members' hub) reads the same rules for its own structures only.

Everything is read in a fixed number of queries, whatever the number of structures, actions,
measurements, posts or events.
"""

import datetime
from dataclasses import dataclass, field

import tablib
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateField, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_comments.models import CommentFlag
from wagtail.models import Page, WorkflowState

from blog.models import BlogComment, BlogPostPage
from core.roles import COORDINATORS_GROUP
from knowledge.exports import safe_text
from knowledge.lateness import LateKind, late_items
from knowledge.models import StructurePage
from members.models import Membership, User

from .models import EventPage, ProgrammeSettings

NETWORK_LIMIT = 10  # rows shown per network list (the counts are always whole)
MY_EVENTS = 3
MY_DRAFTS = 5


def programme_as_of(request=None):
    """The day the programme is seen from by default: the site's "programme date" when one is
    set (the demo sets the day its data stops, 30 June 2010), else today. Read once per
    ``request`` when one is given."""
    return ProgrammeSettings.load(request_or_site=request).as_of or timezone.localdate()


def parse_as_of(value, request=None):
    """``(day, error)`` for the ``date`` parameter ``value`` (YYYY-MM-DD): the default day and
    a French message when it is not a date."""
    if not value:
        return programme_as_of(request), None
    try:
        day = datetime.date.fromisoformat(value.strip())
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999:
        return programme_as_of(request), _(
            "“%(value)s” is not a date: give one as YYYY-MM-DD. Showing the default day."
        ) % {"value": value[:40]}
    return day, None


def admin_edit_url(page_id):
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def fix_url(item, structure):
    """Where ``item`` of ``structure`` is put right: the handouts page, the questionnaire, or
    the structure's page in the admin (journey, actions, indicators)."""
    if item.kind in (LateKind.HANDOUT, LateKind.QUESTIONNAIRE):
        url = structure.get_url()
        if url:
            route = "handouts" if item.kind == LateKind.HANDOUT else "questionnaire"
            return url + structure.reverse_subpage(route)
    return admin_edit_url(structure.pk)


def fix_label(item):
    return {
        LateKind.HANDOUT: _("Open the indicative lists"),
        LateKind.QUESTIONNAIRE: _("Open the questionnaire"),
    }.get(item.kind, _("Edit the structure's page"))


@dataclass
class LateRow:
    """One late item as the cockpit shows it."""

    item: object
    as_of: datetime.date
    url: str
    action_label: str

    @property
    def days_late(self):
        return self.item.days_late(self.as_of)


@dataclass
class StructureStatus:
    structure: StructurePage
    rows: list = field(default_factory=list)
    last_post: BlogPostPage | None = None
    last_post_date: datetime.date | None = None
    as_of: datetime.date | None = None

    @property
    def edit_url(self):
        return admin_edit_url(self.structure.pk)

    @property
    def days_since_last_post(self):
        if self.last_post_date is None:
            return None
        return (self.as_of - self.last_post_date).days


def post_day():
    """A post's day: its publication date, else the day it was first published."""
    return Coalesce("date", TruncDate("first_published_at"), output_field=DateField())


def structures_status(structures, as_of):
    """A ``StructureStatus`` for each of ``structures`` (a StructurePage queryset), in its
    order: late items and the last live post dated on or before ``as_of``. Seven queries."""
    latest = (
        BlogPostPage.objects.live()
        .filter(structure=OuterRef("pk"))
        .annotate(day=post_day())
        .filter(day__lte=as_of)
        .order_by("-day", "-pk")
    )
    structures = list(
        structures.annotate(
            last_post_id=Subquery(latest.values("pk")[:1]),
            last_post_date=Subquery(latest.values("day")[:1]),
        )
    )
    late = late_items(structures, as_of)
    post_ids = [s.last_post_id for s in structures if s.last_post_id]
    posts = BlogPostPage.objects.in_bulk(post_ids) if post_ids else {}
    result = []
    for structure in structures:
        rows = [
            LateRow(item, as_of, fix_url(item, structure), fix_label(item))
            for item in late[structure.pk]
        ]
        result.append(
            StructureStatus(
                structure,
                rows,
                posts.get(structure.last_post_id),
                structure.last_post_date,
                as_of,
            )
        )
    return result


# The network's to-do -------------------------------------------------------------------------


def pending_accounts():
    return User.objects.pending().select_related("structure").order_by("date_joined", "pk")


def in_moderation_ids():
    """Ids of the pages whose workflow waits for a reviewer (a subquery)."""
    page_type = ContentType.objects.get_for_model(Page)
    return (
        WorkflowState.objects.active()
        .filter(base_content_type=page_type, status=WorkflowState.STATUS_IN_PROGRESS)
        .annotate(page_id=Cast("object_id", IntegerField()))
        .values("page_id")
    )


def posts_in_moderation():
    return (
        BlogPostPage.objects.filter(pk__in=in_moderation_ids())
        .select_related("structure", "owner")
        .order_by("-latest_revision_created_at", "-pk")
    )


def reported_comments():
    """Comments still shown that someone reported, most recent first."""
    reported = CommentFlag.objects.filter(flag=CommentFlag.SUGGEST_REMOVAL).values("comment_id")
    return (
        BlogComment.objects.published()
        .filter(pk__in=reported)
        .select_related("user")
        .order_by("-submit_date", "-pk")
    )


def as_of_moment(as_of):
    """The start of ``as_of`` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(as_of, datetime.time.min))


def upcoming_events(as_of, structures=None):
    """Live events not over on ``as_of``, soonest first, with their structures (only those of
    ``structures`` when given)."""
    events = EventPage.objects.live().upcoming(now=as_of_moment(as_of))
    if structures is not None:
        events = events.filter(structures__in=structures).distinct()
    return events.prefetch_related(
        Prefetch("structures", queryset=StructurePage.objects.order_by("title"))
    )


@dataclass
class NetworkList:
    """One list of the network's to-do: its total and its first rows."""

    count: int
    rows: list
    url: str

    @classmethod
    def of(cls, queryset, url, limit=NETWORK_LIMIT):
        rows = list(queryset[: limit + 1]) if limit else []
        count = len(rows) if len(rows) <= limit else queryset.count()
        return cls(count, rows[:limit], url)


def network_todo(as_of, limit=NETWORK_LIMIT):
    """The network's to-do on ``as_of``: four ``NetworkList``."""
    return {
        "pending": NetworkList.of(pending_accounts(), reverse("members_admin:pending"), limit),
        "moderation": NetworkList.of(posts_in_moderation(), reverse("wagtailadmin_home"), limit),
        "reported": NetworkList.of(
            reported_comments(), reverse("blogcomment:index") + "?reported=true", limit
        ),
        "events": NetworkList.of(
            upcoming_events(as_of), reverse("wagtailadmin_explore_root"), limit
        ),
    }


def cockpit_context(as_of):
    structures = structures_status(StructurePage.objects.live().order_by("title"), as_of)
    late = [status for status in structures if status.rows]
    return {
        "as_of": as_of,
        "structures": structures,
        "late_structures": late,
        "late_count": sum(len(status.rows) for status in structures),
        "network": network_todo(as_of),
    }


# Coordinators and teams ------------------------------------------------------------------------


def coordinators():
    """Active approved coordinators (members of the group, or superusers), by email."""
    return (
        User.objects.approved()
        .filter(Q(groups__name=COORDINATORS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("email")
    )


def team_structures(user):
    """The live structures whose project team ``user`` is on, by title."""
    ids = Membership.objects.filter(user=user).values("structure_id")
    return StructurePage.objects.live().filter(pk__in=ids).order_by("title")


def my_structures(user, as_of):
    """What a team member's "my structure" block shows: for each of their structures, its
    status (late items, last post), its drafts awaiting moderation and its next events.
    A fixed number of queries whatever the number of structures."""
    structures = team_structures(user)
    statuses = structures_status(structures, as_of)
    if not statuses:
        return []
    ids = [status.structure.pk for status in statuses]
    drafts = {}
    for post in posts_in_moderation().filter(structure_id__in=ids):
        drafts.setdefault(post.structure_id, []).append(post)
    events = {}
    for event in upcoming_events(as_of, ids):
        for structure in event.structures.all():
            events.setdefault(structure.pk, []).append(event)
    for status in statuses:
        status.drafts = drafts.get(status.structure.pk, [])[:MY_DRAFTS]
        status.events = events.get(status.structure.pk, [])[:MY_EVENTS]
    return statuses


# Export --------------------------------------------------------------------------------------


def lateness_dataset(statuses, as_of, formula_triggers=()):
    """The lateness table: one row per late item, French headers, dates as dates."""

    def text(value):
        return safe_text(str(value), formula_triggers)

    dataset = tablib.Dataset(
        headers=[
            _("Structure"),
            _("Kind"),
            _("What"),
            _("Late since"),
            _("Days late"),
            _("Detail"),
        ],
        title=_("Late items"),
    )
    for status in statuses:
        for row in status.rows:
            dataset.append(
                [
                    text(status.structure.title),
                    text(row.item.kind_label),
                    text(row.item.label),
                    row.item.since,
                    row.days_late,
                    text(row.item.detail),
                ]
            )
    return dataset
