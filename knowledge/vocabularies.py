"""Shared vocabularies of the programme. Every app takes them from here.

Two kinds: the terms coordinators edit as snippets (structure types, départements, contexts,
sustainability commitments, purchasing organisations, sectors, themes), and the fixed lists the
programme document itself sets (the coaching journey's steps, the mandatory commitments), kept
as ``TextChoices`` because the dashboard compares every structure against them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.search import index


class TermQuerySet(models.QuerySet):
    def for_slugs(self, slugs):
        return self.filter(slug__in=slugs)


class Term(index.Indexed, models.Model):
    """A named entry of a vocabulary, with a stable slug used in shareable filter URLs."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_("Used in the directory's addresses: change it only if nobody links to it."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in lists and filters.")
    )

    objects = TermQuerySet.as_manager()

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class StructureType(Term):
    """Kinds of public body that can join the programme (diversity criterion 1)."""

    class Meta(Term.Meta):
        verbose_name = _("type of structure")
        verbose_name_plural = _("types of structure")


class Departement(Term):
    """The départements of the region (diversity criterion 4), drawn on the directory's map."""

    code = models.CharField(
        _("code"),
        max_length=3,
        unique=True,
        help_text=_("The official number of the département, e.g. 33 for Gironde."),
    )

    class Meta(Term.Meta):
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class TerritoryContext(Term):
    """Urban, peri-urban or rural (diversity criterion 3)."""

    class Meta(Term.Meta):
        verbose_name = _("context")
        verbose_name_plural = _("contexts")


class SustainabilityCommitment(Term):
    """A form of sustainable-development commitment: Agenda 21, Plan Climat... (criterion 5)."""

    class Meta(Term.Meta):
        verbose_name = _("sustainable-development commitment")
        verbose_name_plural = _("sustainable-development commitments")


class PurchasingOrganisation(Term):
    """How purchasing is organised: centralised, decentralised, mixed (criterion 6)."""

    class Meta(Term.Meta):
        verbose_name = _("purchasing organisation")
        verbose_name_plural = _("purchasing organisations")


class Sector(Term):
    """A purchasing sector: catering, office supplies, vehicles... (criterion 7)."""

    class Meta(Term.Meta):
        verbose_name = _("purchasing sector")
        verbose_name_plural = _("purchasing sectors")


class Theme(Term):
    """A theme of responsible purchasing, used to tag obstacles, levers and lessons."""

    class Meta(Term.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


VOCABULARIES = [
    StructureType,
    Departement,
    TerritoryContext,
    SustainabilityCommitment,
    PurchasingOrganisation,
    Sector,
    Theme,
]


class SizeBand(models.TextChoices):
    """Size of a structure by the population it serves (diversity criterion 2)."""

    SMALL = "moins-de-10000", _("under 10,000 inhabitants")
    MEDIUM = "10000-50000", _("10,000 to 50,000 inhabitants")
    LARGE = "50000-100000", _("50,000 to 100,000 inhabitants")
    VERY_LARGE = "plus-de-100000", _("over 100,000 inhabitants")

    @classmethod
    def bounds(cls, band):
        """``(lowest, highest)`` population of ``band``; ``highest`` is None for the last one."""
        return {
            cls.SMALL: (0, 9_999),
            cls.MEDIUM: (10_000, 49_999),
            cls.LARGE: (50_000, 99_999),
            cls.VERY_LARGE: (100_000, None),
        }[band]

    @classmethod
    def for_population(cls, population):
        if population is None:
            return None
        for band in cls:
            lowest, highest = cls.bounds(band)
            if population >= lowest and (highest is None or population <= highest):
                return band
        return None


class JourneyStep(models.TextChoices):
    """The coaching journey of every structure, in the programme document's order."""

    KICK_OFF = "reunion-lancement", _("Inter-structure kick-off meeting")
    DOCUMENT_ANALYSIS = "analyse-documentaire", _("Document analysis and talks")
    INTERVIEWS = "entretiens", _("Interviews with elected officials and directors")
    DIAGNOSTIC = "diagnostic", _("Writing the diagnostic")
    ACTION_PLAN = "plan-actions", _("Feedback meeting, action plan and follow-up sheet")
    SEMINAR = "seminaire", _("Participatory seminar")
    ASSESSMENT = "bilan", _("Assessment and update of the action plan")
    REGIONAL_DAY = "restitution", _("Inter-structure meeting and RAA regional day")


class StepStatus(models.TextChoices):
    UPCOMING = "a-venir", _("upcoming")
    IN_PROGRESS = "en-cours", _("in progress")
    DONE = "termine", _("done")


class ProgrammeCommitment(models.TextChoices):
    """What each selected structure commits to (mandatory, from the programme document)."""

    TRAINING = "formation-ademe", _("Follow the ADEME training on responsible purchasing")
    REFERENTS = "referents", _("Name an elected and a staff referent and form a project team")
    DOCUMENTS = "documents", _("Provide the documents and time needed for the diagnostic")
    ACTION_PLAN = "plan-actions", _("Implement the action plan")
    SEMINAR = "seminaire", _("Bring the right people to the participatory seminar")
    REPORTING = "evaluation", _("Evaluate the actions and report on them to the network")
    DELIBERATION = "deliberation", _("Pass a council decision on these commitments")


class DiagnosticKind(models.TextChoices):
    OBSTACLE = "frein", _("obstacle")
    LEVER = "levier", _("lever")


class ActionStatus(models.TextChoices):
    # An action is feminine in French (prévue, réalisée): its own context keeps it apart
    # from a journey step's "done" (terminé).
    PLANNED = "prevue", pgettext_lazy("action status", "planned")
    IN_PROGRESS = "en-cours", pgettext_lazy("action status", "in progress")
    DONE = "realisee", pgettext_lazy("action status", "done")
    ABANDONED = "abandonnee", pgettext_lazy("action status", "abandoned")


class SectionVisibility(models.TextChoices):
    PUBLIC = "public", _("everyone")
    MEMBERS = "members", _("network members only")


class StructureSection(models.TextChoices):
    """The sections of a structure's page, in the page's order. Each is public or for members
    only (its ``<value>_visibility`` field) and may be flagged illustrative
    (``<value>_is_illustrative``)."""

    JOURNEY = "journey", _("Coaching journey")
    COMMITMENTS = "commitments", _("Commitments")
    DIAGNOSTIC = "diagnostic", _("Diagnostic")
    ACTION_PLAN = "action_plan", _("Action plan")
    ASSESSMENT = "assessment", _("Assessment")

    @property
    def anchor(self):
        """The section's anchor on the page (French, as the site's slugs)."""
        return SECTION_ANCHORS[self]


SECTION_ANCHORS = {
    StructureSection.JOURNEY: "parcours",
    StructureSection.COMMITMENTS: "engagements",
    StructureSection.DIAGNOSTIC: "diagnostic",
    StructureSection.ACTION_PLAN: "plan-d-actions",
    StructureSection.ASSESSMENT: "bilan",
}
