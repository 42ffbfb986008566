"""Non-page views of the site-wide app: the agenda's ``.ics`` addresses, the sitemap,
robots.txt, the language switch and the coordination's cockpit."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.sitemaps.sitemap_generator import Sitemap
from wagtail.models import Site

from core.access import refuse
from core.links import absolute_url, on_site
from core.visibility import reader_of
from knowledge.exports import FORMATS as EXPORT_FORMATS
from knowledge.exports import FORMULA_TRIGGERS, spreadsheet_response
from knowledge.models import StructurePage

from .cockpit import cockpit_context, lateness_dataset, parse_as_of, structures_status
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


# The coordination's cockpit -------------------------------------------------------------------


def coordinators_only(request):
    """None when ``request``'s user coordinates the network, else the refusal (login page for
    visitors, 403 for other accounts)."""
    if reader_of(request).is_coordinator:
        return None
    return refuse(request, _("The cockpit is for the coordination."))


def cockpit(request):
    """``/pilotage/``: the programme's late items and the network's to-do, on a chosen day."""
    if refusal := coordinators_only(request):
        return refusal
    as_of, error = parse_as_of(request.GET.get("date", ""), request)
    context = cockpit_context(as_of)
    context["date_error"] = error
    context["export_formats"] = [
        (name, reverse("cockpit_export", args=[name])) for name in EXPORT_FORMATS
    ]
    response = TemplateResponse(request, "website/cockpit.html", context)
    add_never_cache_headers(response)
    return response


def cockpit_export(request, file_format):
    """The cockpit's lateness table as a CSV, ODS or XLSX file (404 for another format)."""
    if file_format not in EXPORT_FORMATS:
        raise Http404
    if refusal := coordinators_only(request):
        return refusal
    as_of, _error = parse_as_of(request.GET.get("date", ""), request)
    statuses = structures_status(StructurePage.objects.live().order_by("title"), as_of)
    dataset = lateness_dataset(statuses, as_of, FORMULA_TRIGGERS[file_format])
    response = spreadsheet_response(dataset, file_format, f"retards-{as_of.isoformat()}")
    add_never_cache_headers(response)
    return response
