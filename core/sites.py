"""The Wagtail ``Site`` of a request, remembered by each process until the site changes.

Wagtail looks the site up for every request (``Site.find_for_request``: a query, about 2 ms
with its ordering of the matches), then reads its root page's specific model to route the
path (one more). Both only change with an edit, which bumps the site-wide generation
(``core.page_cache`` watches ``wagtailcore``, Sites and pages included), so each process
remembers them per host (``core.site_cache.remember``) and ``RememberedSiteMiddleware`` hands
Wagtail the site before anything asks for it.

Each request gets its own copies of the remembered site and pages: whatever a request sets on
them (cached properties, attributes) never reaches another request. Only hosts that
``ALLOWED_HOSTS`` accepts are remembered, at most ``HOSTS_MAX`` of them: a stream of made-up
``Host`` headers can neither grow the memory nor push other remembered values out.
"""

from django.core.exceptions import DisallowedHost
from django.http.request import split_domain_port
from wagtail.models import Site

from .site_cache import copy_instance, remember, remembering

HOSTS_MAX = 16
WAGTAIL_SITE_ATTRIBUTE = "_wagtail_site"  # where Site.find_for_request keeps a request's site


def _look_up(request):
    """``(site, its root page's specific instance)`` as Wagtail would find them, or None."""
    site = Site._find_for_request(request)
    if site is None:
        return None
    return site, site.root_page.specific


def _copies(found):
    """Fresh copies of a remembered site and its root page: their own fields and caches."""
    site, root_specific = found
    fresh = copy_instance(site)
    root = copy_instance(site.root_page)
    root.__dict__["specific"] = copy_instance(root_specific)  # Page.specific is a cached property
    fresh.root_page = root
    return fresh


def _allowed_host(request):
    try:
        request.get_host()  # refuses a host outside ALLOWED_HOSTS
    except DisallowedHost:
        return False
    return True


def site_for(request):
    """The ``Site`` serving ``request`` (``Site.find_for_request``'s answer), remembered per
    allowed host and port until the generation changes; None when no site matches."""
    if not (remembering(request) and _allowed_host(request)):
        return Site._find_for_request(request)
    return _remembered_site(request)


def _remembered_site(request):
    """``site_for``'s answer for a request already known to be remembering, its host allowed."""
    host = (split_domain_port(request._get_raw_host())[0], request.get_port())
    by_host = remember("sites-by-host", dict, request)  # a new dict for each generation
    if host not in by_host:
        found = _look_up(request)
        if len(by_host) >= HOSTS_MAX:
            return found and _copies(found)
        by_host[host] = found
    found = by_host[host]
    return found and _copies(found)


class RememberedSiteMiddleware:
    """Set the request's Wagtail site from what this process remembers (``site_for``), so that
    ``Site.find_for_request`` runs no query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Otherwise Wagtail looks the site up itself, if the view needs it at all.
        if remembering(request) and _allowed_host(request):
            setattr(request, WAGTAIL_SITE_ATTRIBUTE, _remembered_site(request))
        return self.get_response(request)
