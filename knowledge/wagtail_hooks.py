"""Admin wiring of the knowledge base: the shared vocabularies, grouped under one menu."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .lesson_vocabularies import LESSON_VOCABULARIES
from .models.handouts import HandoutItem
from .models.questionnaire import Question
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


class HandoutItemViewSet(SnippetViewSet):
    """The items of the two indicative lists, kept by the coordination."""

    model = HandoutItem
    icon = "list-ol"
    menu_label = _("Indicative lists")
    menu_name = "indicative-lists"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["title", "handout_list", "holder", "sort_order"]
    list_filter = ["handout_list"]
    search_fields = ["title", "holder"]
    ordering = HandoutItem._meta.ordering


register_snippet(HandoutItemViewSet)


class QuestionViewSet(SnippetViewSet):
    """The questions of the detailed questionnaire, kept by the coordination."""

    model = Question
    icon = "help"
    menu_label = _("Questionnaire")
    menu_name = "questionnaire"
    menu_order = 261
    add_to_admin_menu = True
    list_display = ["text", "section", "kind", "sort_order"]
    list_filter = ["section", "kind"]
    search_fields = ["text"]
    ordering = Question._meta.ordering


register_snippet(QuestionViewSet)
