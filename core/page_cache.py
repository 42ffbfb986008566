"""Anonymous page views served from Django's cache, invalidated by a site-wide generation.

What is cached: the response of a Wagtail page (and of its routable sub-pages: blog filters,
archives, feeds) to a ``GET`` from a visitor, that is a request without a session cookie and
without a pending message. The key is the scheme, the host, the full path with its query string,
the language and the cache generation. A response is kept only when it is the same for every
visitor: a 200, no cookie set, no CSRF token rendered (pages with a form, like the contact page,
stay uncached), no message shown, no session written, not ``private``/``no-store``, and its
page is under no view restriction (members-only pages are refused to visitors anyway).

Logged-in people never read from the cache nor write to it: whoever sends a session cookie is
served by the page itself.

Invalidation: one generation number for the whole site, part of every key. Any change that a
public page may show (a page published, unpublished, moved, deleted or trashed, a view
restriction, a snippet or a vocabulary, a comment or its moderation, the menu) bumps it, on the
spot and again when the transaction commits, so every cached page is recomputed on its next
view. Coarse, but it cannot miss a dependency (a post's title also shows on the home page, its
author's page, the archives, the feeds...), and changes are rare next to page views. Old
entries are never read again and expire (``RAA_PAGE_CACHE_SECONDS``).

The generation (``core.site_cache``) lives in the cache, so several app servers sharing Redis
(``REDIS_URL``) agree on it. Local memory is per process: then a stamp file beside it (its
modification time) tells every worker of the machine that something changed.
"""

import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import quote_etag
from wagtail.models import PageViewRestriction

from .site_cache import (  # noqa: F401 (the generation, kept in core.site_cache)
    GENERATION_KEY,
    bump,
    cache,
    generation,
    invalidate,
    request_generation,
)
from .site_cache import pages_enabled as enabled
from .visibility import page_restrictions

PAGE_ATTRIBUTE = "raa_cacheable_page"
STATUS_HEADER = "X-Page-Cache"


# Which requests and responses -----------------------------------------------------------------


def _anonymous_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    # A message waiting in its cookie is shown on the next page, to that visitor only.
    return getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES


def _key(request, generation_value):
    raw = "|".join(
        [
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            getattr(request, "LANGUAGE_CODE", "") or "",
        ]
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"page-cache:{generation_value}:{digest}"


def _messages_touched(request):
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    return bool(
        getattr(storage, "used", False)
        or getattr(storage, "_queued_messages", None)
        or getattr(storage, "_loaded_data", None)
    )


def _session_written(request):
    session = getattr(request, "session", None)
    return session is not None and (session.modified or not session.is_empty())


def _restricted(page, request):
    return any(
        restriction.kind != PageViewRestriction.NONE and restriction.covers(page.path)
        for restriction in page_restrictions(request)
    )


def storable(request, response):
    """Whether ``response`` is the same for every visitor and may be served to the next one."""
    page = getattr(request, PAGE_ATTRIBUTE, None)
    if page is None or request.method != "GET" or not _anonymous_request(request):
        return False
    if not getattr(page, "cache_anonymous_views", True):
        return False
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = response.get("Vary", "").lower()
    if "*" in vary:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or request.META.get("CSRF_COOKIE_USED"):
        return False  # the page rendered a CSRF token: a form, for this visitor only
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    if _messages_touched(request) or _session_written(request):
        return False
    return not _restricted(page, request)


def mark_page(page, request):
    """Note that Wagtail serves ``page`` to ``request`` (after the access checks)."""
    setattr(request, PAGE_ATTRIBUTE, page)


class AnonymousPageCacheMiddleware:
    """Serve visitors' page views from the cache; keep the ones every visitor would get.

    Placed after every middleware but the site's (``core.sites``, which a page from the cache
    does not need): such a page still goes out through every other middleware (security
    headers, Content-Security-Policy, ``ETag`` and 304 from ``ConditionalGetMiddleware``,
    ``Content-Language``), and what is kept is the response before any of them set a cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not enabled() or not _anonymous_request(request):
            return self.get_response(request)
        current = request_generation(request)  # read once per request
        if current is None:  # the cache is unreachable
            return self.get_response(request)
        key = _key(request, current)
        kept = cache.get(key)
        if kept is not None:
            return self._rebuild(kept)
        response = self.get_response(request)
        if storable(request, response):
            self._keep(key, response)
            response[STATUS_HEADER] = "miss"
        return response

    @staticmethod
    def _keep(key, response):
        if not response.has_header("ETag"):
            digest = hashlib.md5(response.content, usedforsecurity=False).hexdigest()
            response["ETag"] = quote_etag(digest)
        patch_vary_headers(response, ("Cookie",))
        headers = [(name, value) for name, value in response.items() if name != STATUS_HEADER]
        cache.set(key, (response.content, headers), settings.RAA_PAGE_CACHE_SECONDS)

    @staticmethod
    def _rebuild(kept):
        content, headers = kept
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[STATUS_HEADER] = "hit"
        return response


# What invalidates ------------------------------------------------------------------------------

# Models of the watched apps that no public page shows, or that change on every page render.
IGNORED_MODELS = {
    "wagtailcore.revision",
    "wagtailcore.pagelogentry",
    "wagtailcore.modellogentry",
    "wagtailcore.pagesubscription",
    "wagtailcore.workflowstate",
    "wagtailcore.taskstate",
    "wagtailcore.referenceindex",
    "wagtailcore.uploadedfile",
    "wagtailcore.comment",
    "wagtailcore.commentreply",
    "wagtailimages.rendition",
    # Group memberships are synchronised at each login; a visitor's page shows none.
    "members.user_groups",
    "members.user_user_permissions",
}


def _watched(sender):
    meta = getattr(sender, "_meta", None)
    if meta is None:
        return False
    if meta.label_lower in IGNORED_MODELS or meta.label_lower in getattr(
        settings, "RAA_PAGE_CACHE_IGNORED_MODELS", ()
    ):
        return False
    return meta.app_label in getattr(settings, "RAA_PAGE_CACHE_APPS", ())


def _on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _watched(sender):
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a login: no page shows it
    invalidate()


def _on_change(sender, **kwargs):
    if _watched(sender):
        invalidate()


def _on_m2m(sender, action, pk_set=None, **kwargs):
    if not action.startswith("post_") or (action != "post_clear" and not pk_set):
        return  # before the change, or adding rows that were already there
    if _watched(sender):  # the relation's own table
        invalidate()


def _always(**kwargs):
    invalidate()


def connect():
    """Invalidate on the signals of every watched app (``RAA_PAGE_CACHE_APPS``) and Wagtail's."""
    from django.db.models import signals
    from wagtail import signals as wagtail_signals

    signals.post_save.connect(_on_save, dispatch_uid="raa_page_cache_save")
    signals.post_delete.connect(_on_change, dispatch_uid="raa_page_cache_delete")
    signals.m2m_changed.connect(_on_m2m, dispatch_uid="raa_page_cache_m2m")
    # Moves update the tree with queries, not save(); publishing and unpublishing also save.
    names = ("page_published", "page_unpublished", "post_page_move", "published", "unpublished")
    for name in names:
        getattr(wagtail_signals, name).connect(_always, dispatch_uid=f"raa_page_cache_{name}")
