"""The rows of a structure's sections: journey steps, commitments, diagnostic items, actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.fields import StreamField
from wagtail.models import Orderable

from knowledge.blocks import IndicatorsBlock, indicator_progress
from knowledge.vocabularies import (
    ActionStatus,
    DiagnosticKind,
    JourneyStep,
    ProgrammeCommitment,
    Sector,
    StepStatus,
    Theme,
)

STRUCTURE = "knowledge.StructurePage"


class JourneyStage(Orderable):
    """One step of a structure's coaching journey, with its planned and actual dates."""

    page = ParentalKey(STRUCTURE, on_delete=models.CASCADE, related_name="journey_stages")
    step = models.CharField(_("step"), max_length=30, choices=JourneyStep.choices)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=StepStatus.choices, default=StepStatus.UPCOMING
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    panels = [
        FieldPanel("step"),
        FieldRowPanel([FieldPanel("planned_date"), FieldPanel("actual_date")]),
        FieldPanel("status"),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")

    def __str__(self):
        return self.get_step_display()

    def clean(self):
        super().clean()
        if self.status == StepStatus.DONE and self.actual_date is None:
            raise ValidationError(
                {"actual_date": _("Give the date the step took place to mark it done.")}
            )


class CommitmentRecord(Orderable):
    """A mandatory commitment, when the structure met it and the evidence (a document, a link)."""

    page = ParentalKey(STRUCTURE, on_delete=models.CASCADE, related_name="commitment_records")
    commitment = models.CharField(
        _("commitment"), max_length=30, choices=ProgrammeCommitment.choices
    )
    date = models.DateField(
        _("date met"), null=True, blank=True, help_text=_("Leave empty while it is still to do.")
    )
    evidence_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("evidence (document)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("e.g. the council's délibération."),
    )
    evidence_link = models.URLField(_("evidence (link)"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    panels = [
        FieldPanel("commitment"),
        FieldPanel("date"),
        FieldRowPanel([FieldPanel("evidence_document"), FieldPanel("evidence_link")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return self.get_commitment_display()

    @property
    def is_met(self):
        return self.date is not None


class DiagnosticItem(Orderable, ClusterableModel):
    """An obstacle (*frein*) or a lever (*levier*) found by the diagnostic, tagged with themes."""

    page = ParentalKey(STRUCTURE, on_delete=models.CASCADE, related_name="diagnostic_items")
    kind = models.CharField(_("kind"), max_length=10, choices=DiagnosticKind.choices)
    text = models.TextField(_("description"), max_length=600)
    themes = ParentalManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="diagnostic_items"
    )

    panels = [
        FieldPanel("kind", widget=forms.RadioSelect),
        FieldPanel("text"),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("obstacle or lever")
        verbose_name_plural = _("obstacles and levers")

    def __str__(self):
        return self.text[:60]


class Action(Orderable):
    """A line of the action plan's follow-up sheet (*fiche de suivi*)."""

    page = ParentalKey(STRUCTURE, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=1000)
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("purchasing sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    owner = models.CharField(
        pgettext_lazy("person in charge of an action", "owner"),
        max_length=120,
        blank=True,
        help_text=_("The person or department in charge."),
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("From 0 to 100. A done action counts as 100."),
    )
    indicators = StreamField(IndicatorsBlock(), blank=True, verbose_name=_("indicators"))
    outcome = models.TextField(
        _("outcome at the assessment"),
        blank=True,
        max_length=1000,
        help_text=_("What the action achieved, or why not: shown in the assessment (bilan)."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("sector", widget=forms.Select), FieldPanel("owner")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("due_date")]),
        FieldRowPanel([FieldPanel("status"), FieldPanel("progress")]),
        FieldPanel("indicators"),
        FieldPanel("outcome"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise ValidationError(
                {"due_date": _("The due date cannot come before the start date.")}
            )
        if self.status == ActionStatus.DONE:
            self.progress = 100

    def get_indicators(self):
        """Each indicator as a dict with its sorted measurements, latest value and progress."""
        indicators = []
        for block in self.indicators:
            value = block.value
            measurements = sorted(value["measurements"], key=lambda m: m["date"])
            indicators.append(
                {
                    "name": value["name"],
                    "unit": value["unit"],
                    "baseline": value["baseline"],
                    "target": value["target"],
                    "measurements": measurements,
                    "latest": measurements[-1] if measurements else None,
                    "progress": indicator_progress(value),
                }
            )
        return indicators


def rounded_mean(values):
    """Arithmetic mean of whole numbers, rounded half up to a whole number; ``None`` if empty.

    Half up, not Python's round-half-to-even: 42.5 % shows as 43 % on the structure's page and
    on the dashboard alike.
    """
    values = list(values)
    if not values:
        return None
    return (2 * sum(values) + len(values)) // (2 * len(values))


def summarise_actions(actions):
    """Completion of a set of actions.

    ``average`` is the mean ``progress`` of the actions that are not abandoned, rounded to a
    whole percentage (``None`` when there is none); ``counts`` lists how many actions have each
    status, in ``ActionStatus`` order; ``total`` counts every action, abandoned included.
    """
    actions = list(actions)
    by_status = dict.fromkeys(ActionStatus.values, 0)
    for action in actions:
        by_status[action.status] = by_status.get(action.status, 0) + 1
    counted = [action.progress for action in actions if action.status != ActionStatus.ABANDONED]
    return {
        "average": rounded_mean(counted),
        "counted": len(counted),
        "total": len(actions),
        "by_status": by_status,
        "counts": [
            {"status": status, "label": status.label, "count": by_status[status.value]}
            for status in ActionStatus
        ],
    }
