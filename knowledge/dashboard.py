"""The network dashboard (members and coordinators): where every structure stands.

``/structures/tableau-de-bord/`` compares the live structures against the programme: the steps
of the coaching journey, the mandatory commitments, the completion of the action plans (by
structure and by purchasing sector) and the progress of their indicators. The aggregates are
plain functions over prefetched pages, so they are tested against known data and the page makes
the same number of queries whatever the number of structures.
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
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


def dashboard_view(index_page, request):
    """The dashboard page: members and coordinators only.

    Anonymous visitors are sent to the login page and back; logged-in accounts that are not (or
    not yet) network members get a 403.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not request.user.is_network_member:
        raise PermissionDenied(_("The network dashboard is for network members."))
    name = fragment_name(index_page)
    if fragments.lookup(name, request) is not None:
        # Rendered for this reader's rights since the last change (core.fragments): no query.
        context = {"dashboard_fragment": name}
    else:
        structures = dashboard_structures(index_page, request)
        context = dashboard_context(structures)
        context["dashboard_fragment"] = name
        # The teams' progress on the indicative lists is the coordination's business.
        context["handouts"] = (
            handouts_table(structures) if reader_of(request).is_coordinator else None
        )
    return index_page.render(
        request,
        template="knowledge/dashboard.html",
        context_overrides=context,
    )


def fragment_name(index_page):
    """The dashboard's fragment: everything below the breadcrumbs, kept per reader's rights."""
    return f"dashboard:{index_page.pk}"


def dashboard_structures(index_page, request):
    """The live structures under ``index_page`` that ``request``'s user may read, by title.

    Each comes with its journey, commitments and actions (with their sector): four queries,
    whatever the number of structures.
    """
    pages = visible_to(StructurePage.objects.child_of(index_page).live(), request)
    return list(
        pages.order_by("title").prefetch_related(
            Prefetch("journey_stages", queryset=JourneyStage.objects.order_by("sort_order")),
            "commitment_records",
            Prefetch("actions", queryset=Action.objects.select_related("sector")),
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


def dashboard_context(structures, today=None):
    """Everything the dashboard template draws, from prefetched ``structures``; the progress
    per quarter runs up to ``today`` (the local date by default)."""
    journey = journey_matrix(structures)
    journey["chart"] = charts.matrix_chart(
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
            for row in journey["rows"]
        ],
        len(JourneyStep),
    )
    journey["legend"] = [
        {"status": style, "symbol": symbol, "label": status.label if status else NOT_RECORDED}
        for status, (style, symbol) in STEP_STYLES.items()
    ]

    commitments = commitment_table(structures)
    total = commitments["total"]
    commitments["chart"] = charts.bar_chart(
        (
            {
                "label": chart_label(row, row["structure"].title),
                "value": row["met"],
                "value_text": gettext("%(met)s of %(total)s") % {"met": row["met"], "total": total},
            }
            for row in commitments["rows"]
        ),
        maximum=total,
        ticks=range(total + 1),
        tick_text=str,
    )

    by_structure = completion_by_structure(structures)
    by_sector = completion_by_sector(structures)
    indicators = indicator_rows(structures)
    for row in [*by_structure, *by_sector]:
        row["average_text"] = (
            charts.percent(row["average"])
            if row["average"] is not None
            else gettext("no action counted")
        )
    return {
        "structures": structures,
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
