"""``{{ page.url|on_site }}``: a link readers can open from an email, a share or a feed."""

from django import template

from core.links import absolute_url

register = template.Library()


@register.filter
def on_site(url):
    """``url`` made absolute on ``SITE_URL``."""
    return absolute_url(url)
