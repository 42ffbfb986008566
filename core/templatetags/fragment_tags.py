"""``{% fragment name [per_reader] %}...{% endfragment %}``: see ``core.fragments``."""

from django import template
from django.utils.safestring import mark_safe

from core import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, per_reader):
        self.nodelist = nodelist
        self.name = name
        self.per_reader = per_reader

    def render(self, context):
        request = context.get("request")
        name = self.name.resolve(context)
        per_reader = bool(self.per_reader.resolve(context)) if self.per_reader else True
        kept = fragments.lookup(name, request, per_reader)
        if kept is not None:
            return mark_safe(kept)  # noqa: S308 - our own rendering, kept as it was
        html = self.nodelist.render(context)
        if "csrfmiddlewaretoken" in html:
            return html  # a form with this reader's CSRF token: never for anyone else
        fragments.keep(name, request, str(html), per_reader)
        return html


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) not in (2, 3):
        raise template.TemplateSyntaxError("{% fragment name [per_reader] %}")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    per_reader = parser.compile_filter(bits[2]) if len(bits) == 3 else None
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), per_reader)
