"""``{% structure_resources page as resources %}`` and ``{% latest_resources 3 as resources %}``:
the resources a reader may see, for a structure's page and for the home page."""

from django import template

from knowledge import resources

register = template.Library()


@register.simple_tag(takes_context=True)
def structure_resources(context, structure, limit=5):
    return resources.structure_resources(structure, context.get("request"), limit)


@register.simple_tag(takes_context=True)
def latest_resources(context, limit=3):
    return resources.latest_resources(context.get("request"), limit)
