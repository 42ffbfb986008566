"""How the site answers someone who may not open a members-only page or document.

A visitor is sent to the login page and back. A logged-in account is answered with a 403 page
that says why (``403.html`` explains a pending or refused account): sending it to the login
page would send it straight back, forever.
"""

from django.contrib.auth.views import redirect_to_login
from django.template.response import TemplateResponse
from django.utils.cache import add_never_cache_headers

from .visibility import can_read, collection_restrictions, reader_of


def refuse(request, message=None):
    """The answer to ``request`` when its reader may not open what it asked for."""
    if not request.user.is_authenticated:
        response = redirect_to_login(request.get_full_path())
    else:
        response = TemplateResponse(request, "403.html", {"message": message}, status=403)
    add_never_cache_headers(response)
    return response


def _checked():
    return ()


def check_page(page, request):
    """None when ``request`` may read ``page``, else the refusal (Wagtail's serve hook).

    Wagtail's own ``before_serve_page`` hook runs next and reads the page's restrictions again
    (two queries, and the reader's groups for a group restriction). Ours is at least as strict
    (a "logged-in users" restriction lets in members only, a shared password nobody), so once
    it has let the reader in there is nothing left for Wagtail's to check: this page, served
    for this request only, answers that it has no restriction left to pass."""
    if can_read(page, request):
        page.get_view_restrictions = _checked
        return None
    return refuse(request)


def check_document(document, request):
    """None when ``request`` may open ``document``, else the refusal (Wagtail's serve hook)."""
    reader = reader_of(request)
    if reader.may_read(document.collection.path, collection_restrictions(request)):
        return None
    return refuse(request)
