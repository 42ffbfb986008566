"""Site-wide pages: the home page, plain content pages and the agenda."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from knowledge.models import StructurePage

from .pages import SectionPage


class HomePage(SectionPage):
    """The site's root: what the programme is, and the structures it coaches."""

    programme = RichTextField(
        _("programme"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        help_text=_("What the programme is: its sponsors, the coaching journey, the commitments."),
    )

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    content_panels = [
        *SectionPage.content_panels,
        FieldPanel("programme"),
    ]
    search_fields = [*SectionPage.search_fields, index.SearchField("programme")]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["structures"] = StructurePage.objects.for_listing()
        return context


class StandardPage(Page):
    """A plain page of text: about, legal notice, accessibility statement."""

    body = RichTextField(
        _("body"),
        blank=True,
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"],
    )

    parent_page_types = ["website.HomePage", "website.StandardPage"]
    subpage_types = ["website.StandardPage"]

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")


class EventIndexPage(SectionPage):
    """The agenda: the programme's meetings, seminars and regional days."""

    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")
