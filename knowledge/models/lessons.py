"""Lessons learned (*enseignements mutualisables*): what the structures' experience teaches the
rest of the network, described on every facet of the listing and linked to its evidence."""

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.markdown import plain_text, render_markdown
from core.visibility import can_read, visible_to
from knowledge.lesson_vocabularies import (
    BuyingStep,
    LegalLever,
    LessonKind,
    SustainabilityDimension,
)
from knowledge.searchable import lesson_entries
from knowledge.vocabularies import Sector, StructureSection, StructureType, Theme

from .sections import Action, DiagnosticItem

# The blog sits above the knowledge base: its posts (and the resources, another part of the
# knowledge base) are chosen as plain pages of these types, never imported.
SOURCE_PAGE_TYPES = ("blog.BlogPostPage", "knowledge.ResourcePage")


def installed_source_page_types():
    """The source page types this site has (the resources may come later than the lessons)."""
    installed = []
    for label in SOURCE_PAGE_TYPES:
        try:
            apps.get_model(label)
        except LookupError:
            continue
        installed.append(label)
    return installed


class SourcePageChooserPanel(PageChooserPanel):
    """A page chooser offering the installed source page types only."""

    def get_form_options(self):
        options = FieldPanel.get_form_options(self)
        options.setdefault("widgets", {})[self.field_name] = AdminPageChooser(
            target_models=installed_source_page_types() or None
        )
        return options


class LessonPageQuerySet(PageQuerySet):
    def with_facets(self):
        """Lessons with every facet they are listed by, in a fixed number of queries."""
        return self.select_related("kind").prefetch_related(
            "themes",
            "sectors",
            "dimensions",
            "legal_levers",
            "buying_steps",
            "structure_types",
            "structures",
        )

    def for_search(self):
        """What ``search_entries`` reads, in a fixed number of queries for any number."""
        structures = apps.get_model("knowledge.StructurePage").objects.select_related("departement")
        return self.select_related("kind").prefetch_related(
            "themes",
            "sectors",
            "dimensions",
            "legal_levers",
            "buying_steps",
            models.Prefetch("structures", queryset=structures),
        )

    def for_listing(self):
        """Live lessons, the latest first, with their facets (restrictions are the caller's:
        ``core.visibility.visible_to``)."""
        return self.live().order_by("-first_published_at", "-pk").with_facets()


