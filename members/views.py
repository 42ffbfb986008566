"""Member directory, profiles, invitations and personal data (everything under /membres/)."""

import json
from functools import wraps
from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import RedirectView

from core.links import absolute_url

from .adapter import INVITATION_SESSION_KEY
from .forms import DeleteAccountForm, DirectoryFilterForm, InvitationForm, ProfileForm
from .middleware import two_factor_required
from .models import Invitation, Membership, User, accept_invitation
from .privacy import delete_account, export_personal_data

DIRECTORY_PAGE_SIZE = 24


class LoginRedirectView(RedirectView):
    """Send Wagtail's login URLs to allauth's, keeping a same-site ``next`` only."""

    def get_redirect_url(self, *args, **kwargs):
        target = self.request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            target = ""
        return redirect_to_login(target or "/admin/", reverse("account_login"))["Location"]


def forbidden(request, message):
    return TemplateResponse(request, "403.html", {"message": message}, status=403)


def members_only(view):
    """Anonymous visitors log in first; accounts awaiting approval get a clear refusal."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_network_member:
            # 403.html says why: awaiting approval, or refused.
            return forbidden(request, _("This page is for network members."))
        return view(request, *args, **kwargs)

    return wrapper


def login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@members_only
def directory(request):
    form = DirectoryFilterForm(request.GET or None, request=request)
    query, structure = "", None
    if form.is_valid():
        query, structure = form.cleaned_data["q"], form.cleaned_data["structure"]
    members = User.objects.for_directory(query=query, structure=structure)
    page = Paginator(members, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        key: value
        for key, value in (("q", query), ("structure", structure and structure.pk))
        if value
    }
    return TemplateResponse(
        request,
        "members/directory.html",
        {
            "form": form,
            "members": page,
            "query_prefix": urlencode(filters) + "&" if filters else "",
            "is_filtered": bool(filters),
        },
    )


def profile(request, pk):
    person = get_object_or_404(User.objects.select_related("structure"), pk=pk, is_active=True)
    viewer = request.user
    if viewer.is_authenticated:
        allowed = viewer.can_see_profile_of(person)
    else:
        allowed = (
            person.status == User.Status.APPROVED
            and person.profile_visibility == User.Visibility.PUBLIC
        )
    if not allowed:
        if not viewer.is_authenticated and person.status == User.Status.APPROVED:
            return redirect_to_login(request.get_full_path())
        return forbidden(request, _("This profile is visible to network members only."))
    memberships = person.memberships.select_related("structure").order_by("structure__title")
    return TemplateResponse(
        request, "members/profile.html", {"person": person, "memberships": memberships}
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_profile(request):
    form = ProfileForm(request.POST or None, request.FILES or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        return redirect("members:edit_profile")
    return TemplateResponse(request, "members/edit_profile.html", {"form": form})


@login_required
def export_data(request):
    data = export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-reseau-raa.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_my_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect("/")
    return TemplateResponse(request, "members/delete_account.html", {"form": form})


def can_invite(user):
    """Coordinators invite anyone; approved referents invite into their own structure."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.has_perm("members.invite_member") or (
        user.status == User.Status.APPROVED
        and user.memberships.filter(role__in=Membership.REFERENT_ROLES).exists()
    )


@login_required
@require_http_methods(["GET", "POST"])
def invite(request):
    if not can_invite(request.user):
        return forbidden(
            request, _("Only coordinators and the referents of a structure can send invitations.")
        )
    return invitation_form(request)


@two_factor_required  # an invitation approves the person it brings in
def invitation_form(request):
    form = InvitationForm(request.POST or None, inviter=request.user)
    if request.method == "POST" and form.is_valid():
        invitation = form.save()
        send_invitation(request, invitation)
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
        return redirect("members:invite")
    sent = Invitation.objects.filter(invited_by=request.user).select_related("structure")[:20]
    return TemplateResponse(request, "members/invite.html", {"form": form, "sent": sent})


def send_invitation(request, invitation):
    get_adapter(request).send_mail(
        "members/email/invitation",
        invitation.email,
        {
            "invitation": invitation,
            "inviter": invitation.invited_by,
            "has_account": User.objects.filter(email__iexact=invitation.email).exists(),
            "accept_url": absolute_url(invitation.get_absolute_url()),
        },
    )


def refused_by_coordinators(user, invitation):
    """A refused account comes back only through a coordinator's invitation."""
    inviter = invitation.invited_by
    return user.status == User.Status.REFUSED and not (inviter and inviter.is_coordinator)


@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("structure"), token=token)
    problem = None
    if invitation.is_used:
        problem = _("This invitation has already been used. Each invitation works once.")
    elif invitation.is_expired:
        problem = _("This invitation has expired. Ask the person who invited you for a new one.")
    elif request.user.is_authenticated and request.user.email.lower() != invitation.email:
        problem = _(
            "This invitation was sent to another email address. Log out, then open the link again."
        )
    elif request.user.is_authenticated and refused_by_coordinators(request.user, invitation):
        problem = _(
            "The coordination refused your account: only a coordinator can invite you again. "
            "Write to the coordination if you think this is a mistake."
        )
    if problem:
        return TemplateResponse(
            request,
            "members/invitation.html",
            {"invitation": invitation, "problem": problem},
            status=410 if invitation.is_used or invitation.is_expired else 403,
        )
    if request.user.is_authenticated:
        if request.method == "POST":
            accept_invitation(invitation, request.user)
            messages.success(request, _("Welcome to the network: your invitation is accepted."))
            return redirect(invitation.structure.url if invitation.structure else "/")
        return TemplateResponse(request, "members/invitation.html", {"invitation": invitation})
    if User.objects.filter(email__iexact=invitation.email).exists():
        # An existing account accepts from the account: log in first, then come back here.
        return TemplateResponse(
            request,
            "members/invitation.html",
            {
                "invitation": invitation,
                "login_url": reverse("account_login")
                + "?"
                + urlencode({"next": invitation.get_absolute_url()}),
            },
        )
    # The link came by email to this address: allauth may treat it as verified at sign-up.
    get_adapter(request).stash_verified_email(request, invitation.email)
    request.session[INVITATION_SESSION_KEY] = invitation.token
    return TemplateResponse(
        request,
        "members/invitation.html",
        {
            "invitation": invitation,
            "signup_url": reverse("account_signup") + "?" + urlencode({"email": invitation.email}),
        },
    )
