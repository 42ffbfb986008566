"""What members can follow in the knowledge base (read by the ``follows`` app)."""

from django.utils.translation import gettext_lazy as _

from core.followables import Followable, registry

from .models import LessonIndexPage, ResourceIndexPage, StructurePage


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
