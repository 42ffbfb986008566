"""What a structure's experience page shows a given reader: its sections, team and posts.

Each section is built only when the reader may read it, so a members-only section never has
its rows fetched, let alone rendered, for anyone else.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from knowledge.models.sections import summarise_actions
from knowledge.models.structures import SECTIONS
from knowledge.vocabularies import ActionStatus, DiagnosticKind, JourneyStep, ProgrammeCommitment
from website.visibility import unreadable_collection_ids, visible_to

# Each section's heading and its anchor on the page (French, as the site's slugs).
SECTION_HEADINGS = {
    "journey": (_("Coaching journey"), "parcours"),
    "commitments": (_("Commitments"), "engagements"),
    "diagnostic": (_("Diagnostic"), "diagnostic"),
    "action_plan": (_("Action plan"), "plan-d-actions"),
}


def experience_context(page, request):
    """The profile, the team, each section as the reader may see it, the latest posts.

    The number of queries does not depend on the amount of content: the sections come from
    ``page.prefetched`` (in a preview, from the unsaved instance and its form data).
    """
    structure = page if getattr(request, "is_preview", False) else page.prefetched
    user = request.user
    reader_is_member = user.is_authenticated and user.is_network_member
    readable = page.readable_sections(user)
    builders = {
        "journey": journey,
        "commitments": lambda structure: commitments(structure, request),
        "diagnostic": diagnostic,
        "action_plan": action_plan,
    }
    sections = []
    for name in SECTIONS:
        heading, anchor = SECTION_HEADINGS[name]
        section = {
            "name": name,
            "heading": heading,
            "anchor": anchor,
            "readable": name in readable,
            "illustrative": getattr(structure, f"{name}_is_illustrative"),
            "template": f"knowledge/includes/structure_{name}.html",
        }
        if section["readable"]:
            section.update(builders[name](structure))
        sections.append(section)
    posts = latest_posts(page, request)
    return {
        "structure": structure,
        "sections": sections,
        "team": team(page, reader_is_member),
        "latest_posts": posts,
        "blog": posts and apps.get_model("blog", "BlogIndexPage").objects.live().first(),
    }


def team(structure, reader_is_member):
    """The referents and the project team that the reader may see, and how many others.

    Only approved, active accounts are listed. A network member sees them all; anyone else
    sees the public profiles only, as ``User.can_see_profile_of`` and the profile page
    decide for approved accounts (computed here once, not one query per person).
    """
    if structure.pk is None:  # the preview of a page not saved yet
        return {"roles": [], "hidden_count": 0}
    Membership = structure.memberships.model
    User = Membership._meta.get_field("user").related_model
    memberships = structure.memberships.filter(
        user__is_active=True, user__status=User.Status.APPROVED
    ).select_related("user")
    roles = {
        Membership.Role.ELECTED_REFERENT: [],
        Membership.Role.STAFF_REFERENT: [],
        Membership.Role.TEAM: [],
    }
    hidden_count = 0
    for membership in memberships:
        person = membership.user
        if reader_is_member or person.profile_visibility == User.Visibility.PUBLIC:
            roles.setdefault(membership.role, []).append(person)
        else:
            hidden_count += 1
    return {
        "roles": [
            {"role": role, "people": sorted(people, key=lambda person: str(person.name))}
            for role, people in roles.items()
            if people
        ],
        "hidden_count": hidden_count,
    }


def latest_posts(structure, request, limit=3):
    """The newest live blog posts about this structure that the reader may see."""
    if structure.pk is None:
        return []
    posts = visible_to(structure.blog_posts.live(), request)
    return list(posts.order_by("-date", "-first_published_at", "-pk")[:limit])


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


def diagnostic(structure):
    items = list(structure.diagnostic_items.all())
    return {
        "html": structure.diagnostic_html,
        "obstacles": [item for item in items if item.kind == DiagnosticKind.OBSTACLE],
        "levers": [item for item in items if item.kind == DiagnosticKind.LEVER],
    }


def action_plan(structure):
    """The actions with their indicators, and the plan's summary figures.

    The average progress leaves abandoned actions out: they no longer count in the plan
    (the same figure as the network dashboard's, see ``summarise_actions``).
    """
    actions = list(structure.actions.all())
    summary = summarise_actions(actions)
    return {
        "actions": [
            {"action": action, "indicators": action.get_indicators()} for action in actions
        ],
        "done_count": summary["by_status"][ActionStatus.DONE],
        "average_progress": summary["average"],
    }
