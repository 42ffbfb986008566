"""Non-page views of the site-wide app: the agenda's ``.ics`` addresses."""

from django.http import Http404
from django.shortcuts import redirect
from wagtail.models import Site

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
