"""Wagtail admin screens of the members app: pending accounts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .approval import decide
from .models import User


def check_permission(request):
    if not request.user.has_perm("members.approve_member"):
        raise PermissionDenied


def pending(request):
    """Accounts awaiting a coordinator's decision, oldest first."""
    check_permission(request)
    users = User.objects.pending().select_related("structure").order_by("date_joined")
    verified = set(users.filter(emailaddress__verified=True).values_list("pk", flat=True))
    return TemplateResponse(
        request,
        "members/admin/pending.html",
        {
            "page_title": _("Accounts awaiting approval"),
            "header_title": _("Accounts awaiting approval"),
            "header_icon": "user",
            "users": users,
            "verified": verified,
        },
    )


@require_POST
def decide_view(request, pk, decision):
    check_permission(request)
    user = get_object_or_404(User, pk=pk)
    approve = decision == "approve"
    if decide(user, approve, request):
        message = _("%(name)s is now a network member.") if approve else _("%(name)s was refused.")
        messages.success(request, message % {"name": user.name})
    else:
        messages.error(
            request, _("%(name)s is not awaiting approval any more.") % {"name": user.name}
        )
    return redirect("members_admin:pending")
