"""``{% structure_team structure %}``: a structure's referents and project team, as the reader
may see them (the experience pages of ``knowledge`` show it; ``members`` owns the people)."""

from django import template

from core.visibility import reader_of
from members.models import Membership, User
from members.views import can_invite

register = template.Library()

ROLE_ORDER = (
    Membership.Role.ELECTED_REFERENT,
    Membership.Role.STAFF_REFERENT,
    Membership.Role.TEAM,
)


def team_of(structure, reader_is_member):
    """The referents and the project team that the reader may see, and how many others.

    Only approved, active accounts are listed. A network member sees them all; anyone else
    sees the public profiles only, as ``User.can_see_profile_of`` and the profile page
    decide for approved accounts (one query, not one per person).
    """
    if structure is None or structure.pk is None:  # the preview of a page not saved yet
        return {"roles": [], "hidden_count": 0}
    memberships = Membership.objects.filter(
        structure_id=structure.pk, user__is_active=True, user__status=User.Status.APPROVED
    ).select_related("user")
    roles = {role: [] for role in ROLE_ORDER}
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


@register.inclusion_tag("members/includes/structure_team.html", takes_context=True)
def structure_team(context, structure):
    request = context.get("request")
    reader_is_member = request is not None and reader_of(request).is_member
    return {"team": team_of(structure, reader_is_member)}


@register.filter
def name_for(person, reader):
    """``{{ author|name_for:request.user }}``: the name, or a neutral label for a visitor
    when the profile is for network members only (``User.name_for``)."""
    return person.name_for(reader)


@register.filter
def is_named_for(person, reader):
    return person.is_named_for(reader)


@register.inclusion_tag("members/includes/invite_link.html", takes_context=True)
def invite_link(context):
    """A link to the invitation page (``members:invite``) for those who may invite; nothing
    for the others. For the member area: ``{% load members_tags %}{% invite_link %}``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"show": user is not None and can_invite(user)}
