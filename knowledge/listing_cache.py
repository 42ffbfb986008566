"""What the section listings (lessons, resources) draw from the content and the reader's rights
only, kept until the content changes.

Two places, both keyed by the site-wide generation (``core.site_cache``: any change a page may
show makes them stale) and by the reader's **rights** (``core.fragments.audience``: visitor,
superuser, or the ids of their groups), never by the reader themselves:

- ``per_rights``: values of a bounded number (per listing and audience, such as the light
  entries of every resource the reader may see), kept in this process's memory
  (``site_cache.remember``);
- ``per_selection``: values that also depend on the filters chosen (the counts beside each
  value), kept in the ``pages`` cache under ``core.fragments.key`` (with its expiry,
  ``RAA_FRAGMENT_CACHE_SECONDS``, and the cache's size limit), only for valid selections.

Nothing is kept when ``RAA_FRAGMENT_CACHE`` is off, nor inside a transaction.
"""

from django.conf import settings

from core import fragments, site_cache


def per_rights(name, request, compute):
    """``compute()`` for readers with the same rights as ``request``'s, kept in memory."""
    return site_cache.remember((name, fragments.audience(request)), compute, request)


def per_selection(name, request, compute):
    """``compute()`` for readers with the same rights, kept in the ``pages`` cache."""
    if not site_cache.fragments_enabled() or site_cache.in_transaction():
        return compute()
    key = fragments.key(f"listing-data:{name}", request)
    if key is None:
        return compute()
    value = site_cache.cache.get(key)
    if value is None:
        value = compute()
        seconds = getattr(settings, "RAA_FRAGMENT_CACHE_SECONDS", 300)
        site_cache.cache.set(key, value, seconds)
    return value
