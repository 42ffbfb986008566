"""Who works on a structure: its team (who may edit its page in Wagtail: the team's group)
and the coordinators. ``knowledge`` needs no knowledge of memberships to tell them apart."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from core.visibility import reader_of


def works_on(structure, request):
    """Whether the request's user is on ``structure``'s team or coordinates the network."""
    reader = reader_of(request)
    if not reader.is_member:
        return False
    if reader.is_coordinator:
        return True
    return structure.permissions_for_user(request.user).can_edit()


def team_only(structure, request, refusal):
    """None when the request's user works on ``structure``; else the login page for visitors,
    or ``PermissionDenied(refusal)``."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
    if not works_on(structure, request):
        raise PermissionDenied(refusal)
    return None
