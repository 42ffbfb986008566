"""iCalendar (RFC 5545) files of the agenda, written with the ``icalendar`` package.

``icalendar`` is imported when a calendar file is written, not with the site: it would cost
each worker ~3 MB of memory for the few requests that ask for one.
"""

import html
import re
from datetime import UTC
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.http import content_disposition_header

from core.links import absolute_url

PRODUCT_ID = "-//Réseau RAA//Agenda//FR"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# Before the tags are stripped: closing block tags and line breaks end a line, list items start
# one with a dash.
BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|li|h[1-6]|blockquote|ol|ul)\s*>", re.IGNORECASE)
LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)


def plain_text(rich_text):
    """``rich_text`` (HTML) as plain text: tags stripped, entities decoded, one line per block."""
    text = " ".join((rich_text or "").split())  # the HTML's own line breaks mean nothing
    text = LIST_ITEM.sub("\n- ", BLOCK_END.sub("\n", text))
    text = html.unescape(strip_tags(text))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def one_line(text):
    """``text`` on one line: a title or a place typed with a line break stays a title.
    (``X-WR-CALNAME`` is not escaped by icalendar: a raw line break there would break the
    file.)"""
    return " ".join(str(text or "").split())


def uid_host(request):
    """The host name in the events' UIDs: the public site's, so a UID never changes."""
    return urlsplit(getattr(settings, "SITE_URL", "")).hostname or request.get_host()


def utc(moment):
    return moment.astimezone(UTC)


def build_event(request, event, host, stamp):
    """The VEVENT of an ``EventPage``."""
    from icalendar import Event

    vevent = Event()
    vevent.add("uid", f"event-{event.pk}@{host}")
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", utc(event.start))
    if event.end:
        vevent.add("dtend", utc(event.end))
    vevent.add("summary", one_line(event.title))
    if event.location:
        vevent.add("location", one_line(event.location))
    description = plain_text(event.description)
    if event.place and event.online_url:
        description = "\n".join(filter(None, [description, event.online_url]))
    if description:
        vevent.add("description", description)
    url = event.get_url(request)
    if url:
        vevent.add("url", absolute_url(url))
    if event.last_published_at:
        vevent.add("last-modified", utc(event.last_published_at))
    return vevent


def build_calendar(request, events, name):
    """A VCALENDAR holding one VEVENT per page of ``events``."""
    from icalendar import Calendar, vText

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", vText(one_line(name)))
    host = uid_host(request)
    stamp = utc(timezone.now())
    for event in events:
        calendar.add_component(build_event(request, event, host, stamp))
    return calendar


def calendar_response(request, events, filename, name):
    """An ``.ics`` attachment of ``events``, named ``filename``, calendar titled ``name``."""
    response = HttpResponse(build_calendar(request, events, name).to_ical(), CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
