"""The programme's knowledge: the selected structures, resources and lessons learned."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from website.pages import SectionPage

from .vocabularies import Departement, StructureType


class StructureIndexPage(SectionPage):
    """``/structures/``: the directory of the structures the programme coaches."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["knowledge.StructurePage"]
    max_count = 1

    class Meta:
        verbose_name = _("structure directory")
        verbose_name_plural = _("structure directories")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["structures"] = StructurePage.objects.child_of(self).for_listing()
        return context


class StructurePageQuerySet(PageQuerySet):
    def for_listing(self):
        """Live structures that anyone may see, in alphabetical order."""
        return self.live().public().order_by("title")


class StructurePage(Page):
    """One selected structure: who it is and what it shares with the network."""

    structure_type = models.CharField(
        _("type of structure"), max_length=40, choices=StructureType.choices
    )
    departement = models.CharField(_("département"), max_length=3, choices=Departement.choices)
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

    objects = PageManager.from_queryset(StructurePageQuerySet)()

    parent_page_types = ["knowledge.StructureIndexPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("structure_type"), FieldPanel("departement")], heading=_("Profile")
        ),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("structure_type"),
        index.FilterField("departement"),
    ]

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")


class ResourceIndexPage(SectionPage):
    """``/ressources/``: the resources library (documents, guides, training material)."""

    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("resources library")
        verbose_name_plural = _("resources libraries")


class LessonIndexPage(SectionPage):
    """``/enseignements/``: the lessons learned that other members can reuse."""

    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("lessons learned")
        verbose_name_plural = _("lessons learned")
