"""What members follow (the blog, a category, a structure, lessons, resources) and how often.

``Follow`` is imported into ``members.models``; this module also holds the rules shared by the
views, the template tag and the notifications: which follow a page or a category is the target
of, who may see a page, and the signed unsubscribe tokens.
"""

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

UNSUBSCRIBE_SALT = "members.follows.unsubscribe"
UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 120  # seconds: a digest stays actionable for four months


class FollowQuerySet(models.QuerySet):
    def for_listing(self):
        """Follows with their target fetched, in a stable, readable order."""
        return self.select_related("category", "structure").order_by(
            "kind", "category__name", "structure__title", "pk"
        )

    def matching(self, targets):
        """Follows whose target is one of ``targets`` (pairs from ``targets_of_page``)."""
        condition = Q(pk__in=[])
        for kind, target_id in targets:
            if kind == Follow.Kind.CATEGORY:
                condition |= Q(kind=kind, category_id=target_id)
            elif kind == Follow.Kind.STRUCTURE:
                condition |= Q(kind=kind, structure_id=target_id)
            else:
                condition |= Q(kind=kind)
        return self.filter(condition)


class Follow(models.Model):
    """A member following one part of the site, with how often they want to hear about it."""

    class Kind(models.TextChoices):
        BLOG = "blog", _("the blog")
        CATEGORY = "category", _("a blog category")
        STRUCTURE = "structure", _("a structure")
        LESSONS = "lessons", _("the lessons learned")
        RESOURCES = "resources", _("the resources")

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("instant email")
        DAILY = "daily", _("daily digest")
        WEEKLY = "weekly", _("weekly digest")
        PAUSED = "paused", _("paused (no email)")

    SECTION_KINDS = (Kind.BLOG, Kind.LESSONS, Kind.RESOURCES)
    DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
    # A page already sent at a faster frequency is left out of a slower digest.
    RANK = {Frequency.INSTANT: 0, Frequency.DAILY: 1, Frequency.WEEKLY: 2}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("member"),
    )
    kind = models.CharField(_("what is followed"), max_length=20, choices=Kind.choices)
    category = models.ForeignKey(
        "blog.BlogCategory",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("category"),
    )
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("structure"),
    )
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    created_at = models.DateTimeField(_("followed since"), default=timezone.now)
    last_digest_at = models.DateTimeField(
        _("digest sent up to"),
        default=timezone.now,
        help_text=_("Pages and comments up to this moment have been considered for a digest."),
    )

    objects = FollowQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.CheckConstraint(
                name="follow_target_matches_kind",
                condition=(
                    Q(kind="category", category__isnull=False, structure__isnull=True)
                    | Q(kind="structure", structure__isnull=False, category__isnull=True)
                    | Q(
                        kind__in=["blog", "lessons", "resources"],
                        category__isnull=True,
                        structure__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(kind__in=["blog", "lessons", "resources"]),
                name="one_follow_per_section",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="one_follow_per_category",
            ),
            models.UniqueConstraint(
                fields=["user", "structure"],
                condition=Q(structure__isnull=False),
                name="one_follow_per_structure",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.target_label}"

    @property
    def target_label(self):
        """What is followed, as a phrase: "the category “Vie du réseau”"."""
        return target_label(self.kind, self.category or self.structure)

    @property
    def target_key(self):
        return (self.kind, self.category_id or self.structure_id)

    def set_frequency(self, frequency, now=None):
        """Change the frequency; a digest starting now never replays what was already sent."""
        if frequency == self.frequency:
            return
        if frequency in self.DIGEST_FREQUENCIES and self.frequency not in self.DIGEST_FREQUENCIES:
            # Coming from instant (already emailed) or paused (not wanted): start from now.
            self.last_digest_at = now or timezone.now()
        self.frequency = frequency


def target_label(kind, target=None):
    if kind == Follow.Kind.CATEGORY:
        return _("the category “%(name)s”") % {"name": target.name}
    if kind == Follow.Kind.STRUCTURE:
        return _("posts about %(name)s") % {"name": target.title}
    return {
        Follow.Kind.BLOG: _("the blog (all posts)"),
        Follow.Kind.LESSONS: _("the lessons learned"),
        Follow.Kind.RESOURCES: _("the resources"),
    }[kind]


def kind_of(target):
    """The ``Follow.Kind`` of a followable object (page or category), or None."""
    from blog.models import BlogCategory, BlogIndexPage
    from knowledge.models import LessonIndexPage, ResourceIndexPage, StructurePage

    if isinstance(target, BlogCategory):
        return Follow.Kind.CATEGORY
    cls = getattr(target, "specific_class", None) or type(target)
    for model, kind in (
        (BlogIndexPage, Follow.Kind.BLOG),
        (StructurePage, Follow.Kind.STRUCTURE),
        (LessonIndexPage, Follow.Kind.LESSONS),
        (ResourceIndexPage, Follow.Kind.RESOURCES),
    ):
        if cls is not None and issubclass(cls, model):
            return kind
    return None


def lookup(kind, target_id=None):
    """Field values identifying the follow of one target, for ``get``/``update_or_create``."""
    return {
        "kind": kind,
        "category_id": target_id if kind == Follow.Kind.CATEGORY else None,
        "structure_id": target_id if kind == Follow.Kind.STRUCTURE else None,
    }


def targets_of_page(page):
    """The follow targets a newly published page concerns, as ``(kind, id or None)`` pairs.

    A blog post concerns the blog, each of its categories and its structure; any page below the
    lessons or resources index concerns that section. ``page`` must be specific; for posts, its
    ``categories`` are read through ``all()`` so a prefetch is used.
    """
    from blog.models import BlogPostPage
    from knowledge.models import LessonIndexPage, ResourceIndexPage

    if isinstance(page, BlogPostPage):
        targets = [(Follow.Kind.BLOG, None)]
        targets += [(Follow.Kind.CATEGORY, category.pk) for category in page.categories.all()]
        if page.structure_id:
            targets.append((Follow.Kind.STRUCTURE, page.structure_id))
        return targets
    targets = []
    for model, kind in (
        (LessonIndexPage, Follow.Kind.LESSONS),
        (ResourceIndexPage, Follow.Kind.RESOURCES),
    ):
        if model.objects.filter(path__in=ancestor_paths(page)).exists():
            targets.append((kind, None))
    return targets


def ancestor_paths(page):
    """Treebeard paths of the strict ancestors of ``page``."""
    step = page.steplen
    return [page.path[:end] for end in range(step, len(page.path), step)]


# Who may see a page ------------------------------------------------------------------------


def is_network_member(user):
    """``User.is_network_member`` reading the user's groups through ``all()`` (prefetchable)."""
    from .models import COORDINATORS_GROUP, User

    if not user.is_active:
        return False
    if user.status == User.Status.APPROVED or user.is_superuser:
        return True
    return any(group.name == COORDINATORS_GROUP for group in user.groups.all())


def passes_restriction(user, restriction):
    """Whether ``user`` passes one Wagtail view restriction, away from any request.

    Shared-password restrictions are never passed: an email cannot carry the password.
    """
    kind = restriction.restriction_type
    if kind == restriction.NONE:
        return True
    if not (user.is_authenticated and user.is_active):
        return False
    if kind == restriction.LOGIN:
        return True
    if kind == restriction.GROUPS:
        if user.is_superuser:
            return True
        user_groups = {group.pk for group in user.groups.all()}
        return any(group.pk in user_groups for group in restriction.groups.all())
    return False


def can_view(user, page, restrictions=None):
    """Whether ``user`` may read ``page`` under its view restrictions (and its ancestors')."""
    if restrictions is None:
        restrictions = page.get_view_restrictions().prefetch_related("groups")
    return all(passes_restriction(user, restriction) for restriction in restrictions)


class ViewRules:
    """``can_view`` for many pages and users with the restrictions loaded once (two queries)."""

    def __init__(self):
        from wagtail.models import PageViewRestriction

        self.restrictions = list(
            PageViewRestriction.objects.select_related("page").prefetch_related("groups")
        )

    def can_view(self, user, page):
        return can_view(
            user,
            page,
            [r for r in self.restrictions if page.path.startswith(r.page.path)],
        )


# Unsubscribe links -------------------------------------------------------------------------


def unsubscribe_token(user, follows):
    """A signed token that pauses ``follows`` of ``user`` without logging in."""
    return signing.dumps(
        {"u": user.pk, "f": sorted(follow.pk for follow in follows)},
        salt=UNSUBSCRIBE_SALT,
        compress=True,
    )


def read_unsubscribe_token(token):
    """``(user_id, [follow ids])`` from a token, or None when it is forged, broken or expired."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    try:
        user_id, follow_ids = int(data["u"]), [int(pk) for pk in data["f"]]
    except (KeyError, TypeError, ValueError):
        return None
    return user_id, follow_ids
