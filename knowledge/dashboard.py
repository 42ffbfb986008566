"""The network dashboard (members and coordinators): where every structure stands.

``/structures/tableau-de-bord/`` compares the live structures against the programme: the steps
of the coaching journey, the mandatory commitments, the completion of the action plans (by
structure and by purchasing sector) and the progress of their indicators. The aggregates are
plain functions over prefetched pages, so they are tested against known data and the page makes
the same number of queries whatever the number of structures.

The network's figures (counts, roll-ups, sectors, progress over time) come first; the tables and
charts of the structures themselves follow ``PAGE_SIZE`` structures at a time (``?page=``),
sorted as the reader asks (``?tri=``): at 229 structures the whole matrix made a 2.2 MB page,
too much for a phone and for the cache. Each page (and order) is its own fragment.
"""

from typing import NamedTuple

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import fragments
from core.visibility import reader_of, visible_to
from knowledge import charts
from knowledge.handouts import handouts_table
from knowledge.indicator_history import quarterly_progress
from knowledge.models.sections import Action, JourneyStage, summarise_actions
from knowledge.models.structures import StructurePage
from knowledge.vocabularies import ActionStatus, JourneyStep, ProgrammeCommitment, StepStatus

# How each step status is drawn in the journey matrix: a CSS modifier and a symbol, so the
# status reads without colour. ``None`` is a step the structure has not recorded.
STEP_STYLES = {
    StepStatus.DONE: ("done", "✓"),
    StepStatus.IN_PROGRESS: ("in-progress", "◑"),
    StepStatus.UPCOMING: ("upcoming", "○"),
    None: ("none", "–"),
}
NOT_RECORDED = _("not recorded")

# Structures per page of the structure-by-structure part: a phone's worth of rows.
PAGE_SIZE = 25
SORT_PARAMETER = "tri"


class Sort(NamedTuple):
    """An order of the structures: its label and its key on a structure's ``standing``."""

    label: str
    key: object


def steps_done(journey_row):
    return sum(cell["status"] == StepStatus.DONE for cell in journey_row["cells"])


def average_or_below(completion_row):
    average = completion_row["average"]
    return -1 if average is None else average


# ``?tri=`` values (French, in the address) and their orders; ties keep the title order.
SORTS = {
    "nom": Sort(_("name (A to Z)"), lambda standing: 0),
    "avancement": Sort(
        _("action plan progress (highest first)"),
        lambda standing: -average_or_below(standing["completion"]),
    ),
    "engagements": Sort(
        _("commitments met (most first)"), lambda standing: -standing["commitments"]["met"]
    ),
    "parcours": Sort(
        _("steps completed (most first)"), lambda standing: -steps_done(standing["journey"])
    ),
}
DEFAULT_SORT = "nom"

# A structure's long texts: none is on the dashboard.
UNSHOWN_STRUCTURE_FIELDS = (
    "summary",
    "body",
    "diagnostic",
    "diagnostic_html",
    "assessment_achieved",
    "assessment_achieved_html",
    "assessment_shortfalls",
    "assessment_shortfalls_html",
    "assessment_next_steps",
    "assessment_next_steps_html",
    "assessment_network_lessons",
    "assessment_network_lessons_html",
)


def dashboard_view(index_page, request):
    """The dashboard page: members and coordinators only.

    Anonymous visitors are sent to the login page and back; logged-in accounts that are not (or
    not yet) network members get a 403. A ``?page=`` that is not a whole number shows the
    first page, one past the last a 404 (Django's paginator conventions).
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not request.user.is_network_member:
        raise PermissionDenied(_("The network dashboard is for network members."))
    sort = sort_of(request)
    number = page_number(request)
    name = fragment_name(index_page, sort, number)
    if fragments.lookup(name, request) is not None:
        # Rendered for this reader's rights since the last change (core.fragments): no query.
        context = {"dashboard_fragment": name}
    else:
        context = dashboard_page(index_page, request, sort, number)
        context["dashboard_fragment"] = name
    return index_page.render(
        request,
        template="knowledge/dashboard.html",
        context_overrides=context,
    )


def sort_of(request):
    """The order asked for in ``?tri=``; the default one for anything else."""
    value = request.GET.get(SORT_PARAMETER, "")
    return value if value in SORTS else DEFAULT_SORT


def page_number(request):
    """The page asked for in ``?page=``: a whole number from 1, else 1 (as ``get_page``)."""
    return fragments.page_number(request, most_digits=9) or 1


def fragment_name(index_page, sort=DEFAULT_SORT, number=1):
    """The dashboard's fragment for one order and page: everything below the breadcrumbs,
    kept per reader's rights. Only orders of ``SORTS`` and pages that exist are ever kept."""
    return f"dashboard:{index_page.pk}:{sort}:{number}"