class LessonPageForm(WagtailAdminPageForm):
    """Names each diagnostic item and action after its structure in the evidence lists."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, model in [("diagnostic_items", DiagnosticItem), ("actions", Action)]:
            field = self.fields.get(name)
            if field is not None:
                field.queryset = model.objects.select_related("page").order_by(
                    "page__title", "sort_order"
                )
                field.label_from_instance = lambda row: f"{row.page.title} — {row}"


class LessonPage(Page):
    """A lesson learned, under ``/enseignements/``."""

    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two sentences shown in the listing and on the home page."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_("Markdown: **bold**, *italic*, lists, links, [text](page:12)."),
    )
    body_html = models.TextField(editable=False, blank=True)
    kind = models.ForeignKey(
        LessonKind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="lessons"
    )
    themes = ParentalManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="lessons"
    )
    sectors = ParentalManyToManyField(
        Sector, verbose_name=_("purchasing sectors"), blank=True, related_name="lessons"
    )
    dimensions = ParentalManyToManyField(
        SustainabilityDimension,
        verbose_name=_("sustainability dimensions"),
        blank=True,
        related_name="lessons",
    )
    legal_levers = ParentalManyToManyField(
        LegalLever, verbose_name=_("legal levers"), blank=True, related_name="lessons"
    )
    buying_steps = ParentalManyToManyField(
        BuyingStep,
        verbose_name=_("steps of the buying process"),
        blank=True,
        related_name="lessons",
    )
    structure_types = ParentalManyToManyField(
        StructureType,
        verbose_name=_("applies to these types of structure"),
        blank=True,
        related_name="lessons",
        help_text=_("Leave empty when it applies to any structure."),
    )
    structures = ParentalManyToManyField(
        "knowledge.StructurePage",
        verbose_name=_("drawn from the experience of"),
        blank=True,
        related_name="lessons",
    )
    diagnostic_items = ParentalManyToManyField(
        DiagnosticItem,
        verbose_name=_("obstacles and levers of a diagnostic"),
        blank=True,
        related_name="lessons",
    )
    actions = ParentalManyToManyField(
        Action, verbose_name=_("actions of an action plan"), blank=True, related_name="lessons"
    )
    assessments = ParentalManyToManyField(
        "knowledge.StructurePage",
        verbose_name=_("assessments"),
        blank=True,
        related_name="assessment_lessons",
        help_text=_("The structures whose assessment (bilan) this lesson comes from."),
    )
    featured = models.BooleanField(
        _("feature on the home page"),
        default=False,
        help_text=_("The home page shows the featured lessons, or the latest when none is."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Tick when this lesson is an example: the page then labels it so."),
    )

    objects = PageManager.from_queryset(LessonPageQuerySet)()
    base_form_class = LessonPageForm

    parent_page_types = ["knowledge.LessonIndexPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("kind", widget=forms.RadioSelect),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
                FieldPanel("dimensions", widget=forms.CheckboxSelectMultiple),
                FieldPanel("legal_levers", widget=forms.CheckboxSelectMultiple),
                FieldPanel("buying_steps", widget=forms.CheckboxSelectMultiple),
                FieldPanel("structure_types", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Facets"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("structures", widget=forms.CheckboxSelectMultiple),
                FieldPanel("diagnostic_items", widget=forms.CheckboxSelectMultiple),
                FieldPanel("actions", widget=forms.CheckboxSelectMultiple),
                FieldPanel("assessments", widget=forms.CheckboxSelectMultiple),
                InlinePanel("sources", heading=_("Posts and resources"), label=_("page")),
            ],
            heading=_("Sources and evidence"),
        ),
        FieldPanel("featured"),
        FieldPanel("is_illustrative"),
    ]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body_text"),
    ]

    class Meta:
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        return super().save(*args, **kwargs)

    def serve_preview(self, request, mode_name):
        self.body_html = render_markdown(self.body)
        return super().serve_preview(request, mode_name)

    def body_text(self):
        return plain_text(self.body_html)

    def search_entries(self):
        """The site search's entry, with every facet of the listing."""
        return lesson_entries(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["evidence"] = self.get_evidence(request)
        context["facets"] = self.get_facets()
        parent = self.get_parent()
        context["index_url"] = parent.get_url(request) if parent else ""
        return context

    def get_facets(self):
        """The lesson's values on each facet of the listing, keyed as the listing's URLs."""
        any_structure = _("any structure")
        return [
            {"key": "theme", "label": _("Themes"), "terms": self.themes.all()},
            {"key": "secteur", "label": _("Purchasing sectors"), "terms": self.sectors.all()},
            {
                "key": "dimension",
                "label": _("Sustainability dimensions"),
                "terms": self.dimensions.all(),
            },
            {"key": "levier", "label": _("Legal levers"), "terms": self.legal_levers.all()},
            {
                "key": "etape",
                "label": _("Steps of the buying process"),
                "terms": self.buying_steps.all(),
            },
            {
                "key": "type",
                "label": _("Applies to"),
                "terms": self.structure_types.all(),
                "empty": any_structure,
            },
        ]

    def get_evidence(self, request):
        """What the lesson was drawn from, as far as the reader may see it: the structures,
        their diagnostic items, actions and assessments (only when the reader may read that
        section of that structure's page), then the posts and resources. One query each."""
        structures = list(visible_to(saved(self.structures).live().order_by("title"), request))
        readable = {}

        def readable_rows(rows, section):
            shown = []
            for row in rows:
                structure = row.page if section != StructureSection.ASSESSMENT else row
                if not structure.live or not can_read(structure, request):
                    continue
                if structure.pk not in readable:
                    readable[structure.pk] = structure.readable_sections(request)
                if section in readable[structure.pk]:
                    shown.append(row)
            return shown

        items = (
            saved(self.diagnostic_items)
            .select_related("page")
            .order_by("page__title", "sort_order")
        )
        actions = saved(self.actions).select_related("page").order_by("page__title", "sort_order")
        sources = visible_to(
            Page.objects.live()
            .filter(pk__in=[source.page_id for source in self.sources.all()])
            .select_related("content_type")
            .order_by("-first_published_at"),
            request,
        )
        posts, resources = [], []
        for page in sources:
            label = f"{page.content_type.app_label}.{page.content_type.model}"
            (posts if label == "blog.blogpostpage" else resources).append(page)
        return {
            "structures": structures,
            "diagnostic_items": readable_rows(items, StructureSection.DIAGNOSTIC),
            "actions": readable_rows(actions, StructureSection.ACTION_PLAN),
            "assessments": readable_rows(
                saved(self.assessments).order_by("title"), StructureSection.ASSESSMENT
            ),
            "posts": posts,
            "resources": resources,
        }


def saved(relation):
    """The rows of a many-to-many ``relation`` as a database queryset, also when the lesson is
    an unsaved preview (its relations then live in memory, where ``live()`` does not exist)."""
    return relation.model.objects.filter(pk__in=[row.pk for row in relation.all()])


class LessonSource(Orderable):
    """A post or a resource a lesson was drawn from."""

    lesson = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="sources")
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("post or resource"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [SourcePageChooserPanel("page")]

    class Meta(Orderable.Meta):
        verbose_name = _("post or resource")
        verbose_name_plural = _("posts and resources")

    def clean(self):
        super().clean()
        if self.page_id is None:
            return
        content_type = self.page.content_type
        if f"{content_type.app_label}.{content_type.model}" not in {
            label.lower() for label in SOURCE_PAGE_TYPES
        }:
            raise ValidationError({"page": _("Choose a blog post or a resource.")})
