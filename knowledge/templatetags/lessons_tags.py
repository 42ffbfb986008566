"""Template tags showing lessons learned on other apps' pages (the home page)."""

from django import template

from core.visibility import visible_to
from knowledge.models import LessonIndexPage, LessonPage

register = template.Library()

HOME_LESSONS = 3


@register.simple_tag(takes_context=True)
def featured_lessons(context, count=HOME_LESSONS):
    """``{"lessons": [...], "index": page or None}``: the lessons editors featured that the
    reader may see, the latest first, or the latest lessons when none is featured."""
    request = context.get("request")
    lessons = visible_to(
        LessonPage.objects.live().select_related("kind").order_by("-first_published_at", "-pk"),
        request,
    )
    chosen = list(lessons.filter(featured=True)[:count]) or list(lessons[:count])
    index = visible_to(LessonIndexPage.objects.live(), request).first() if chosen else None
    return {"lessons": chosen, "index": index}