def dashboard_page(index_page, request, sort, number):
    """The template's context for page ``number`` in order ``sort``, for ``request``'s
    reader; a 404 for a page past the last, found by counting before anything is loaded
    (the first page always exists: no count for it)."""
    try:
        if number > 1:
            count = readable_structures(index_page, request).count()
            Paginator(range(count), PAGE_SIZE).validate_number(number)
        context = dashboard_context(dashboard_structures(index_page, request), sort, number)
    except EmptyPage as error:
        raise Http404(_("This page of the dashboard does not exist.")) from error
    # The teams' progress on the indicative lists is the coordination's business.
    context["handouts"] = (
        handouts_table(context["shown"]) if reader_of(request).is_coordinator else None
    )
    return context


def readable_structures(index_page, request):
    """The live structures under ``index_page`` that ``request``'s user may read."""
    return visible_to(StructurePage.objects.child_of(index_page).live(), request)


def dashboard_structures(index_page, request):
    """The live structures under ``index_page`` that ``request``'s user may read, by title.

    Each comes with its journey, commitments and actions (with their sector): five queries,
    whatever the number of structures. The long texts the dashboard never shows (the page's
    body, diagnostic, assessment; the actions' descriptions) are left in the database.
    """
    return list(
        readable_structures(index_page, request)
        .order_by("title")
        .defer(*UNSHOWN_STRUCTURE_FIELDS)
        .prefetch_related(
            Prefetch("journey_stages", queryset=JourneyStage.objects.order_by("sort_order")),
            "commitment_records",
            Prefetch("actions", queryset=Action.objects.defer("description", "outcome")),
            # One query for the sectors, each read once and shared by its actions (a join
            # made a copy of the sector for each of the network's thousand actions).
            "actions__sector",
        )
    )


def journey_matrix(structures):
    """The status of each of the programme's steps for each structure.

    Returns ``steps`` (each step with its ``number``, ``label`` and ``done_count``, the number
    of structures that completed it) and ``rows`` (per structure, one cell per step in the
    programme's order: ``status`` is a ``StepStatus`` or ``None`` when the step is not
    recorded, ``stage`` the ``JourneyStage`` or ``None``).
    """
    rows = []
    done_counts = dict.fromkeys(JourneyStep.values, 0)
    for structure in structures:
        stages = {}
        for stage in structure.journey_stages.all():
            stages.setdefault(stage.step, stage)  # the first entry wins if a step is repeated
        cells = []
        for step in JourneyStep:
            stage = stages.get(step.value)
            status = (
                StepStatus(stage.status) if stage and stage.status in StepStatus.values else None
            )
            if status == StepStatus.DONE:
                done_counts[step.value] += 1
            cells.append(
                {
                    "step": step,
                    "stage": stage,
                    "status": status,
                    "style": STEP_STYLES[status][0],
                    "status_label": status.label if status else NOT_RECORDED,
                }
            )
        rows.append(
            {
                "structure": structure,
                "illustrative": structure.journey_is_illustrative,
                "cells": cells,
            }
        )
    steps = [
        {
            "number": number,
            "value": step.value,
            "label": step.label,
            "done_count": done_counts[step.value],
        }
        for number, step in enumerate(JourneyStep, start=1)
    ]
    return {"steps": steps, "rows": rows, "illustrative": any_illustrative(rows)}


