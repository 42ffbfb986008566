"""What members can follow in the knowledge base (read by the ``follows`` app)."""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from core.followables import Followable, registry

from .models import LessonIndexPage, LessonPage, ResourceIndexPage, Sector, StructurePage, Theme


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
    """Themes and sectors, followed to hear of new lessons and resources on them."""
    registry.register(
        Followable(
            kind="theme",
            model=Theme,
            label=_("a theme"),
            describe=lambda theme: _("the theme “%(name)s”") % {"name": theme.name},
            order=30,
        )
    )
    registry.register(
        Followable(
            kind="sector",
            model=Sector,
            label=_("a sector"),
            describe=lambda sector: _("the sector “%(name)s”") % {"name": sector.name},
            order=35,
        )
    )


def register():
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
    register_vocabulary_followables()
    registry.add_page_rule(LessonPage, lesson_targets)
