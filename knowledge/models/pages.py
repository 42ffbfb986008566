"""Section pages of the knowledge base: the structure directory, resources and lessons."""

from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from website.pages import SectionPage


class StructureIndexPage(RoutablePageMixin, SectionPage):
    """``/structures/``: the directory of the structures, its diversity panel, map and dashboard."""

    parent_page_types = ["website.HomePage"]
    subpage_types = ["knowledge.StructurePage"]
    max_count = 1

    class Meta:
        verbose_name = _("structure directory")
        verbose_name_plural = _("structure directories")

    @path("")
    def directory(self, request):
        from knowledge.directory import directory_context

        return self.render(request, context_overrides=directory_context(self, request))

    @path("tableau-de-bord/", name="dashboard")
    def dashboard(self, request):
        from knowledge.dashboard import dashboard_view

        return dashboard_view(self, request)


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
