"""Following parts of the site: the follow forms, "My follows" and one-click unsubscribe."""

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from core.followables import registry
from core.visibility import visible_to
from members.models import User
from members.views import forbidden, login_required

from .models import Follow, ReminderPreference
from .tokens import read_reminder_unsubscribe_token, read_unsubscribe_token


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Follow.Frequency.choices)


class FollowForm(FrequencyForm):
    kind = forms.ChoiceField(choices=registry.choices)
    target = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


def next_url(request, default):
    """The same-site ``next`` sent with the form, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def find_target(request, followable, target_id):
    """The object a follow form names (None for a section); 404 when it does not exist or
    the reader may not see it."""
    if followable.section:
        return None
    if target_id is None:
        raise Http404
    queryset = followable.model._default_manager.all()
    if issubclass(followable.model, Page):
        queryset = visible_to(queryset.live(), request)
    return get_object_or_404(queryset, pk=target_id)


def bad_frequency(request):
    messages.error(request, _("Choose one of the frequencies offered. Nothing was changed."))


@require_POST
def follow(request):
    """Follow a target (or change how often one hears about it), then go back to the page."""
    back = next_url(request, "/")
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not request.user.is_network_member:
        return forbidden(
            request,
            _(
                "Following is for network members. "
                "Your account is awaiting a coordinator's approval."
            ),
        )
    form = FollowForm(request.POST)
    if not form.is_valid():
        if "kind" in form.errors or "target" in form.errors:
            raise Http404
        bad_frequency(request)
        return redirect(back)
    followable = registry.get(form.cleaned_data["kind"])
    frequency = form.cleaned_data["frequency"]
    target = find_target(request, followable, form.cleaned_data["target"])
    item, created = Follow.objects.get_or_create(
        user=request.user,
        kind=followable.kind,
        target_id=target.pk if target is not None else None,
        defaults={"frequency": frequency},
    )
    if not created:
        item.set_frequency(frequency)
        item.save(update_fields=["frequency", "last_digest_at"])
    values = {"target": item.target_label, "frequency": item.get_frequency_display()}
    if created:
        messages.success(request, _("You now follow %(target)s: %(frequency)s.") % values)
    else:
        messages.success(request, _("You follow %(target)s: %(frequency)s.") % values)
    return redirect(back)


def section_pages(request):
    """``{kind: the live section page the reader may see}`` for every followable section."""
    pages = {}
    for followable in registry.sections():
        page = visible_to(followable.model.objects.live(), request).first()
        if page is not None:
            pages[followable.kind] = page
    return pages


@login_required
def follows(request):
    """The person's follows, each with its frequency to change and a button to stop it."""
    sections = section_pages(request)
    rows = []
    for item in request.user.follows.for_listing():
        followable = item.followable
        target = sections.get(item.kind) if followable and followable.section else item.target
        url = followable.target_url(target, request) if followable else None
        rows.append({"follow": item, "url": url})
    followed = {row["follow"].kind for row in rows}
    on_team = request.user.memberships.exists()
    return TemplateResponse(
        request,
        "follows/follows.html",
        {
            "rows": rows,
            "on_team": on_team,
            "wants_reminders": on_team and ReminderPreference.wants_reminders(request.user),
            "frequencies": Follow.Frequency.choices,
            "can_follow": request.user.is_network_member,
            "suggestions": [page for kind, page in sections.items() if kind not in followed],
        },
    )


@login_required
@require_POST
def update_reminders(request):
    """The "weekly reminders of my structure" checkbox of the follows page."""
    weekly = request.POST.get("weekly") == "on"
    ReminderPreference.set_for(request.user, weekly)
    if weekly:
        messages.success(request, _("You will receive the weekly reminders of your structure."))
    else:
        messages.success(
            request, _("You will no longer receive the weekly reminders of your structure.")
        )
    return redirect("follows:follows")


def own_follow(request, pk):
    return get_object_or_404(Follow, pk=pk, user=request.user)


@login_required
@require_POST
def update_follow(request, pk):
    item = own_follow(request, pk)
    form = FrequencyForm(request.POST)
    if not form.is_valid():
        bad_frequency(request)
        return redirect("follows:follows")
    item.set_frequency(form.cleaned_data["frequency"])
    item.save(update_fields=["frequency", "last_digest_at"])
    messages.success(
        request,
        _("You follow %(target)s: %(frequency)s.")
        % {"target": item.target_label, "frequency": item.get_frequency_display()},
    )
    return redirect("follows:follows")


@login_required
@require_POST
def stop_follow(request, pk):
    item = own_follow(request, pk)
    label = item.target_label
    item.delete()
    messages.success(request, _("You no longer follow %(target)s.") % {"target": label})
    return redirect("follows:follows")


# The link comes from an email: the signed token is the authority, not a session. Mail clients
# POST to it without cookies or CSRF token (RFC 8058 one-click), so CSRF cannot apply; GET only
# asks for confirmation, so link scanners change nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = read_unsubscribe_token(token)
    if data is None:
        return TemplateResponse(
            request,
            "follows/follow_unsubscribe.html",
            {
                "problem": _(
                    "This unsubscribe link is invalid or has expired. "
                    "Log in to manage your follows from your account."
                )
            },
            status=400,
        )
    user_id, follow_ids = data
    items = Follow.objects.filter(user_id=user_id, pk__in=follow_ids).for_listing()
    done = False
    if request.method == "POST":
        Follow.objects.filter(pk__in=[item.pk for item in items]).update(
            frequency=Follow.Frequency.PAUSED
        )
        done = True
    return TemplateResponse(
        request,
        "follows/follow_unsubscribe.html",
        {"follows": items, "done": done, "token": token},
    )


# As ``unsubscribe``: the signed token is the authority; one-click POST from mail clients.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def reminder_unsubscribe(request, token):
    user_id = read_reminder_unsubscribe_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    if user is None:
        return TemplateResponse(
            request,
            "follows/reminder_unsubscribe.html",
            {
                "problem": _(
                    "This unsubscribe link is invalid or has expired. "
                    "Log in to manage your reminders from your account."
                )
            },
            status=400,
        )
    done = False
    if request.method == "POST":
        ReminderPreference.set_for(user, False)
        done = True
    return TemplateResponse(
        request, "follows/reminder_unsubscribe.html", {"done": done, "token": token}
    )
