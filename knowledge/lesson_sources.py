"""A structure's side of the lessons learned: the lessons drawn from its experience, and which
of its diagnostic items, actions and assessment each lesson cites (shown beside them)."""

from collections import defaultdict

from django.db.models import Q

from core.visibility import visible_to
from knowledge.models.lessons import LessonPage


def structure_lessons(structure, request):
    """The live lessons the reader may see that come from ``structure`` (named as a source or
    citing one of its rows), with what each cites. Four queries, whatever the numbers.

    Returns ``{"lessons": [...], "by_item": {item id: [lesson]}, "by_action": {...},
    "assessment": [lesson]}``.
    """
    empty = {"lessons": [], "by_item": {}, "by_action": {}, "assessment": []}
    if structure.pk is None:
        return empty
    pk = structure.pk
    from_structure = (
        Q(structures=pk) | Q(diagnostic_items__page=pk) | Q(actions__page=pk) | Q(assessments=pk)
    )
    candidates = LessonPage.objects.live().filter(from_structure).values("pk")
    lessons = list(
        visible_to(LessonPage.objects.filter(pk__in=candidates), request)
        .select_related("kind")
        .order_by("-first_published_at", "-pk")
    )
    if not lessons:
        return empty
    by_pk = {lesson.pk: lesson for lesson in lessons}
    by_item, by_action = defaultdict(list), defaultdict(list)
    items = LessonPage.diagnostic_items.through.objects.filter(
        lessonpage_id__in=by_pk, diagnosticitem__page=pk
    ).values_list("diagnosticitem_id", "lessonpage_id")
    for item_id, lesson_id in items:
        by_item[item_id].append(by_pk[lesson_id])
    actions = LessonPage.actions.through.objects.filter(
        lessonpage_id__in=by_pk, action__page=pk
    ).values_list("action_id", "lessonpage_id")
    for action_id, lesson_id in actions:
        by_action[action_id].append(by_pk[lesson_id])
    assessment_ids = set(
        LessonPage.assessments.through.objects.filter(
            lessonpage_id__in=by_pk, structurepage_id=pk
        ).values_list("lessonpage_id", flat=True)
    )
    return {
        "lessons": lessons,
        "by_item": dict(by_item),
        "by_action": dict(by_action),
        "assessment": [lesson for lesson in lessons if lesson.pk in assessment_ids],
    }
