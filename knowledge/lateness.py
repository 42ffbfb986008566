"""What is late in a structure's programme on a given date: the rules the cockpit, a referent's
home and the weekly reminders all read.

A structure is late on
- a journey step whose planned date has passed and which had not taken place by then (no actual
  date on or before the day looked from; without an actual date, its status is not "done");
- an action whose due date has passed and which is neither done nor abandoned;
- an indicator of an action still running (not done nor abandoned) with no measurement in the
  last ``stale_months`` months (its latest measurement, or the action's start when it has none);
- a handout not completed once the step it serves was planned: the indicative list of key
  documents by the document analysis, the list of interviews by the interviews, the
  questionnaire (submitted) by the diagnostic.

Everything is read from the rows as they were last published, in a fixed number of queries
whatever the number of structures (``late_items``). Dates after the day looked from do not
count yet (a measurement, a document gathered or a questionnaire submitted later), so an
earlier day reads as it would have then.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
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

    ``since`` is the last day it was not yet late (planned date, due date, the date the
    indicator went stale, the handout's due date): it is late from the next day on.
    ``detail`` says what is missing, in the active language (e.g. "3 documents gathered out of
    8", "last measured on 12 March 2010").
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


def long_date(day):
    """``12 mars 2010``: a date as a reader writes it."""
    return date_format(day, "j F Y")


def step_done(stage, as_of):
    """Whether ``stage`` had taken place by ``as_of``: its actual date says when; a step marked
    done without one counts as done whatever the day looked from."""
    if stage.actual_date:
        return stage.actual_date <= as_of
    return stage.status == StepStatus.DONE


def status_detail(stage):
    """The step's recorded status ("upcoming", "in progress"), nothing for one done later."""
    return "" if stage.status == StepStatus.DONE else str(stage.get_status_display())


def handout_detail(handout_list, gathered, total):
    """What a late handout still misses: "3 documents gathered out of 8", "1 interview held
    out of 5" (French agrees the noun and the participle with the number gathered)."""
    if handout_list == HandoutList.KEY_DOCUMENTS:
        text = ngettext(
            "%(done)s document gathered out of %(total)s",
            "%(done)s documents gathered out of %(total)s",
            gathered,
        )
    else:
        text = ngettext(
            "%(done)s interview held out of %(total)s",
            "%(done)s interviews held out of %(total)s",
            gathered,
        )
    return text % {"done": gathered, "total": total}


def late_items(structures, as_of, *, stale_months=DEFAULT_STALE_MONTHS):
    """``{structure id: [LateItem, ...]}`` for every structure in ``structures`` (a queryset or
    an iterable of pages), each list ordered by ``since``, oldest first; a structure with
    nothing late maps to ``[]``. Five queries whatever the number of structures (and one
    more to list ``structures`` when it is a queryset)."""
    ids = [structure.pk for structure in structures]
    found = {pk: [] for pk in ids}
    if not ids:
        return found
    stages = list(JourneyStage.objects.filter(page_id__in=ids).order_by("page_id", "sort_order"))
    planned = {(stage.page_id, stage.step): stage.planned_date for stage in stages}
    for stage in stages:
        if stage.planned_date and stage.planned_date < as_of and not step_done(stage, as_of):
            found[stage.page_id].append(
                LateItem(
                    stage.page_id,
                    LateKind.STEP,
                    str(stage.get_step_display()),
                    stage.planned_date,
                    status_detail(stage),
                )
            )

    running = Action.objects.filter(page_id__in=ids).exclude(
        status__in=[ActionStatus.DONE, ActionStatus.ABANDONED]
    )
    for action in running.order_by("page_id", "sort_order"):
        if action.due_date and action.due_date < as_of:
            found[action.page_id].append(
                LateItem(
                    action.page_id,
                    LateKind.ACTION,
                    action.title,
                    action.due_date,
                    gettext("%(progress)s%% done") % {"progress": action.progress},
                )
            )
        for indicator in action.get_indicators():
            measured = [
                m["date"] for m in indicator["measurements"] if m["date"] and m["date"] <= as_of
            ]
            last = max(measured) if measured else action.start_date
            if last is None:
                continue
            # Stale the day after ``stale_months`` months without a measurement: the same
            # rule as "due today is not late".
            stale_since = add_months(last, stale_months)
            if stale_since >= as_of:
                continue
            if measured:
                detail = gettext("last measured on %(date)s") % {"date": long_date(last)}
            else:
                detail = gettext("never measured since the action started on %(date)s") % {
                    "date": long_date(last)
                }
            found[action.page_id].append(
                LateItem(
                    action.page_id,
                    LateKind.INDICATOR,
                    f"{indicator['name']} ({action.title})",
                    stale_since,
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
                        str(HandoutList(handout_list).label),
                        due,
                        handout_detail(handout_list, gathered, total),
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
                LateItem(
                    pk,
                    LateKind.QUESTIONNAIRE,
                    gettext("Detailed questionnaire"),
                    due,
                    gettext("not submitted"),
                )
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
