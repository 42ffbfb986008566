"""What members follow and how often they want to hear about it.

What can be followed is not listed here: each app registers its followable things in
``core.followables.registry`` (the blog and its categories, structures, lessons, resources...).
A follow stores the registered ``kind`` and, for an object, its id.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.followables import registry


class FollowQuerySet(models.QuerySet):
    def for_listing(self):
        """Follows in a stable, readable order, each with its target fetched (one query per
        kind of object followed)."""
        follows = list(self.select_related("user").order_by("kind", "target_id", "pk"))
        attach_targets(follows)
        return sorted(follows, key=lambda f: (f.order, str(f.target_label).casefold(), f.pk))

    def matching(self, targets):
        """Follows whose target is one of ``targets``: ``(kind, id or None)`` pairs."""
        condition = Q(pk__in=[])
        for kind, target_id in targets:
            condition |= Q(kind=kind, target_id=target_id)
        return self.filter(condition)


def attach_targets(follows):
    """Fetch the followed objects of ``follows`` (one query per kind) and attach them."""
    wanted = {}
    for follow in follows:
        followable = registry.get(follow.kind)
        if followable is not None and not followable.section and follow.target_id:
            wanted.setdefault(follow.kind, set()).add(follow.target_id)
    found = {
        kind: registry.get(kind).model._default_manager.in_bulk(ids) for kind, ids in wanted.items()
    }
    for follow in follows:
        follow._target = found.get(follow.kind, {}).get(follow.target_id)
    return follows


class Follow(models.Model):
    """A member following one part of the site, with how often they want to hear about it."""

    class Frequency(models.TextChoices):
        INSTANT = "instant", _("instant email")
        DAILY = "daily", _("daily digest")
        WEEKLY = "weekly", _("weekly digest")
        PAUSED = "paused", _("paused (no email)")

    DIGEST_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)
    # A page already sent at a faster frequency is left out of a slower digest.
    RANK = {Frequency.INSTANT: 0, Frequency.DAILY: 1, Frequency.WEEKLY: 2}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="follows",
        verbose_name=_("member"),
    )
    kind = models.CharField(
        _("what is followed"),
        max_length=20,
        help_text=_("A kind registered in core.followables: blog, category, structure..."),
    )
    target_id = models.PositiveBigIntegerField(_("followed object"), null=True, blank=True)
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
        db_table = "members_follow"  # the table from before follows had an app of their own
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                condition=Q(target_id__isnull=True),
                name="one_follow_per_section",
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "target_id"],
                condition=Q(target_id__isnull=False),
                name="one_follow_per_target",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.target_label}"

    @property
    def followable(self):
        return registry.get(self.kind)

    @property
    def target(self):
        """The followed object (None for a section); fetched by ``attach_targets``."""
        if not hasattr(self, "_target"):
            attach_targets([self])
        return self._target

    @property
    def order(self):
        followable = self.followable
        return followable.order if followable else 1000

    @property
    def target_label(self):
        """What is followed, as a phrase: "the category “Vie du réseau”"."""
        followable = self.followable
        if followable is None:
            return self.kind
        if followable.section:
            return followable.describe(None)
        target = self.target
        return followable.describe(target) if target is not None else followable.label

    @property
    def target_key(self):
        return (self.kind, self.target_id)

    def set_frequency(self, frequency, now=None):
        """Change the frequency; a digest starting now never replays what was already sent."""
        if frequency == self.frequency:
            return
        if frequency in self.DIGEST_FREQUENCIES and self.frequency not in self.DIGEST_FREQUENCIES:
            # Coming from instant (already emailed) or paused (not wanted): start from now.
            self.last_digest_at = now or timezone.now()
        self.frequency = frequency


class ReminderPreference(models.Model):
    """Whether a member wants the weekly reminder of what is late for their structure.

    No row means yes: a team member gets the reminder until they opt out (on their follows
    page or through the link in a reminder)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="reminder_preference",
        verbose_name=_("member"),
    )
    weekly = models.BooleanField(_("weekly reminders of my structure"), default=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self):
        return f"{self.user} – {self.weekly}"

    @classmethod
    def wants_reminders(cls, user):
        return not cls.objects.filter(user=user, weekly=False).exists()

    @classmethod
    def set_for(cls, user, weekly):
        cls.objects.update_or_create(user=user, defaults={"weekly": weekly})


class SentReminder(models.Model):
    """One weekly reminder sent to one member: at most one per person and ISO week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sent_reminders",
        verbose_name=_("member"),
    )
    week = models.DateField(_("week"), help_text=_("The Monday of the ISO week covered."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    late_count = models.PositiveIntegerField(_("late items listed"), default=0)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="one_reminder_per_week")
        ]

    def __str__(self):
        return f"{self.user} – {self.week}"
