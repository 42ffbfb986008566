"""Two-factor authentication in front of the Wagtail admin for coordinators.

With ``RAA_COORDINATOR_MFA_REQUIRED`` on, a coordinator who has not activated an authenticator
app (TOTP) is sent from ``/admin/`` to allauth's activation page. Everything else passes through
untouched, and cheaply: the path is checked first, so no query runs outside ``/admin/``, and none
runs for anonymous visitors (Wagtail sends them to the login page itself).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
# Leaving stays possible without a second factor.
OPEN_ADMIN_PATHS = frozenset({"/admin/logout/"})


def must_activate_totp(request):
    """True when ``request`` is a coordinator's, under /admin/, without an active TOTP."""
    path = request.path_info
    if not path.startswith(ADMIN_PREFIX) or path in OPEN_ADMIN_PATHS:
        return False
    if not getattr(settings, "RAA_COORDINATOR_MFA_REQUIRED", False):
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_coordinator", False):
        return False
    return not Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class CoordinatorTwoFactorMiddleware:
    """Send coordinators without an authenticator app from the admin to its activation page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_activate_totp(request):
            messages.warning(
                request,
                _(
                    "Coordinators must activate two-factor authentication "
                    "before using the administration."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