def commitment_table(structures):
    """Which of the mandatory commitments each structure has met (a commitment with a date).

    Returns ``commitments`` (each with its ``number``, ``label`` and ``met_count``) and
    ``rows`` (per structure: ``met`` out of ``total``, and one cell per commitment with the
    ``date`` it was met or ``None``).
    """
    total = len(ProgrammeCommitment)
    met_counts = dict.fromkeys(ProgrammeCommitment.values, 0)
    rows = []
    for structure in structures:
        dates = {}
        for record in structure.commitment_records.all():
            if record.commitment not in met_counts or record.date is None:
                continue
            known = dates.get(record.commitment)
            dates[record.commitment] = min(known, record.date) if known else record.date
        for commitment in dates:
            met_counts[commitment] += 1
        rows.append(
            {
                "structure": structure,
                "illustrative": structure.commitments_is_illustrative,
                "met": len(dates),
                "total": total,
                "cells": [
                    {"commitment": commitment, "date": dates.get(commitment.value)}
                    for commitment in ProgrammeCommitment
                ],
            }
        )
    commitments = [
        {
            "number": number,
            "value": commitment.value,
            "label": commitment.label,
            "met_count": met_counts[commitment.value],
        }
        for number, commitment in enumerate(ProgrammeCommitment, start=1)
    ]
    return {
        "commitments": commitments,
        "rows": rows,
        "total": total,
        "illustrative": any_illustrative(rows),
    }


def completion_by_structure(structures):
    """Per structure, the completion of its action plan (see ``summarise_actions``)."""
    return [
        {
            "structure": structure,
            "illustrative": structure.action_plan_is_illustrative,
            **summarise_actions(structure.actions.all()),
        }
        for structure in structures
    ]


def completion_by_sector(structures):
    """Per purchasing sector, the completion of every structure's actions in that sector.

    Only sectors with at least one action appear, in the vocabulary's order; actions without a
    sector come last, under ``sector`` ``None``. ``structure_count`` is the number of
    structures with actions in the sector; ``illustrative`` is true when one of them marks its
    action plan as illustrative.
    """
    groups = {}
    for structure in structures:
        for action in structure.actions.all():
            group = groups.setdefault(
                action.sector_id,
                {"sector": action.sector, "actions": [], "structures": {}},
            )
            group["actions"].append(action)
            group["structures"][structure.pk] = structure

    def order(group):
        sector = group["sector"]
        if sector is None:
            return (1, 0, "")
        return (0, sector.sort_order, sector.name)

    rows = []
    for group in sorted(groups.values(), key=order):
        sector = group["sector"]
        rows.append(
            {
                "sector": sector,
                "label": sector.name if sector else gettext("No sector"),
                "structure_count": len(group["structures"]),
                "illustrative": any(
                    structure.action_plan_is_illustrative
                    for structure in group["structures"].values()
                ),
                **summarise_actions(group["actions"]),
            }
        )
    return rows


def indicator_rows(structures):
    """Every indicator of every action, by structure then by the action plan's order.

    Each row has the ``structure``, the ``action``, the indicator's ``name``, ``unit``,
    ``baseline``, ``target``, ``latest`` measurement (``None`` before the first one) and
    ``progress`` from baseline to target in percent (``None`` without a measurement).
    """
    rows = []
    for structure in structures:
        for action in structure.actions.all():
            for indicator in action.get_indicators():
                rows.append(
                    {
                        "structure": structure,
                        "illustrative": structure.action_plan_is_illustrative,
                        "action": action,
                        "name": indicator["name"],
                        "unit": indicator["unit"],
                        "baseline": indicator["baseline"],
                        "target": indicator["target"],
                        "latest": indicator["latest"],
                        "progress": indicator["progress"],
                        "progress_text": charts.percent(indicator["progress"]),
                        "bar": charts.progress_bar(indicator["progress"]),
                    }
                )
    return rows


def any_illustrative(rows):
    return any(row["illustrative"] for row in rows)


def chart_label(row, text):
    """A chart's row label, starred when the figures are illustrative (as in the tables)."""
    return f"{text} *" if row["illustrative"] else str(text)


def completion_chart(rows, label_key=None):
    return charts.bar_chart(
        {
            "label": chart_label(row, row[label_key] if label_key else row["structure"].title),
            "value": row["average"],
            "value_text": row["average_text"],
        }
        for row in rows
    )


def journey_chart(rows):
    return charts.matrix_chart(
        [
            {
                "label": chart_label(row, row["structure"].title),
                "cells": [
                    {
                        "status": cell["style"],
                        "symbol": STEP_STYLES[cell["status"]][1],
                        "text": f"{row['structure'].title}, {cell['step'].label}: "
                        f"{cell['status_label']}",
                    }
                    for cell in row["cells"]
                ],
            }
            for row in rows
        ],
        len(JourneyStep),
    )


