"""Non-page views of the site-wide app: the agenda's ``.ics`` addresses, the sitemap and
robots.txt."""

from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
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
