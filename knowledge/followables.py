"""What members can follow in the knowledge base (read by the ``follows`` app)."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core.followables import Followable, registry

from .models import LessonIndexPage, LessonPage, ResourceIndexPage, ResourcePage, StructurePage
from .vocabularies import Sector, Theme


def term_filter_url(parameter):
    """The resources library filtered on a term: where a follow of it leads."""

    def url(term, request=None):
        index = ResourceIndexPage.objects.live().first()
        if index is None:
            return None
        return f"{index.get_url(request)}?{parameter}={term.slug}"

    return url


def lesson_targets(lessons):
    """A lesson concerns its themes, its sectors and the structures it comes from (the lessons
    section itself comes from the lesson being below the lessons' index)."""
    prefetch_related_objects(lessons, "themes", "sectors", "structures")
    return {
        lesson.pk: [
            *[("theme", theme.pk) for theme in lesson.themes.all()],
            *[("sector", sector.pk) for sector in lesson.sectors.all()],
            *[("structure", structure.pk) for structure in lesson.structures.all()],
        ]
        for lesson in lessons
    }


def register_vocabulary_followables():
    """Themes and sectors can be followed; the apps whose pages concern them add page rules."""
    registry.register(
        Followable(
            kind="theme",
            model=Theme,
            label=_("a theme"),
            describe=lambda theme: _("the theme “%(name)s”") % {"name": theme.name},
            order=30,
            url=term_filter_url("theme"),
        )
    )
    registry.register(
        Followable(
            kind="sector",
            model=Sector,
            label=_("a purchasing sector"),
            describe=lambda sector: _("the sector “%(name)s”") % {"name": sector.name},
            order=31,
            url=term_filter_url("secteur"),
        )
    )


def resource_targets(pages):
    """``{page id: [("theme", id), ("sector", id)]}`` for a batch of resources (2 queries)."""
    ids = [page.pk for page in pages]
    targets = {pk: [] for pk in ids}
    themes = ResourcePage.themes.through.objects.filter(resourcepage_id__in=ids)
    for page_id, theme_id in themes.values_list("resourcepage_id", "theme_id"):
        targets[page_id].append(("theme", theme_id))
    sectors = ResourcePage.sectors.through.objects.filter(resourcepage_id__in=ids)
    for page_id, sector_id in sectors.values_list("resourcepage_id", "sector_id"):
        targets[page_id].append(("sector", sector_id))
    return targets


def register():
    register_vocabulary_followables()
    registry.add_page_rule(ResourcePage, resource_targets)
    registry.register(
        Followable(
            kind="structure",
            model=StructurePage,
            label=_("a structure"),
            describe=lambda structure: _("posts about %(name)s") % {"name": structure.title},
            order=20,
        )
    )
    registry.register(
        Followable(
            kind="lessons",
            model=LessonIndexPage,
            label=_("the lessons learned"),
            describe=lambda _target: _("the lessons learned"),
            section=True,
            order=40,
        )
    )
    registry.register(
        Followable(
            kind="resources",
            model=ResourceIndexPage,
            label=_("the resources"),
            describe=lambda _target: _("the resources"),
            section=True,
            order=50,
        )
    )
    registry.add_page_rule(LessonPage, lesson_targets)