def commitments_chart(rows, total):
    return charts.bar_chart(
        (
            {
                "label": chart_label(row, row["structure"].title),
                "value": row["met"],
                "value_text": gettext("%(met)s of %(total)s") % {"met": row["met"], "total": total},
            }
            for row in rows
        ),
        maximum=total,
        ticks=range(total + 1),
        tick_text=str,
    )


def with_average_text(row):
    row["average_text"] = (
        charts.percent(row["average"])
        if row["average"] is not None
        else gettext("no action counted")
    )
    return row


def network_summary(structures, journey, commitments):
    """The figures of the whole network: steps and commitments reached by how many structures,
    and the completion of every action plan taken together."""
    actions = [action for structure in structures for action in structure.actions.all()]
    return {
        "structure_count": len(structures),
        "steps": journey["steps"],
        "commitments": commitments["commitments"],
        "completion": with_average_text(summarise_actions(actions)),
        "illustrative": any(
            structure.action_plan_is_illustrative
            for structure in structures
            if structure.actions.all()
        ),
    }


def sorted_page(structures, rows, sort, number):
    """Page ``number`` (a ``Paginator`` page of indexes into ``structures``) once they are in
    order ``sort``; ``rows`` are the per-structure rows each order reads."""
    standings = [
        {"journey": journey, "commitments": commitments, "completion": completion}
        for journey, commitments, completion in zip(*rows, strict=True)
    ]
    key = SORTS[sort].key
    order = sorted(range(len(structures)), key=lambda index: key(standings[index]))
    return Paginator(order, PAGE_SIZE).page(number)


def dashboard_context(structures, sort=DEFAULT_SORT, number=1, today=None):
    """Everything the dashboard template draws, from prefetched ``structures``: the network's
    figures from all of them, the structures' own rows and charts for page ``number`` in order
    ``sort`` only. The progress per quarter runs up to ``today`` (the local date by default).
    Raises ``EmptyPage`` for a page past the last."""
    journey = journey_matrix(structures)
    commitments = commitment_table(structures)
    by_structure = [with_average_text(row) for row in completion_by_structure(structures)]
    page = sorted_page(
        structures, (journey["rows"], commitments["rows"], by_structure), sort, number
    )

    def shown(rows):
        return [rows[index] for index in page.object_list]

    network = network_summary(structures, journey, commitments)
    journey["rows"] = shown(journey["rows"])
    journey["illustrative"] = any_illustrative(journey["rows"])
    journey["chart"] = journey_chart(journey["rows"])
    journey["legend"] = [
        {"status": style, "symbol": symbol, "label": status.label if status else NOT_RECORDED}
        for status, (style, symbol) in STEP_STYLES.items()
    ]
    commitments["rows"] = shown(commitments["rows"])
    commitments["illustrative"] = any_illustrative(commitments["rows"])
    commitments["chart"] = commitments_chart(commitments["rows"], commitments["total"])
    by_structure = shown(by_structure)
    shown_structures = shown(structures)
    by_sector = [with_average_text(row) for row in completion_by_sector(structures)]
    indicators = indicator_rows(shown_structures)
    return {
        "structure_count": len(structures),
        "network": network,
        "shown": shown_structures,
        "page_obj": page,
        "sort": sort,
        "sorts": [{"value": value, "label": order.label} for value, order in SORTS.items()],
        "query_prefix": "" if sort == DEFAULT_SORT else f"{SORT_PARAMETER}={sort}&",
        "journey": journey,
        "commitments": commitments,
        "completion": {
            "rows": by_structure,
            "chart": completion_chart(by_structure),
            "illustrative": any_illustrative(by_structure),
            "statuses": list(ActionStatus),
        },
        "sectors": {
            "rows": by_sector,
            "chart": completion_chart(by_sector, label_key="label"),
            "illustrative": any_illustrative(by_sector),
            "statuses": list(ActionStatus),
        },
        "indicators": {"rows": indicators, "illustrative": any_illustrative(indicators)},
        "trend": quarterly_progress(structures, today or timezone.localdate()),
    }
