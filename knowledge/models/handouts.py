"""The programme's two indicative lists (key documents, interviews) and each team's progress.

At the kick-off every structure received the same two lists. The coordination keeps their
items here (what, why it matters, who holds it); each structure's team ticks them off for its
own diagnostic. Progress is the team's and the coordination's business only.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

STRUCTURE = "knowledge.StructurePage"


class HandoutList(models.TextChoices):
    KEY_DOCUMENTS = "documents", _("Key documents")
    INTERVIEWS = "interviews", _("Interviews")

    @property
    def done_label(self):
        return _("gathered") if self == HandoutList.KEY_DOCUMENTS else _("held")


class HandoutItemQuerySet(models.QuerySet):
    def of(self, handout_list):
        return self.filter(handout_list=handout_list)


class HandoutItem(models.Model):
    """One item of an indicative list: a document to gather or an interview to hold."""

    handout_list = models.CharField(_("list"), max_length=12, choices=HandoutList.choices)
    title = models.CharField(_("what"), max_length=200)
    why = models.TextField(_("why it matters"), max_length=600, blank=True)
    holder = models.CharField(
        _("who holds it"),
        max_length=200,
        blank=True,
        help_text=_("The service or person who holds the document, or who is interviewed."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Items are listed by this number, smallest first.")
    )

    objects = HandoutItemQuerySet.as_manager()

    panels = [
        FieldPanel("handout_list"),
        FieldPanel("title"),
        FieldPanel("why"),
        FieldPanel("holder"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["handout_list", "sort_order", "pk"]
        verbose_name = _("indicative list item")
        verbose_name_plural = _("indicative list items")

    def __str__(self):
        return self.title


class HandoutProgress(models.Model):
    """Where one structure stands on one item: gathered or done, when, and a note."""

    structure = models.ForeignKey(
        STRUCTURE, on_delete=models.CASCADE, related_name="handout_progress"
    )
    item = models.ForeignKey(HandoutItem, on_delete=models.CASCADE, related_name="progress")
    done = models.BooleanField(_("gathered / done"), default=False)
    date = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["structure", "item"], name="one_progress_per_item")
        ]
        verbose_name = _("indicative list progress")
        verbose_name_plural = _("indicative list progress")

    def __str__(self):
        return f"{self.structure_id}: {self.item}"
