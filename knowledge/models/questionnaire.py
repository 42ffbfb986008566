"""The detailed questionnaire handed out at the kick-off, filled online once per structure.

The coordination keeps the questions (in four sections); each structure's team answers them in
one ``QuestionnaireResponse``: a draft it comes back to until it submits it, after which only a
coordinator may reopen it. Own models rather than Wagtail's form builder: the form builder
stores one anonymous submission per sending, with no draft, no owner structure and no
question-by-question comparison; here each answer is a row, so comparing structures is one
query.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

STRUCTURE = "knowledge.StructurePage"


class QuestionnaireSection(models.TextChoices):
    APPROACH = "approach", _("The structure's eco-responsible approach")
    ORGANISATION = "organisation", _("How purchasing is organised")
    ALREADY_DONE = "done", _("What is already done")
    STAKES = "stakes", _("Stakes by purchasing sector")


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free answer")
    YES_NO = "yes_no", _("Yes / no / don't know")
    CHOICE = "choice", _("One choice from a list")


class Question(models.Model):
    section = models.CharField(_("section"), max_length=12, choices=QuestionnaireSection.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind of answer"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For “one choice from a list”: one choice per line."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Questions are asked in this order, smallest first.")
    )

    panels = [
        FieldPanel("section"),
        FieldPanel("text"),
        FieldPanel("help_text"),
        FieldPanel("kind"),
        FieldPanel("choices"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("questionnaire question")
        verbose_name_plural = _("questionnaire questions")

    def __str__(self):
        return self.text

    def choice_list(self):
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class QuestionnaireResponse(models.Model):
    """A structure's answers: one per structure, a draft until its team submits it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    structure = models.OneToOneField(
        STRUCTURE, on_delete=models.CASCADE, related_name="questionnaire_response"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    is_illustrative = models.BooleanField(_("illustrative data"), default=False)

    class Meta:
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")

    def __str__(self):
        return f"{self.structure_id}: {self.get_status_display()}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.TextField(_("answer"), max_length=3000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.value[:50]
