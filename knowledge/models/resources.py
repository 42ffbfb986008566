"""Resources: documents the coordinators and teams publish under ``/ressources/``.

A resource has a kind, a summary, a Markdown body, attached files with their versions, an
audience, and the themes, sectors and structures it concerns. Its audience is carried out with
Wagtail's own view restrictions (``knowledge.resource_access``), so every listing, search, feed
and follow email that reads ``core.visibility`` leaves it out for readers without the right.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.markdown import render_markdown
from knowledge.resource_access import (
    ResourceAudience,
    file_download_response,
    resource_files_context,
    sync_audience,
)
from knowledge.searchable import resource_entries
from knowledge.vocabularies import Sector, Theme

from .structures import StructurePage


class ResourceKind(models.TextChoices):
    KEY_DOCUMENTS = "documents-cles", _("key documents list")
    INTERVIEW_GUIDE = "guide-entretien", _("interview guide")
    QUESTIONNAIRE = "questionnaire", _("questionnaire")
    TRAINING = "support-formation", _("training material")
    TEMPLATE = "modele", _("template or model clause")
    MINUTES = "compte-rendu", _("minutes")
    OTHER = "autre", _("other")


class ResourcePageQuerySet(PageQuerySet):
    def for_listing(self):
        """Live resources, newest first, with what a card shows (3 queries with prefetch)."""
        return (
            self.live()
            .order_by("-first_published_at", "-pk")
            .select_related("team_structure")
            .prefetch_related("themes", "sectors", "structures")
        )

    def for_search(self):
        """What ``search_entries`` reads, in a fixed number of queries for any number."""
        return self.select_related("team_structure__departement").prefetch_related(
            "themes",
            "sectors",
            models.Prefetch(
                "structures", queryset=StructurePage.objects.select_related("departement")
            ),
            models.Prefetch(
                "files",
                queryset=ResourceFile.objects.select_related("document__collection"),
            ),
        )


class ResourcePageForm(WagtailAdminPageForm):
    """A team-only resource names its structure; a file label is one attachment's name."""

    def clean(self):
        cleaned_data = super().clean()
        audience = cleaned_data.get("audience")
        if audience == ResourceAudience.TEAM and not cleaned_data.get("team_structure"):
            self.add_error(
                "team_structure", _("Choose the structure whose team may read this resource.")
            )
        formset = self.formsets.get("files")
        if formset is not None:
            seen = set()
            for form in formset.forms:
                # The page form is cleaned before its formsets: clean each row first.
                form.is_valid()
                data = getattr(form, "cleaned_data", None) or {}
                if data.get("DELETE") or not data.get("label"):
                    continue
                key = (slugify(data["label"]), data.get("version_date"))
                if key in seen:
                    form.add_error(
                        "version_date",
                        _("This file already has a version on this date: change the date."),
                    )
                seen.add(key)
        return cleaned_data


class ResourcePage(RoutablePageMixin, Page):
    """One resource: a guide, a questionnaire, a training deck, a model clause..."""

    kind = models.CharField(
        _("kind"), max_length=20, choices=ResourceKind.choices, default=ResourceKind.OTHER
    )
    summary = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("One or two sentences shown in the listing and in follow emails."),
    )
    body = models.TextField(
        _("body"),
        blank=True,
        help_text=_(
            "Markdown: ## headings, lists, tables, [links](https://…), [a page](page:12), "
            "[a document](doc:3)."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    audience = models.CharField(
        _("who can read this resource"),
        max_length=10,
        choices=ResourceAudience.choices,
        default=ResourceAudience.PUBLIC,
        help_text=_(
            "Sets the page's privacy and moves its files into a collection with the same "
            "restriction when saved."
        ),
    )
    team_structure = models.ForeignKey(
        StructurePage,
        verbose_name=_("structure of the team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="team_resources",
        help_text=_("For a resource kept to one structure's team."),
    )
    themes = ParentalManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="resources"
    )
    sectors = ParentalManyToManyField(
        Sector, verbose_name=_("purchasing sectors"), blank=True, related_name="resources"
    )
    structures = ParentalManyToManyField(
        StructurePage,
        verbose_name=_("structures"),
        blank=True,
        related_name="resources",
        help_text=_("The structures this resource comes from or is about."),
    )

    objects = PageManager.from_queryset(ResourcePageQuerySet)()
    base_form_class = ResourcePageForm

    parent_page_types = ["knowledge.ResourceIndexPage"]
    subpage_types = []

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("audience"), FieldPanel("team_structure")]),
                FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
                FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
                FieldPanel("structures", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("About this resource"),
        ),
        FieldPanel("summary"),
        FieldPanel("body", widget=forms.Textarea(attrs={"rows": 16})),
        InlinePanel(
            "files",
            heading=_("Files"),
            label=_("file version"),
            help_text=_(
                "To replace a file, add a row with the same name, the new document, its date "
                "and what changed: the newest is offered first, earlier versions stay listed."
            ),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
    ]

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        result = super().save(*args, **kwargs)
        # Creation and publication save the whole page; a draft saved for review passes
        # ``update_fields`` and must not change who reads the live resource before it is approved.
        if kwargs.get("update_fields") is None and self.pk and self.path:
            sync_audience(self)
        return result

    def serve_preview(self, request, mode_name):
        self.body_html = render_markdown(self.body)
        return super().serve_preview(request, mode_name)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["attachments"] = resource_files_context(self, request)
        context["themes"] = list(self.themes.all())
        context["sectors"] = list(self.sectors.all())
        context["resource_structures"] = list(self.structures.all())
        return context

    def search_entries(self):
        """The site search's entry, with the words of its current files."""
        return resource_entries(self)

    @path("fichiers/<slug:label>/", name="current_file")
    def current_file(self, request, label):
        """The newest version of one attachment: a link that survives replacing the file."""
        return file_download_response(self, request, label)


class ResourceFile(Orderable):
    """One version of one attached file. Rows sharing a name are that file's versions."""

    page = ParentalKey(ResourcePage, on_delete=models.CASCADE, related_name="files")
    label = models.CharField(
        _("name of the file"),
        max_length=120,
        help_text=_("Keep the same name for every version of one file."),
    )
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version_date = models.DateField(_("version date"), default=timezone.localdate)
    change_note = models.CharField(
        _("what changed"),
        max_length=300,
        blank=True,
        help_text=_("For a new version: what differs from the previous one."),
    )

    panels = [
        FieldRowPanel([FieldPanel("label"), FieldPanel("version_date")]),
        FieldPanel("document"),
        FieldPanel("change_note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")

    def clean(self):
        if self.label and not slugify(self.label):
            raise ValidationError({"label": _("Give the file a name made of letters or digits.")})

    @property
    def slug(self):
        return slugify(self.label)

    @property
    def file_type(self):
        return (self.document.file_extension or "").upper()

    @property
    def file_size_display(self):
        """The size Wagtail stored at upload, else the storage's (no query either way)."""
        size = self.document.file_size
        if size is None:
            try:
                size = self.document.file.size
            except (OSError, ValueError):
                return ""
        return filesizeformat(size)
