from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from django.conf import settings
from django.http import HttpResponse
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

    # What makes one response's headers differ from another's, besides the path's kind.
    POLICY_SETTINGS = (
        "CONTENT_SECURITY_POLICY",
        "CONTENT_SECURITY_POLICY_REPORT_ONLY",
        "RAA_ADMIN_CONTENT_SECURITY_POLICY",
        "RAA_ADMIN_CONTENT_SECURITY_POLICY_REPORT_ONLY",
        "RAA_ADMIN_CSP_PREFIXES",
    )
    RESPONSE_MARKS = (
        "_csp_exempt",
        "_csp_exempt_ro",
        "_csp_config",
        "_csp_config_ro",
        "_csp_update",
        "_csp_update_ro",
        "_csp_replace",
        "_csp_replace_ro",
    )

    def __init__(self, get_response):
        super().__init__(get_response)
        self._built = {}  # key: (the settings read, the headers they give)

    def process_response(self, request, response):
        """django-csp's headers, built once per kind of path and kept: the policies are fixed
        (no nonce, no per-view policy on this site), and building them cost a sixth of a cached
        page's time. Anything else (a nonce, a view's own policy, DEBUG) goes to django-csp."""
        key = self._policy_key(request, response)
        if key is None:
            return super().process_response(request, response)
        # Once the headers are written, a nonce asked for would not be in them (django-csp).
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        kept = self._built.get(key)
        if kept is None:
            blank = HttpResponse()
            super().process_response(request, blank)
            headers = [(n, blank[n]) for n in (HEADER, HEADER_REPORT_ONLY) if n in blank]
            # The settings themselves are kept with the key: their ids cannot be reused.
            kept = self._built[key] = (self._policy_settings(), headers)
            if len(self._built) > 64:  # settings changed under the tests, many times
                self._built = {key: kept}
        for name, value in kept[1]:
            if name not in response:
                response[name] = value
        return response

    def _policy_settings(self):
        return tuple(getattr(settings, name, None) for name in self.POLICY_SETTINGS)

    def _policy_key(self, request, response):
        if settings.DEBUG or getattr(request, "_csp_nonce", None) is not None:
            return None
        if any(hasattr(response, mark) for mark in self.RESPONSE_MARKS):
            return None
        path = request.path_info
        values = self._policy_settings()
        policy, report_only, _admin, _admin_report_only, admin_prefixes = values
        excluded = [
            tuple((config or {}).get("EXCLUDE_URL_PREFIXES") or ())
            for config in (policy, report_only)
        ]
        return (
            path.startswith(tuple(admin_prefixes)),
            *(bool(prefixes) and path.startswith(prefixes) for prefixes in excluded),
            *map(id, values),
        )

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
