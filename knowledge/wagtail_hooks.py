"""Admin wiring of the knowledge base: the shared vocabularies, grouped under one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .lesson_vocabularies import LESSON_VOCABULARIES
from .vocabularies import VOCABULARIES


def vocabulary_viewset(vocabulary):
    columns = (
        ["name", "code", "slug", "sort_order"]
        if hasattr(vocabulary, "code")
        else [
            "name",
            "slug",
            "sort_order",
        ]
    )
    return type(
        f"{vocabulary.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": vocabulary,
            "icon": "tag",
            "list_display": columns,
            "search_fields": ["name"],
            "ordering": vocabulary._meta.ordering,
        },
    )


class VocabularyGroup(SnippetViewSetGroup):
    items = [vocabulary_viewset(vocabulary) for vocabulary in [*VOCABULARIES, *LESSON_VOCABULARIES]]
    menu_icon = "list-ul"
    menu_label = _("Vocabularies")
    menu_name = "vocabularies"
    menu_order = 250


register_snippet(VocabularyGroup)
