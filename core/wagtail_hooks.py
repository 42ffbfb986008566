"""Wagtail's serve views decide with ``core.visibility``, before Wagtail's own checks.

Wagtail lets any logged-in account through a "logged-in users" restriction and sends a
logged-in account that fails a group restriction to the login page, which sends it back: here
"logged-in users" means network members, as everywhere else on the site, and a logged-in
account that may not read is told why (403).
"""

from wagtail import hooks

from . import page_cache
from .access import check_document, check_page


@hooks.register("before_serve_page", order=-100)
def refuse_unreadable_page(page, request, serve_args, serve_kwargs):
    return check_page(page, request)


@hooks.register("before_serve_page", order=1000)
def note_cacheable_page(page, request, serve_args, serve_kwargs):
    """Last: the page passed every check, its response may be kept for the next visitor."""
    page_cache.mark_page(page, request)


@hooks.register("before_serve_document", order=-100)
def refuse_unreadable_document(document, request):
    return check_document(document, request)
