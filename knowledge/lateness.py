"""What is late in a structure's programme on a given date: the rules the cockpit, a referent's
home and the weekly reminders all read.

A structure is late on
- a journey step whose planned date has passed and which is not done;
- an action whose due date has passed and which is neither done nor abandoned;
- an indicator of an action still running (not done nor abandoned) with no measurement in the
  last ``stale_months`` months (its latest measurement, or the action's start when it has none);
- a handout not completed once the step it serves was planned: the indicative list of key
  documents by the document analysis, the list of interviews by the interviews, the
  questionnaire (submitted) by the diagnostic.

Everything is read from the rows as they were last published, in a fixed number of queries
whatever the number of structures (``late_items``).
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from knowledge.models import (
    Action,
    HandoutItem,
    HandoutList,
    HandoutProgress,
    JourneyStage,
    QuestionnaireResponse,
    StructurePage,
)
from knowledge.vocabularies import ActionStatus, JourneyStep, StepStatus

DEFAULT_STALE_MONTHS = 6

# The step a handout serves: it is due by that step's planned date.
HANDOUT_DUE_STEP = {
    HandoutList.KEY_DOCUMENTS: JourneyStep.DOCUMENT_ANALYSIS,
    HandoutList.INTERVIEWS: JourneyStep.INTERVIEWS,
}
QUESTIONNAIRE_DUE_STEP = JourneyStep.DIAGNOSTIC


class LateKind:
    STEP = "step"
    ACTION = "action"
    INDICATOR = "indicator"
    HANDOUT = "handout"
    QUESTIONNAIRE = "questionnaire"

    LABELS = {
        STEP: _("Journey step"),
        ACTION: _("Action"),
        INDICATOR: _("Indicator"),
        HANDOUT: _("Indicative list"),
        QUESTIONNAIRE: _("Questionnaire"),
    }


@dataclass(frozen=True)
class LateItem:
    """One late thing of one structure.

    ``since`` is the date it became late (planned date, due date, the date the indicator went
    stale, the handout's due date); ``detail`` says what is missing in French (e.g. "3 of 8
    gathered", "last measured on 12 March 2010").
    """

    structure_id: int
    kind: str
    label: str
    since: date
    detail: str = ""

    @property
    def kind_label(self):
        return LateKind.LABELS[self.kind]

    def days_late(self, as_of):
        return (as_of - self.since).days


def add_months(day, months):
    """``day`` moved ``months`` calendar months (back when negative), clamped to the last day
    of the month it lands in: 31 August + 6 months is 28 or 29 February."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def late_items(structures, as_of, *, stale_months=DEFAULT_STALE_MONTHS):
    """``{structure id: [LateItem, ...]}`` for every structure in ``structures`` (a queryset or
    an iterable of pages), each list ordered by ``since``, oldest first; a structure with
    nothing late maps to ``[]``. Six queries whatever the number of structures."""
    ids = [structure.pk for structure in structures]
    found = {pk: [] for pk in ids}
    if not ids:
        return found
    stages = list(JourneyStage.objects.filter(page_id__in=ids).order_by("page_id", "sort_order"))
    planned = {(stage.page_id, stage.step): stage.planned_date for stage in stages}
    for stage in stages:
        if stage.planned_date and stage.planned_date < as_of and stage.status != StepStatus.DONE:
            found[stage.page_id].append(
                LateItem(stage.page_id, LateKind.STEP, stage.get_step_display(), stage.planned_date)
            )

    running = Action.objects.filter(page_id__in=ids).exclude(
        status__in=[ActionStatus.DONE, ActionStatus.ABANDONED]
    )
    stale_before = add_months(as_of, -stale_months)
    for action in running.order_by("page_id", "sort_order"):
        if action.due_date and action.due_date < as_of:
            found[action.page_id].append(
                LateItem(action.page_id, LateKind.ACTION, action.title, action.due_date)
            )
        for indicator in action.get_indicators():
            measured = [m["date"] for m in indicator["measurements"] if m["date"] <= as_of]
            last = max(measured) if measured else action.start_date
            if last is None or last >= stale_before:
                continue
            if measured:
                detail = _("last measured on %(date)s") % {"date": last.strftime("%d/%m/%Y")}
            else:
                detail = _("never measured")
            found[action.page_id].append(
                LateItem(
                    action.page_id,
                    LateKind.INDICATOR,
                    f"{indicator['name']} ({action.title})",
                    add_months(last, stale_months),
                    detail,
                )
            )

    totals = dict(
        HandoutItem.objects.values_list("handout_list").annotate(count=Count("pk")).order_by()
    )
    done = {
        (row["structure_id"], row["item__handout_list"]): row["count"]
        for row in HandoutProgress.objects.filter(structure_id__in=ids, done=True)
        .filter(Q(date__isnull=True) | Q(date__lte=as_of))
        .values("structure_id", "item__handout_list")
        .annotate(count=Count("pk"))
        .order_by()
    }
    for pk in ids:
        for handout_list, step in HANDOUT_DUE_STEP.items():
            due = planned.get((pk, step))
            total = totals.get(handout_list, 0)
            gathered = done.get((pk, handout_list), 0)
            if due and due < as_of and total and gathered < total:
                found[pk].append(
                    LateItem(
                        pk,
                        LateKind.HANDOUT,
                        HandoutList(handout_list).label,
                        due,
                        _("%(done)s of %(total)s %(state)s")
                        % {
                            "done": gathered,
                            "total": total,
                            "state": HandoutList(handout_list).done_label,
                        },
                    )
                )

    submitted = set(
        QuestionnaireResponse.objects.filter(
            structure_id__in=ids,
            status=QuestionnaireResponse.Status.SUBMITTED,
            submitted_at__date__lte=as_of,
        ).values_list("structure_id", flat=True)
    )
    for pk in ids:
        due = planned.get((pk, QUESTIONNAIRE_DUE_STEP))
        if due and due < as_of and pk not in submitted:
            found[pk].append(
                LateItem(pk, LateKind.QUESTIONNAIRE, _("Questionnaire not submitted"), due)
            )

    for items in found.values():
        items.sort(key=lambda item: item.since)
    return found


def structures_with_late_items(as_of, *, stale_months=DEFAULT_STALE_MONTHS):
    """Live structures in title order, each with ``late`` (its list of LateItem) set."""
    structures = list(StructurePage.objects.live().order_by("title"))
    late = late_items(structures, as_of, stale_months=stale_months)
    for structure in structures:
        structure.late = late[structure.pk]
    return structures


__all__ = [
    "DEFAULT_STALE_MONTHS",
    "LateItem",
    "LateKind",
    "late_items",
    "add_months",
    "structures_with_late_items",
]
