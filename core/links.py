"""The site's public address, from one source: ``SITE_URL``.

Emails, feeds, share links, the sitemap, robots.txt and Wagtail's own emails
(``WAGTAILADMIN_BASE_URL``) build their absolute links from it; ``sync_sites`` keeps Django's
and Wagtail's site records in step with it after each ``migrate``.
"""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def site_url():
    """``SITE_URL`` without its trailing slash, e.g. ``https://raa.exemple.fr``."""
    return settings.SITE_URL.rstrip("/")


def absolute_url(url):
    """``url`` made absolute on the site's address; absolute URLs are returned unchanged."""
    url = str(url or "/")
    if url.startswith(("http://", "https://")):
        return url
    return site_url() + (url if url.startswith("/") else "/" + url)


def on_site(url):
    """A link to this site built from a request's host (allauth's, for instance) moved onto
    ``SITE_URL``: behind a proxy or on another port, the request's host is not the address
    readers can open."""
    parts = urlsplit(str(url))
    return absolute_url(urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment)))


def site_parts():
    """``(scheme, hostname, port)`` of ``SITE_URL``, the port made explicit."""
    parts = urlsplit(site_url())
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, parts.hostname or "localhost", port


def sync_sites(**kwargs):
    """Point Django's site (feeds, comments) and Wagtail's default site at ``SITE_URL``."""
    from django.contrib.sites.models import Site as DjangoSite
    from wagtail.models import Site

    _scheme, hostname, port = site_parts()
    DjangoSite.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(site_url()).netloc, "name": settings.WAGTAIL_SITE_NAME},
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None and (site.hostname, site.port) != (hostname, port):
        site.hostname, site.port = hostname, port
        site.save(update_fields=["hostname", "port"])
