"""Accounts of the network, their profiles, memberships of structures and invitations.

Rights are not stored here: they live in Wagtail's groups and page/collection permissions, which
``members.permissions`` keeps in sync with the records below.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager, Group
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.french import as_role, of_name
from core.roles import COORDINATORS_GROUP, MEMBERS_GROUP  # noqa: F401 (MEMBERS_GROUP re-exported)

from .validators import validate_avatar

INVITATION_LIFETIME = timedelta(days=14)
# What a visitor reads instead of the name of a person whose profile is for members only.
NEUTRAL_NAME = _("A network member")
# What a card of the member directory shows (``members/directory.html``).
DIRECTORY_CARD_FIELDS = (
    "display_name",
    "first_name",
    "last_name",
    "job_title",
    "avatar",
    "structure__title",
)


class UserQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=User.Status.APPROVED, is_active=True)

    def pending(self):
        return self.filter(status=User.Status.PENDING, is_active=True)

    def for_directory(self, query="", structure=None):
        """Approved members, searched by name and filtered by structure, in name order.

        Only the columns a directory card shows (the structure's title, not its whole page),
        and no ``DISTINCT``: a membership is matched by a subquery, so counting the members
        stays a plain ``COUNT(*)``."""
        users = self.approved().select_related("structure")
        for word in query.split()[:5]:
            users = users.filter(
                Q(display_name__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(job_title__icontains=word)
            )
        if structure is not None:
            attached = Membership.objects.filter(structure=structure).values("user")
            users = users.filter(Q(structure=structure) | Q(pk__in=attached))
        return users.only(*DIRECTORY_CARD_FIELDS).order_by(
            "display_name", "last_name", "first_name", "pk"
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    """Creates users from an email address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("status", User.Status.APPROVED)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractUser):
    """A person with an account, identified by their email address, and their public profile."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("network member")
        REFUSED = "refused", _("refused")

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("network members only")
        PUBLIC = "public", _("everyone")

    username = None
    email = models.EmailField(_("email address"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_(
            "How your name appears on the site. Leave empty to use your first and last name."
        ),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        verbose_name=_("structure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profiles",
    )
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    avatar = models.ImageField(
        _("photo"),
        upload_to="avatars/",
        blank=True,
        validators=[validate_avatar],
        help_text=_("Optional. JPEG, PNG or WebP, at most 2 MB."),
    )
    profile_visibility = models.CharField(
        _("who can see my profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.MEMBERS,
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]
        permissions = [
            ("approve_member", _("Can approve or refuse new accounts")),
            ("invite_member", _("Can invite anyone into the network")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:profile", args=[self.pk])

    @property
    def name(self):
        """The name shown on the site; never the email address, which stays private."""
        return self.display_name or self.get_full_name() or _("Member #%(id)s") % {"id": self.pk}

    @property
    def is_coordinator(self):
        return self.is_active and (
            self.is_superuser or self.groups.filter(name=COORDINATORS_GROUP).exists()
        )

    @property
    def is_network_member(self):
        """Approved members and coordinators: they read members-only content."""
        return self.is_active and (self.status == self.Status.APPROVED or self.is_coordinator)

    @property
    def is_awaiting_approval(self):
        return self.is_active and self.status == self.Status.PENDING

    @property
    def is_refused(self):
        return self.status == self.Status.REFUSED

    def is_named_for(self, reader):
        """Whether ``reader`` (a user; None or an anonymous user: a visitor, a feed) may see
        this person's name: a "members only" profile is named to network members only."""
        public = self.profile_visibility == User.Visibility.PUBLIC
        if public and self.is_active and self.status == User.Status.APPROVED:
            return True
        if reader is None or not reader.is_authenticated:
            return False
        return reader.can_see_profile_of(self)

    def name_for(self, reader):
        """The name ``reader`` may see, or a neutral label: the team of the person's
        structure (when it was fetched with them), else "A network member"."""
        if self.is_named_for(reader):
            return self.name
        if self.structure_id and User.structure.is_cached(self):
            return _("%(structure)s team") % {"structure": self.structure.title}
        return NEUTRAL_NAME

    def can_see_profile_of(self, other):
        if other.status != User.Status.APPROVED or not other.is_active:
            return self == other or self.is_coordinator
        return other.profile_visibility == User.Visibility.PUBLIC or self.is_network_member


class Membership(models.Model):
    """A user's place in a structure's project team, with their role in it."""

    class Role(models.TextChoices):
        TEAM = "team", _("project team member")
        STAFF_REFERENT = "staff-referent", _("staff referent")
        ELECTED_REFERENT = "elected-referent", _("elected referent")

    REFERENT_ROLES = (Role.STAFF_REFERENT, Role.ELECTED_REFERENT)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("structure"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.TEAM)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "structure"], name="one_membership_per_structure"
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.structure} ({self.get_role_display()})"

    @property
    def is_referent(self):
        return self.role in self.REFERENT_ROLES


class StructureTeam(models.Model):
    """The Wagtail group and collection that carry a structure team's rights."""

    structure = models.OneToOneField(
        "knowledge.StructurePage",
        on_delete=models.CASCADE,
        related_name="team",
        verbose_name=_("structure"),
    )
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="structure_team")
    collection = models.ForeignKey(
        "wagtailcore.Collection", on_delete=models.PROTECT, related_name="+"
    )
    direct_publishing = models.BooleanField(
        _("direct publishing"),
        default=False,
        help_text=_(
            "Let this structure's team publish without a coordinator's approval. "
            "Off: their changes are submitted for moderation."
        ),
    )

    class Meta:
        verbose_name = _("structure team")
        verbose_name_plural = _("structure teams")

    def __str__(self):
        return str(self.structure)


class InvitationQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


def new_token():
    return secrets.token_urlsafe(32)


def invitation_expiry():
    return timezone.now() + INVITATION_LIFETIME


class Invitation(models.Model):
    """A single-use, expiring invitation tied to one email address."""

    email = models.EmailField(_("email address"))
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("structure"),
        help_text=_("Leave empty to invite a network member who joins no project team."),
    )
    role = models.CharField(
        _("role in the team"),
        max_length=20,
        choices=Membership.Role.choices,
        default=Membership.Role.TEAM,
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("members:invitation", args=[self.token])

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def team_phrase(self):
        """ "as staff referent of Le Haillan", in correct French when French is active
        ("en tant qu'agent référent du Haillan"); empty without a structure."""
        if not self.structure_id:
            return ""
        return f"{as_role(self.get_role_display())} {of_name(self.structure.title)}"

    @property
    def is_used(self):
        return self.accepted_at is not None


def accept_invitation(invitation, user):
    """Use ``invitation`` for ``user``: approve them and add them to the invited team.

    Single use even under concurrent requests: only the request that marks it accepted wins.
    Returns False, changing nothing, when the invitation is used, expired or for another address.
    """
    if user.email.lower() != invitation.email:
        return False
    with transaction.atomic():
        won = (
            Invitation.objects.usable()
            .filter(pk=invitation.pk)
            .update(accepted_at=timezone.now(), accepted_by=user)
        )
        if not won:
            return False
        user.status = User.Status.APPROVED
        user.status_changed_at = timezone.now()
        if invitation.structure_id and not user.structure_id:
            user.structure_id = invitation.structure_id
        user.save()
        if invitation.structure_id:
            Membership.objects.update_or_create(
                user=user, structure_id=invitation.structure_id, defaults={"role": invitation.role}
            )
    return True
