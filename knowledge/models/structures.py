"""A selected structure's experience page: profile, journey, commitments, diagnostic, plan."""

from django import forms
from django.db import models
from django.db.models import Count, F, Prefetch, Window
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import (
    Page,
    PageManager,
)
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.forms import ChosenImagesMixin
from core.markdown import plain_text, render_markdown
from core.visibility import public, reader_of
from knowledge.experience import body_fragment, body_is_kept, experience_context
from knowledge.exports import action_plan_response
from knowledge.handouts import handouts_view, structure_handouts
from knowledge.measurements import measurement_view
from knowledge.questionnaire import questionnaire_view, reopen_view
from knowledge.searchable import structure_entries
from knowledge.vocabularies import (
    Departement,
    PurchasingOrganisation,
    SectionVisibility,
    Sector,
    SizeBand,
    StructureSection,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
)

from .sections import Action, CommitmentRecord, DiagnosticItem


def visibility_field(default):
    return models.CharField(
        _("who can read this section"),
        max_length=10,
        choices=SectionVisibility.choices,
        default=default,
    )


def illustrative_field():
    return models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_(
            "Tick when this section holds example data rather than facts: the page then labels "
            "it “illustrative data”."
        ),
    )


MARKDOWN_HELP = _("Markdown: **bold**, *italic*, lists, links.")
ASSESSMENT_TEXTS = [
    "assessment_achieved",
    "assessment_shortfalls",
    "assessment_next_steps",
    "assessment_network_lessons",
]


def markdown_field(verbose_name, help_text=None):
    return models.TextField(
        verbose_name,
        blank=True,
        help_text=format_lazy("{} {}", help_text, MARKDOWN_HELP) if help_text else MARKDOWN_HELP,
    )


class StructurePageQuerySet(PageQuerySet):
    def with_sections(self):
        """Structures with their profile and every section's rows, in a fixed number of
        queries: what the experience page shows."""
        return self.select_related(
            "structure_type", "departement", "context", "purchasing_organisation", "logo"
        ).prefetch_related(
            "sustainability_commitments",
            "sectors",
            "journey_stages",
            Prefetch(
                "commitment_records",
                queryset=CommitmentRecord.objects.select_related("evidence_document"),
            ),
            Prefetch(
                "diagnostic_items", queryset=DiagnosticItem.objects.prefetch_related("themes")
            ),
            Prefetch("actions", queryset=Action.objects.select_related("sector")),
        )

    def for_search(self):
        """What ``search_entries`` reads, in a fixed number of queries for any number."""
        return self.with_sections()

    def for_listing(self, request=None, restrictions=None):
        """Live structures that anyone may see, in alphabetical order, with their profile
        (the view restrictions read once per ``request`` when one is given, or those given)."""
        return (
            public(self.live(), request, restrictions)
            .order_by("title")
            .select_related("structure_type", "departement", "context", "purchasing_organisation")
        )

    def children_of(self, index_page):
        """The structures below ``index_page``, found through the index on the tree path:
        ``child_of`` alone is a ``LIKE`` that SQLite answers by reading the whole page tree."""
        last = index_page.path + self.model.alphabet[-1] * self.model.steplen
        return self.child_of(index_page).filter(path__gt=index_page.path, path__lte=last)

    def recently_updated(self, limit):
        """The ``limit`` structures whose experience page was published last, each annotated
        with ``total``, the number of structures before the limit: a window count, so that a
        bounded selection and the size of the whole come in one query."""
        return self.annotate(total=Window(Count("pk"))).order_by(
            F("last_published_at").desc(nulls_last=True), "-pk"
        )[:limit]


class StructurePageForm(ChosenImagesMixin, WagtailAdminPageForm):
    """Checks across the inline lists that a single row cannot see: no step or commitment twice."""

    def clean(self):
        cleaned_data = super().clean()
        self.reject_duplicates("journey_stages", "step", _("This step is already in the journey."))
        self.reject_duplicates(
            "commitment_records", "commitment", _("This commitment is already in the list.")
        )
        return cleaned_data

    def reject_duplicates(self, formset_name, field, message):
        formset = self.formsets.get(formset_name)
        if formset is None:
            return
        # The page form is cleaned before its inline formsets (modelcluster's is_valid()):
        # clean them now, or their rows have no cleaned_data yet and nothing is checked.
        formset.is_valid()
        seen = set()
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            value = form.cleaned_data.get(field)
            if not value:
                continue
            if value in seen:
                form.add_error(field, message)
            seen.add(value)


