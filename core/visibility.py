"""Who may read what: Wagtail's view restrictions on pages and collections, for one reader.

One rule for the whole site, used by listings, feeds, search, follows, comments, emails and the
dashboard:

- a restriction "private, for these groups" lets in the members of those groups (and
  superusers);
- a restriction "private, for logged-in users" lets in *network members* only (members and
  coordinators): a sign-up awaiting approval is logged in but is not a member yet;
- shared-password restrictions are turned off on this site and let nobody in.

A ``Reader`` reads its groups once; the restrictions are read once per request (two queries),
so filtering a listing costs the same whatever the number of restricted subtrees. With the
fragment cache on (``RAA_FRAGMENT_CACHE``), each process keeps a request's restrictions in
memory from one change of the site to the next (``core.site_cache.remember``): no query at
all. Without a request (emails, indexing, tasks) they are read afresh.
"""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Q
from django.db.models.functions import Substr
from django.db.models.lookups import In
from django.http import HttpRequest
from django.utils.functional import cached_property
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from .roles import COORDINATORS_GROUP, MEMBERS_GROUP
from .site_cache import remember

READER_ATTRIBUTE = "_raa_reader"
GROUPS_ATTRIBUTE = "_raa_groups"
PAGE_RESTRICTIONS_ATTRIBUTE = "_raa_page_restrictions"
COLLECTION_RESTRICTIONS_ATTRIBUTE = "_raa_collection_restrictions"


@dataclass(frozen=True)
class Restriction:
    """A view restriction reduced to what deciding needs: the subtree, its kind, its groups."""

    path: str
    kind: str
    group_ids: frozenset

    def covers(self, path):
        return path.startswith(self.path)


# The last lists of restrictions indexed by their paths (``covering``), by ``id``: the same
# list is read for every page of a request, and kept between requests until the site changes.
_indexed = {}


def covering(path, restrictions):
    """The ``restrictions`` that cover the tree ``path`` (a page's or a collection's): looked
    up by its ancestors' paths, not by going through every restriction."""
    last, by_path = _indexed.get(id(restrictions), (None, None))
    if last is not restrictions:  # kept with the list itself: its id is not reused meanwhile
        by_path = {}
        for restriction in restrictions:
            by_path.setdefault(restriction.path, []).append(restriction)
        if len(_indexed) >= 4:
            _indexed.clear()
        _indexed[id(restrictions)] = (restrictions, by_path)
    step = Page.steplen
    return [
        restriction
        for length in range(step, len(path) + 1, step)
        for restriction in by_path.get(path[:length], ())
    ]


def groups_of(user):
    """``{group id: name}`` of ``user``'s groups, read once per user instance (through
    ``all()``, so a prefetch serves it): the reader's rights and the permission backend
    (``core.auth_backends``) share the query."""
    groups = getattr(user, GROUPS_ATTRIBUTE, None)
    if groups is None:
        groups = {group.pk: group.name for group in user.groups.all()}
        setattr(user, GROUPS_ATTRIBUTE, groups)
    return groups


def forget_groups(user):
    """Read ``user``'s groups again next time (they changed)."""
    user.__dict__.pop(GROUPS_ATTRIBUTE, None)


class Reader:
    """Someone reading the site (a request's user, or an email's recipient)."""

    def __init__(self, user=None):
        self.user = user
        self.is_authenticated = bool(
            user is not None and user.is_authenticated and getattr(user, "is_active", False)
        )
        self.is_superuser = self.is_authenticated and user.is_superuser

    @cached_property
    def groups(self):
        """``{group id: name}``, read once (``groups_of``)."""
        if not self.is_authenticated:
            return {}
        return groups_of(self.user)

    @property
    def group_ids(self):
        return frozenset(self.groups)

    @cached_property
    def is_coordinator(self):
        return self.is_superuser or COORDINATORS_GROUP in self.groups.values()

    @cached_property
    def is_member(self):
        """Network members and coordinators: they read members-only content."""
        return self.is_coordinator or MEMBERS_GROUP in self.groups.values()

    def passes(self, restriction):
        if restriction.kind == PageViewRestriction.NONE:
            return True
        if restriction.kind == PageViewRestriction.LOGIN:
            return self.is_member
        if restriction.kind == PageViewRestriction.GROUPS:
            return self.is_superuser or bool(self.group_ids & restriction.group_ids)
        return False  # shared passwords are turned off: nobody passes one

    def may_read(self, path, restrictions):
        """Whether this reader passes every restriction covering the tree ``path``."""
        return all(self.passes(r) for r in covering(path, restrictions))


def reader_of(who):
    """The ``Reader`` for a request (built once per request), a user or a reader."""
    if isinstance(who, Reader):
        return who
    if isinstance(who, HttpRequest) or hasattr(who, "user") and hasattr(who, "META"):
        reader = getattr(who, READER_ATTRIBUTE, None)
        if reader is None or reader.user is not who.user:
            reader = Reader(who.user)
            setattr(who, READER_ATTRIBUTE, reader)
        return reader
    return Reader(who)


