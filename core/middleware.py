from csp.middleware import CSPMiddleware
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_cache_control


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose another language with the language switch.

    The browser's Accept-Language is ignored on purpose: the content is written in French,
    and an English interface around French content helps nobody who did not ask for it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's own policy under ``RAA_ADMIN_CSP_PREFIXES``.

    The public site gets ``CONTENT_SECURITY_POLICY``. Wagtail's admin ships inline scripts and
    styles, so it gets ``RAA_ADMIN_CONTENT_SECURITY_POLICY`` (enforced: nothing from another
    origin, no plugins, no framing by other sites) and the strict policy in report-only mode
    (``RAA_ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY``), so the browser reports what Wagtail
    would still need to drop before the admin can be held to it.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is None and request.path_info.startswith(
            tuple(settings.RAA_ADMIN_CSP_PREFIXES)
        ):
            name = "RAA_ADMIN_CONTENT_SECURITY_POLICY" + ("_REPORT_ONLY" if report_only else "")
            parts.config = getattr(settings, name)
        return parts


class PrivateResponseMiddleware:
    """``Cache-Control: private`` on every response to a logged-in person.

    What a logged-in person sees depends on who they are (members-only pages, sections and
    documents, their profile, the dashboard), so no shared cache may keep it. Downloads
    (exports, the personal-data file, documents of a restricted collection: see
    ``mark_no_store``) are not stored at all. A visitor's response is left as it is: without a
    session cookie, it is the same for every visitor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        no_store = getattr(request, NO_STORE_ATTRIBUTE, False)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True)
            if response.get("Content-Disposition", "").startswith("attachment"):
                no_store = True
        if no_store:
            patch_cache_control(response, private=True, no_store=True, max_age=0)
        return response


NO_STORE_ATTRIBUTE = "raa_no_store"


def mark_no_store(request):
    """Ask ``PrivateResponseMiddleware`` to forbid any cache to keep the response."""
    setattr(request, NO_STORE_ATTRIBUTE, True)