class StructurePage(RoutablePageMixin, Page):
    """One selected structure: who it is, where it stands and what it shares with the network."""

    # Profile (the steering committee's diversity criteria).
    structure_type = models.ForeignKey(
        StructureType,
        verbose_name=_("type of structure"),
        on_delete=models.PROTECT,
        related_name="structures",
    )
    departement = models.ForeignKey(
        Departement,
        verbose_name=_("département"),
        on_delete=models.PROTECT,
        related_name="structures",
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("Inhabitants served by the structure (for a SDIS, the département's)."),
    )
    context = models.ForeignKey(
        TerritoryContext,
        verbose_name=_("context"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="structures",
    )
    sustainability_commitments = ParentalManyToManyField(
        SustainabilityCommitment,
        verbose_name=_("sustainable-development commitments"),
        blank=True,
        related_name="structures",
    )
    purchasing_organisation = models.ForeignKey(
        PurchasingOrganisation,
        verbose_name=_("purchasing organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="structures",
    )
    sectors = ParentalManyToManyField(
        Sector,
        verbose_name=_("main purchasing sectors"),
        blank=True,
        related_name="structures",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    website = models.URLField(_("website"), blank=True)
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=400,
        help_text=_("One or two sentences shown on the structure's card."),
    )
    body = RichTextField(
        _("presentation"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
    )
    profile_is_illustrative = illustrative_field()

    # Coaching journey.
    journey_visibility = visibility_field(SectionVisibility.PUBLIC)
    journey_is_illustrative = illustrative_field()

    # Commitments.
    commitments_visibility = visibility_field(SectionVisibility.PUBLIC)
    commitments_is_illustrative = illustrative_field()

    # Diagnostic.
    diagnostic_visibility = visibility_field(SectionVisibility.PUBLIC)
    diagnostic_is_illustrative = illustrative_field()
    diagnostic = models.TextField(
        _("state of play"),
        blank=True,
        help_text=_(
            "Markdown: **bold**, *italic*, lists, links. Shown before obstacles and levers."
        ),
    )
    diagnostic_html = models.TextField(editable=False, blank=True)

    # Action plan.
    action_plan_visibility = visibility_field(SectionVisibility.PUBLIC)
    action_plan_is_illustrative = illustrative_field()

    # Assessment (bilan): four Markdown texts, each stored rendered beside it.
    assessment_visibility = visibility_field(SectionVisibility.PUBLIC)
    assessment_is_illustrative = illustrative_field()
    assessment_achieved = markdown_field(
        _("what was achieved"),
        _("Against the action plan; each action's outcome is given in the Action plan tab."),
    )
    assessment_achieved_html = models.TextField(editable=False, blank=True)
    assessment_shortfalls = markdown_field(_("what did not work, and why"))
    assessment_shortfalls_html = models.TextField(editable=False, blank=True)
    assessment_next_steps = markdown_field(_("what comes next"))
    assessment_next_steps_html = models.TextField(editable=False, blank=True)
    assessment_network_lessons = markdown_field(
        _("lessons for the network"),
        _("What other members can reuse; a lesson learned page may then cite this assessment."),
    )
    assessment_network_lessons_html = models.TextField(editable=False, blank=True)

    objects = PageManager.from_queryset(StructurePageQuerySet)()
    base_form_class = StructurePageForm

    parent_page_types = ["knowledge.StructureIndexPage"]
    subpage_types = []

    profile_panels = [
        FieldPanel("title"),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [
                        FieldPanel("structure_type", widget=forms.Select),
                        FieldPanel("departement", widget=forms.Select),
                    ]
                ),
                FieldRowPanel(
                    [
                        FieldPanel("population"),
                        FieldPanel("context", widget=forms.Select),
                    ]
                ),
                FieldPanel("purchasing_organisation", widget=forms.Select),
                FieldPanel("sustainability_commitments", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
                FieldPanel("profile_is_illustrative"),
            ],
            heading=_("Profile"),
        ),
        FieldPanel("logo"),
        FieldPanel("website"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    journey_panels = [
        HelpPanel(
            _(
                "The programme's steps with their planned and actual dates. An actual date "
                "before the planned one is fine: the step happened early."
            )
        ),
        MultiFieldPanel(
            [FieldPanel("journey_visibility"), FieldPanel("journey_is_illustrative")],
            heading=_("Section settings"),
        ),
        InlinePanel("journey_stages", heading=_("Steps"), label=_("step")),
    ]
    commitments_panels = [
        MultiFieldPanel(
            [FieldPanel("commitments_visibility"), FieldPanel("commitments_is_illustrative")],
            heading=_("Section settings"),
        ),
        InlinePanel("commitment_records", heading=_("Commitments"), label=_("commitment")),
    ]
    diagnostic_panels = [
        MultiFieldPanel(
            [FieldPanel("diagnostic_visibility"), FieldPanel("diagnostic_is_illustrative")],
            heading=_("Section settings"),
        ),
        FieldPanel("diagnostic"),
        InlinePanel(
            "diagnostic_items", heading=_("Obstacles and levers"), label=_("obstacle or lever")
        ),
    ]
    action_plan_panels = [
        MultiFieldPanel(
            [FieldPanel("action_plan_visibility"), FieldPanel("action_plan_is_illustrative")],
            heading=_("Section settings"),
        ),
        InlinePanel("actions", heading=_("Actions"), label=_("action")),
    ]
    assessment_panels = [
        HelpPanel(
            _(
                "The assessment (bilan) closes the journey: it shows each action of the plan "
                "with its indicators and outcome, then these texts."
            )
        ),
        MultiFieldPanel(
            [FieldPanel("assessment_visibility"), FieldPanel("assessment_is_illustrative")],
            heading=_("Section settings"),
        ),
        *[FieldPanel(name) for name in ASSESSMENT_TEXTS],
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(profile_panels, heading=_("Profile")),
            ObjectList(journey_panels, heading=_("Journey")),
            ObjectList(commitments_panels, heading=_("Commitments")),
            ObjectList(diagnostic_panels, heading=_("Diagnostic")),
            ObjectList(action_plan_panels, heading=_("Action plan")),
            ObjectList(assessment_panels, heading=_("Assessment")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("public_sections_text"),
        index.FilterField("structure_type"),
        index.FilterField("departement"),
    ]

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")

    def render_texts(self):
        self.diagnostic_html = render_markdown(self.diagnostic)
        for name in ASSESSMENT_TEXTS:
            setattr(self, f"{name}_html", render_markdown(getattr(self, name)))

    def save(self, *args, **kwargs):
        self.render_texts()
        result = super().save(*args, **kwargs)
        if kwargs.get("update_fields") is None and self.live:
            # The search signal indexed the page before its rows (journey, diagnostic items,
            # actions) were written: index it again now that ``public_sections_text`` sees them.
            index.insert_or_update_object(self)
        return result

    def serve_preview(self, request, mode_name):
        self.render_texts()
        return super().serve_preview(request, mode_name)

    @path("plan-d-actions/<str:file_format>/", name="action_plan_export")
    def action_plan_export(self, request, file_format):
        return action_plan_response(self, request, file_format)

    @path("listes-indicatives/", name="handouts")
    def handouts(self, request):
        return handouts_view(self, request)

    @path("indicateurs/<id:action_id>/<id:position>/mesure/", name="add_measurement")
    def add_measurement(self, request, action_id, position):
        return measurement_view(self, request, action_id, position)

    @path("questionnaire/", name="questionnaire")
    def questionnaire_page(self, request):
        return questionnaire_view(self, request)

    @path("questionnaire/rouvrir/", name="questionnaire_reopen")
    def questionnaire_reopen(self, request):
        return reopen_view(self, request)

    @property
    def size_band(self):
        return SizeBand.for_population(self.population)

    def get_size_band_display(self):
        band = self.size_band
        return SizeBand(band).label if band else ""

    def section_is_public(self, section):
        return getattr(self, f"{section}_visibility") == SectionVisibility.PUBLIC

    def readable_sections(self, who):
        """The sections ``who`` (a request, a user or a reader) may read: all of them for
        network members."""
        if reader_of(who).is_member:
            return set(StructureSection)
        return {section for section in StructureSection if self.section_is_public(section)}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["body_fragment"] = body_fragment(self, request)
        # The logo's rendition, the same for whoever may see the page (not for a preview).
        context["logo_fragment"] = context["body_fragment"] and f"structure-logo:{self.pk}"
        if body_is_kept(self, request):
            return context  # the body, rendered for this reader's rights since the last change
        context.update(experience_context(self, request))
        context["handouts"] = structure_handouts(self, request)
        return context

    def get_population_display(self):
        """The population with French digit grouping (12 345), or an empty string."""
        if self.population is None:
            return ""
        return number_format(self.population, force_grouping=True)

    def search_entries(self):
        """The site search's entries: the profile, then each section (``knowledge.searchable``)."""
        return structure_entries(self)

    def public_sections_text(self):
        """What the search index gets from the sections: the public ones only."""
        parts = []
        if self.section_is_public("journey"):
            parts += [stage.note for stage in self.journey_stages.all()]
        if self.section_is_public("diagnostic"):
            parts.append(plain_text(self.diagnostic))  # the Markdown, not its escaped HTML
            parts += [item.text for item in self.diagnostic_items.all()]
        if self.section_is_public("action_plan"):
            parts += [f"{action.title} {action.description}" for action in self.actions.all()]
        if self.section_is_public("assessment"):
            parts += [plain_text(getattr(self, f"{name}_html")) for name in ASSESSMENT_TEXTS]
        return "\n".join(part for part in parts if part)
