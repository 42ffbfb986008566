"""The registration fields of an event and the ``Registration`` records."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class RegistrationFields(models.Model):
    """What an editor sets on an event to open sign-ups (``EventPage`` inherits it)."""

    registration_open = models.BooleanField(
        _("members may register"),
        default=False,
        help_text=_("Network members register on the event's page; coordinators see the list."),
    )
    registration_capacity = models.PositiveIntegerField(
        _("number of places"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no limit. When the places are taken, a waiting list opens."),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Leave empty to accept registrations until the event starts."),
    )

    registration_panels = [
        MultiFieldPanel(
            [
                FieldPanel("registration_open"),
                FieldPanel("registration_capacity"),
                FieldPanel("registration_deadline"),
            ],
            heading=_("Registration"),
        )
    ]

    class Meta:
        abstract = True


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Confirmed registrations and places on the waiting list (not cancelled ones)."""
        return self.exclude(status=Registration.Status.CANCELLED)

    def confirmed(self):
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self):
        """The waiting list, first come first served."""
        return self.filter(status=Registration.Status.WAITING).order_by("created_at", "pk")

    def for_listing(self):
        """With the person and the structure each list shows, in one query."""
        return self.select_related("user", "structure")


class Registration(models.Model):
    """One person's registration for one event: a place, a place on the waiting list, or a
    cancelled one (kept: the list of who cancelled is useful to the coordination)."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        "website.EventPage",
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("event"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="event_registrations",
        verbose_name=_("member"),
    )
    structure = models.ForeignKey(
        "knowledge.StructurePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="event_registrations",
        verbose_name=_("structure"),
        help_text=_("The member's structure when they registered."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("event registration")
        verbose_name_plural = _("event registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            # Registering twice, even from two requests at once, leaves one registration.
            models.UniqueConstraint(
                fields=["event", "user"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_event",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.event} ({self.get_status_display()})"
