"""The "my structure" block of the members' hub: a team member's structures and what is late."""

from django import template

from website.cockpit import my_structures, programme_as_of

register = template.Library()


@register.simple_tag(takes_context=True)
def my_structure_statuses(context):
    """The request's user's structures with their late items, drafts and next events, seen
    from the programme date; ``[]`` for anyone on no team."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return my_structures(request.user, programme_as_of(request))
