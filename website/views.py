"""Non-page views of the site-wide app: the agenda's ``.ics`` addresses, the sitemap,
robots.txt and the language switch."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import Site

from core.links import absolute_url, on_site

from .models import EventIndexPage, EventPage


def _agenda(request):
    site = Site.find_for_request(request)
    agenda = None
    if site is not None:
        agenda = EventIndexPage.objects.live().public().descendant_of(site.root_page).first()
    if agenda is None:
        raise Http404
    return agenda


def agenda_ics(request):
    """``/agenda/agenda.ics``: the public iCalendar feed (Wagtail page routes take no dot)."""
    return _agenda(request).feed(request)


def event_ics(request, slug):
    """``/agenda/<slug>.ics``: sends to the event's own route, where its view restrictions apply."""
    event = EventPage.objects.child_of(_agenda(request)).live().filter(slug=slug).first()
    if event is None:
        raise Http404
    return redirect(event.get_ics_url(request))


class SiteSitemap(Sitemap):
    """Wagtail's sitemap, its addresses on ``SITE_URL`` whatever host the crawler asked."""

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        for url in urls:
            url["location"] = on_site(url["location"])
        return urls


def robots_txt(request):
    return TemplateResponse(
        request,
        "robots.txt",
        {"sitemap_url": absolute_url("/sitemap.xml")},
        content_type="text/plain",
    )


def choose_language(request):
    """``/langue/?language=en&next=/blog/``: the footer's language switch, a ``GET`` form.

    A link or a ``GET`` form needs no CSRF token, so the pages that carry the switch set no
    cookie and can be served to every visitor from the cache. It only sets the language
    cookie (a preference, nothing to forge) and goes back to ``next`` on this site, else home.
    An unknown language leaves the cookie as it was.
    """
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    language = request.GET.get("language", "")
    if language in {code for code, _name in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    add_never_cache_headers(response)
    return response
