"""Two-factor authentication in front of every power over other people's accounts and content.

With ``RAA_COORDINATOR_MFA_REQUIRED`` on, an account without an active authenticator app
(TOTP) is sent to allauth's activation page when it:

- opens the Wagtail admin as a coordinator, or as an editor who may publish directly (a
  publish permission on any page);
- invites someone (``/membres/inviter/``: an invitation approves the person), or moderates
  comments: those views carry ``@two_factor_required``.

Everything else passes through untouched, and cheaply: the path is checked first, so no query
runs outside ``/admin/``, and none runs for anonymous visitors (Wagtail sends them to the login
page itself).
"""

from functools import wraps

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.models import GroupPagePermission

ADMIN_PREFIX = "/admin/"
# Leaving stays possible without a second factor.
OPEN_ADMIN_PATHS = frozenset({"/admin/logout/"})


def two_factor_enforced():
    return getattr(settings, "RAA_COORDINATOR_MFA_REQUIRED", False)


def has_totp(user):
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def publishes_directly(user):
    """True when one of ``user``'s groups may publish pages without moderation."""
    return GroupPagePermission.objects.filter(
        group__user=user, permission__codename="publish_page"
    ).exists()


def must_activate_totp(request):
    """True when ``request`` is a coordinator's or a publishing editor's, under /admin/,
    without an active TOTP, and the setting is on."""
    path = request.path_info
    if not path.startswith(ADMIN_PREFIX) or path in OPEN_ADMIN_PATHS:
        return False
    if not two_factor_enforced():
        return False
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not (getattr(user, "is_coordinator", False) or publishes_directly(user)):
        return False
    return not has_totp(user)


def send_to_activation(request, message):
    messages.warning(request, message)
    return redirect("mfa_activate_totp")


def two_factor_refusal(request):
    """The redirection to the activation page when the setting is on and ``request``'s user
    has no authenticator app; ``None`` when they may go on. For views that exercise a power
    (inviting, moderating), after their own permission checks."""
    user = request.user
    if two_factor_enforced() and user.is_authenticated and not has_totp(user):
        return send_to_activation(
            request,
            _("Activate two-factor authentication before inviting people or moderating."),
        )
    return None


def two_factor_required(view):
    """``two_factor_refusal`` as a decorator."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return two_factor_refusal(request) or view(request, *args, **kwargs)

    return wrapper


class CoordinatorTwoFactorMiddleware:
    """Send coordinators and publishing editors without an authenticator app from the admin to
    its activation page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_activate_totp(request):
            return send_to_activation(
                request,
                _(
                    "Your account can approve, moderate or publish: activate two-factor "
                    "authentication before using the administration."
                ),
            )
        return self.get_response(request)
