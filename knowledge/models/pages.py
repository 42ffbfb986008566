"""Section pages of the knowledge base: the structure directory, resources and lessons."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from core.pages import SectionPage
from core.site_cache import fragments_enabled
from knowledge.dashboard import dashboard_view
from knowledge.directory import directory_context
from knowledge.experience import body_is_kept
from knowledge.lessons import lessons_context
from knowledge.questionnaire import comparison_export, comparison_view
from knowledge.resources import resource_listing_context

from .structures import StructurePage


class StructureIndexPage(RoutablePageMixin, SectionPage):
    """``/structures/``: the directory of the structures, its diversity panel, map and dashboard."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["knowledge.StructurePage"]
    max_count = 1

    class Meta:
        verbose_name = _("structure directory")
        verbose_name_plural = _("structure directories")

    def route(self, request, path_components):
        """A structure's page is loaded here once, with every section's rows, rather than by
        Wagtail's routing and then again by the page; without them when its body is kept
        for the reader (``experience.body_is_kept``): then the page is the one this process
        remembers (``SectionPage.specific_child``), and nothing is read."""
        if self.live and path_components:
            try:
                self.resolve_subpage("/" + "/".join(path_components) + "/")
            except Http404:
                slug, rest = path_components[0], path_components[1:]
                sections = StructurePage.objects.with_sections()
                if rest or not fragments_enabled():
                    structure = sections.child_of(self).filter(slug=slug).first()
                else:
                    structure = self.specific_child(slug, request)
                    if structure is not None and not body_is_kept(structure, request):
                        structure = sections.get(pk=structure.pk)
                if structure is not None:
                    structure._cached_parent_obj = self  # as Wagtail does: no query for it
                    return structure.route(request, rest)
        return super().route(request, path_components)

    @path("")
    def directory(self, request):
        return self.render(request, context_overrides=directory_context(self, request))

    @path("tableau-de-bord/", name="dashboard")
    def dashboard(self, request):
        return dashboard_view(self, request)

    @path("questionnaire/", name="questionnaire_comparison")
    def questionnaire_comparison(self, request):
        return comparison_view(self, request)

    @path("questionnaire/<str:file_format>/", name="questionnaire_export")
    def questionnaire_export(self, request, file_format):
        return comparison_export(self, request, file_format)


class ResourceIndexPage(SectionPage):
    """``/ressources/``: the resources library (documents, guides, training material)."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["knowledge.ResourcePage"]
    max_count = 1

    class Meta:
        verbose_name = _("resources library")
        verbose_name_plural = _("resources libraries")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(resource_listing_context(self, request))
        return context


class LessonIndexPage(SectionPage):
    """``/enseignements/``: the lessons learned that other members can reuse, with facets."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["knowledge.LessonPage"]
    max_count = 1

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(lessons_context(self, request))
        return context

    class Meta:
        verbose_name = _("lessons learned")
        verbose_name_plural = _("lessons learned")
