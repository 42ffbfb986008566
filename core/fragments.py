"""Pieces of pages kept rendered in the cache, for everyone with the same rights.

``{% fragment "home" %}...{% endfragment %}`` (``core.templatetags.fragment_tags``) keeps what
it encloses in the ``pages`` cache under a key made of:

- the site-wide generation (``core.site_cache``): any change a page may show makes every
  fragment stale, as for visitors' whole pages;
- the fragment's name (with the page's id when it is a page's), the site and the language;
- the reader's **rights**: superuser or not, and the ids of their groups, everything
  ``core.visibility`` decides with. A visitor, a member, a coordinator, a member of another
  group each get their own copy: nobody is ever served a fragment rendered for someone with
  more rights. ``per_reader=False`` for fragments that only show what anyone may read.

A fragment must not hold anything else about its reader (their name, a CSRF token, the
current address): those stay outside. Kept ``RAA_FRAGMENT_CACHE_SECONDS`` at most (dates such
as "upcoming" move on by themselves). Nothing is kept when ``RAA_FRAGMENT_CACHE`` is off.

A view may look a fragment up first (``lookup``) and skip the queries it would need.
"""

import hashlib

from django.conf import settings
from django.utils.translation import get_language
from wagtail.models import Site

from . import site_cache
from .site_cache import cache, fragments_enabled, request_generation
from .visibility import reader_of

FOUND_ATTRIBUTE = "_raa_fragments"


def audience(request):
    """The reader's rights, as a key: what decides what they may read, nothing else."""
    reader = reader_of(request)
    if not reader.is_authenticated:
        return "visitor"
    if reader.is_superuser:
        return "superuser"
    return "groups-" + "-".join(str(pk) for pk in sorted(reader.group_ids))


def key(name, request, per_reader=True):
    """The fragment's key for this reader, or None while the generation is unknown."""
    current = request_generation(request)
    if current is None:
        return None
    site = Site.find_for_request(request)
    parts = [
        current,
        name,
        str(site.pk if site else ""),
        get_language() or "",
        audience(request) if per_reader else "anyone",
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return f"fragment:{digest}"


def lookup(name, request, per_reader=True):
    """The fragment's HTML kept for this reader, or None (always None when the cache is off).
    Remembered on the request, so the template tag does not ask the cache again."""
    if not fragments_enabled() or request is None:
        return None
    found = getattr(request, FOUND_ATTRIBUTE, None)
    if found is None:
        found = {}
        setattr(request, FOUND_ATTRIBUTE, found)
    if name not in found:
        fragment_key = key(name, request, per_reader)
        found[name] = cache.get(fragment_key) if fragment_key else None
    return found[name]


def keep(name, request, html, per_reader=True):
    """Keep ``html`` for this reader's rights; not inside a transaction (what it shows may
    still be rolled back, and the generation would then stay as it is)."""
    if not fragments_enabled() or request is None or site_cache.in_transaction():
        return
    fragment_key = key(name, request, per_reader)
    if fragment_key is None:
        return
    seconds = getattr(settings, "RAA_FRAGMENT_CACHE_SECONDS", 300)
    cache.set(fragment_key, html, seconds)
    getattr(request, FOUND_ATTRIBUTE, {}).pop(name, None)


def page_number(request, most_digits=3):
    """``?page=``'s number when it is a plain one (``1`` when absent), else None: a listing
    keeps a page as a fragment only under such a number (any other value is shown as Django's
    paginator reads it, never kept: nobody fills the cache with made-up keys)."""
    if getattr(request, "is_preview", False):
        return None
    number = request.GET.get("page", "1")
    if number.isascii() and number.isdigit() and len(number) <= most_digits:
        return int(number)
    return None
