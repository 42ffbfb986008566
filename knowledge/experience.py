"""What a structure's experience page shows a given reader: its profile and its sections.

Each section is built only when the reader may read it, so a members-only section never has
its rows fetched, let alone rendered, for anyone else. The team (``members``) and the latest
posts (``blog``) come from those apps' template tags.

The page's body is kept rendered per reader's rights (``core.fragments``, ``body_fragment``):
a reader whose rights saw it since the last change gets it without any of these queries.
"""

from django.utils.translation import gettext_lazy as _

from core import fragments
from core.visibility import reader_of, unreadable_collection_ids
from knowledge.indicator_history import indicator_history
from knowledge.lesson_sources import structure_lessons
from knowledge.models.sections import summarise_actions
from knowledge.teams import works_on
from knowledge.vocabularies import (
    ActionStatus,
    DiagnosticKind,
    JourneyStep,
    ProgrammeCommitment,
    StructureSection,
)


def body_fragment(structure, request):
    """The name the page's body is kept under for this reader (``core.fragments``: keyed by
    their rights as well), or None for a preview: it shows unsaved data, never kept nor served.

    What the body shows beyond the reader's rights is what their team may do (the handouts'
    progress, the links to add a measurement: ``works_on``). Wagtail decides that from the
    groups' permissions, except for the page's owner, who may also edit with an "add"
    permission alone: the owner gets a fragment of their own.
    """
    if structure.pk is None or getattr(request, "is_preview", False):
        return None
    name = f"structure:{structure.pk}"
    reader = reader_of(request)
    if reader.is_authenticated and reader.user.pk == structure.owner_id:
        name += ":owner"
    return name


def body_is_kept(structure, request):
    """Whether the page's body is kept for this reader: then nothing of it needs reading."""
    name = body_fragment(structure, request)
    return name is not None and fragments.lookup(name, request) is not None


def experience_context(page, request):
    """The profile and each section as the reader may see it.

    The number of queries does not depend on the amount of content: the directory routes to
    a page loaded ``with_sections()`` (a preview reads the unsaved instance and its form data).
    """
    structure = page
    readable = page.readable_sections(request)
    lessons = structure_lessons(structure, request)
    builders = {
        StructureSection.JOURNEY: journey,
        StructureSection.COMMITMENTS: lambda structure: commitments(structure, request),
        StructureSection.DIAGNOSTIC: lambda structure: diagnostic(structure, lessons),
        StructureSection.ACTION_PLAN: lambda structure: action_plan(structure, lessons, request),
        StructureSection.ASSESSMENT: lambda structure: assessment(
            structure, lessons, StructureSection.ACTION_PLAN in readable
        ),
    }
    sections = []
    for name in StructureSection:
        section = {
            "name": name.value,
            "heading": name.label,
            "anchor": name.anchor,
            "readable": name in readable,
            "illustrative": getattr(structure, f"{name.value}_is_illustrative"),
            "template": f"knowledge/includes/structure_{name.value}.html",
        }
        if section["readable"]:
            section.update(builders[name](structure))
        sections.append(section)
    return {"structure": structure, "sections": sections, "lessons": lessons["lessons"]}


def journey(structure):
    """Every step of the programme, in the programme's order, with this structure's stage
    for it (None when the step is not scheduled)."""
    stages = {stage.step: stage for stage in structure.journey_stages.all()}
    steps = [{"label": step.label, "stage": stages.get(step)} for step in JourneyStep]
    return {"steps": steps, "scheduled": bool(stages)}


def commitments(structure, request):
    """The programme's seven commitments, each with this structure's record or None.

    An evidence document in a collection the reader may not open is left out, so neither
    its title nor its address leaks.
    """
    records = {record.commitment: record for record in structure.commitment_records.all()}
    hidden = set()
    if any(record.evidence_document_id for record in records.values()):
        hidden = unreadable_collection_ids(request)
    commitments = []
    for commitment in ProgrammeCommitment:
        record = records.get(commitment)
        document = record.evidence_document if record else None
        if document is not None and document.collection_id in hidden:
            document = None
        commitments.append({"label": commitment.label, "record": record, "document": document})
    met_count = sum(1 for item in commitments if item["record"] and item["record"].is_met)
    return {"commitments": commitments, "met_count": met_count}


def diagnostic(structure, lessons):
    """The state of play, then the obstacles and levers, each with the lessons drawn from it
    (``item.drawn_lessons``)."""
    items = list(structure.diagnostic_items.all())
    for item in items:
        item.drawn_lessons = lessons["by_item"].get(item.pk, [])
    return {
        "html": structure.diagnostic_html,
        "obstacles": [item for item in items if item.kind == DiagnosticKind.OBSTACLE],
        "levers": [item for item in items if item.kind == DiagnosticKind.LEVER],
    }


def action_plan(structure, lessons, request):
    """The actions with their indicators (each with its ``history``: its measurements as a
    chart and a table) and the lessons drawn from each, and the plan's summary figures.
    ``can_measure`` tells whether the reader may add a measurement (the team, coordinators).

    The average progress leaves abandoned actions out: they no longer count in the plan
    (the same figure as the network dashboard's, see ``summarise_actions``).
    """
    actions = list(structure.actions.all())
    summary = summarise_actions(actions)
    return {
        "actions": [
            {
                "action": action,
                "indicators": [
                    {
                        **indicator,
                        "history": indicator_history(indicator),
                        "anchor": f"indicateur-{action.pk}-{position}",
                    }
                    for position, indicator in enumerate(action.get_indicators())
                ],
                "lessons": lessons["by_action"].get(action.pk, []),
            }
            for action in actions
        ],
        "can_measure": bool(actions) and works_on(structure, request),
        "done_count": summary["by_status"][ActionStatus.DONE],
        "average_progress": summary["average"],
    }


def assessment(structure, lessons, plan_readable):
    """The bilan: each action of the plan with its indicators and outcome (only for a reader
    who may read the action plan, so a public bilan never reveals a members-only plan), the
    four texts, and the lessons the network drew from it."""
    actions = []
    if plan_readable:
        actions = [
            {"action": action, "indicators": action.get_indicators()}
            for action in structure.actions.all()
        ]
    texts = [
        (label, getattr(structure, f"{name}_html"))
        for name, label in [
            ("assessment_achieved", _("What was achieved")),
            ("assessment_shortfalls", _("What did not work, and why")),
            ("assessment_next_steps", _("What comes next")),
            ("assessment_network_lessons", _("Lessons for the network")),
        ]
    ]
    return {
        "actions": actions,
        "plan_readable": plan_readable,
        "texts": [{"heading": label, "html": html} for label, html in texts if html],
        "assessment_lessons": lessons["assessment"],
    }