def _read(model, tree_field):
    # Values, not model instances: a network's thousand members-only subtrees made a thousand
    # Wagtail pages to build on every request that searched (0.2 s at scale 50).
    rows = list(
        model.objects.values_list("pk", f"{tree_field}__path", "restriction_type").order_by("pk")
    )
    if not rows:
        return ()
    groups = {}
    through = model.groups.through
    owner = model.groups.field.m2m_field_name()
    for restriction_id, group_id in through.objects.values_list(f"{owner}_id", "group_id"):
        groups.setdefault(restriction_id, set()).add(group_id)
    return tuple(
        Restriction(path=path, kind=kind, group_ids=frozenset(groups.get(pk, ())))
        for pk, path, kind in rows
    )


def _load(model, tree_field, request=None, attribute=None):
    cached = getattr(request, attribute, None) if request is not None else None
    if cached is not None:
        return cached
    if request is None:
        # Emails, indexing, tasks: read afresh, whatever signal receiver runs first.
        return _read(model, tree_field)
    restrictions = remember(
        f"restrictions:{model._meta.label_lower}", lambda: _read(model, tree_field), request
    )
    setattr(request, attribute, restrictions)
    return restrictions


def page_restrictions(request=None):
    """Every page view restriction (two queries once per request when one is given, none
    while the process remembers them)."""
    return _load(PageViewRestriction, "page", request, PAGE_RESTRICTIONS_ATTRIBUTE)


def collection_restrictions(request=None):
    """Every collection view restriction (as ``page_restrictions``)."""
    return _load(
        CollectionViewRestriction, "collection", request, COLLECTION_RESTRICTIONS_ATTRIBUTE
    )


def bearing_on(path, restrictions):
    """The ``restrictions`` that may cover a page at or below the tree ``path``: those on it,
    its ancestors and its descendants. A listing of one section filters with these only, so
    its query does not carry the members-only pages of the other sections."""
    return [r for r in restrictions if r.path.startswith(path) or path.startswith(r.path)]


def covered(path, paths):
    """Whether the tree ``path`` lies under (or at) one of ``paths`` (a set): a lookup per
    ancestor, whatever the number of ``paths``."""
    step = Page.steplen
    return any(path[:length] in paths for length in range(step, len(path) + 1, step))


def under_any(paths, field="path"):
    """A ``Q`` for the rows whose tree ``field`` lies under (or at) one of ``paths``, or None
    when there is none. One ``IN`` list per path length, not one condition per path: the query
    stays small with thousands of restricted subtrees (SQLite refuses an expression deeper
    than 1,000 terms, which 1,700 members-only pages reached)."""
    by_length = {}
    for path in paths:
        by_length.setdefault(len(path), set()).add(path)
    if not by_length:
        return None
    return reduce(
        or_,
        (
            Q(In(Substr(field, 1, length), sorted(prefixes)))
            for length, prefixes in sorted(by_length.items())
        ),
    )


def _request_of(who):
    return who if isinstance(who, HttpRequest) or hasattr(who, "META") else None


def visible_to(pages, who, restrictions=None):
    """``pages`` without those under a restriction that ``who`` (request, user or reader)
    does not pass. One query for the whole queryset, whatever the number of restrictions."""
    reader = reader_of(who)
    if restrictions is None:
        restrictions = page_restrictions(_request_of(who))
    failed = under_any(r.path for r in restrictions if not reader.passes(r))
    return pages if failed is None else pages.exclude(failed)


def public(pages, request=None, restrictions=None):
    """``pages`` outside every restricted subtree, what anyone at all may read: Wagtail's
    ``public()`` without its query when the request's restrictions are already read."""
    if restrictions is None:
        restrictions = page_restrictions(request)
    restricted = under_any(r.path for r in restrictions)
    return pages if restricted is None else pages.exclude(restricted)


def restricted_only(pages, restrictions):
    """Only the ``pages`` some view restriction covers: members-only content (to list it,
    filter with ``visible_to`` too)."""
    covering = under_any(r.path for r in restrictions if r.kind != PageViewRestriction.NONE)
    return pages.none() if covering is None else pages.filter(covering)


def can_read(page, who, restrictions=None):
    """Whether ``who`` may read ``page`` (its restrictions and its ancestors')."""
    reader = reader_of(who)
    if restrictions is None:
        restrictions = page_restrictions(_request_of(who))
    return reader.may_read(page.path, restrictions)


def unreadable_collection_ids(who):
    """Ids of the collections (with their descendants) ``who`` may not open."""
    reader = reader_of(who)
    failed = under_any(
        r.path for r in collection_restrictions(_request_of(who)) if not reader.passes(r)
    )
    if failed is None:
        return set()
    return set(Collection.objects.filter(failed).values_list("pk", flat=True))


def is_public_collection(collection, restrictions=None):
    """Whether anyone at all may open documents and images of ``collection``."""
    if restrictions is None:
        restrictions = collection_restrictions()
    return not any(r.covers(collection.path) for r in restrictions)
