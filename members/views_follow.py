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

from website.visibility import visible_to

from .follows import Follow, lookup, read_unsubscribe_token
from .views import forbidden, login_required


class FrequencyForm(forms.Form):
    frequency = forms.ChoiceField(choices=Follow.Frequency.choices)


class FollowForm(FrequencyForm):
    kind = forms.ChoiceField(choices=Follow.Kind.choices)
    target = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


def next_url(request, default):
    """The same-site ``next`` sent with the form, else ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def find_target(request, kind, target_id):
    """The category or structure a follow form names; 404 when it does not exist or is hidden."""
    from blog.models import BlogCategory
    from knowledge.models import StructurePage

    if kind == Follow.Kind.CATEGORY:
        queryset = BlogCategory.objects.all()
    elif kind == Follow.Kind.STRUCTURE:
        queryset = visible_to(StructurePage.objects.live(), request)
    else:
        return None
    if target_id is None:
        raise Http404
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
    kind, frequency = form.cleaned_data["kind"], form.cleaned_data["frequency"]
    target = find_target(request, kind, form.cleaned_data["target"])
    item, created = Follow.objects.get_or_create(
        user=request.user,
        **lookup(kind, target.pk if target else None),
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


@login_required
def follows(request):
    """The person's follows, each with its frequency to change and a button to stop it."""
    from blog.models import BlogIndexPage
    from knowledge.models import LessonIndexPage, ResourceIndexPage

    sections = {
        Follow.Kind.BLOG: BlogIndexPage.objects.live().first(),
        Follow.Kind.LESSONS: LessonIndexPage.objects.live().first(),
        Follow.Kind.RESOURCES: ResourceIndexPage.objects.live().first(),
    }
    rows = []
    for item in request.user.follows.for_listing():
        rows.append({"follow": item, "url": target_url(request, item, sections)})
    followed = {row["follow"].kind for row in rows}
    return TemplateResponse(
        request,
        "members/follows.html",
        {
            "rows": rows,
            "frequencies": Follow.Frequency.choices,
            "can_follow": request.user.is_network_member,
            "suggestions": [
                page for kind, page in sections.items() if page and kind not in followed
            ],
        },
    )


def target_url(request, item, sections):
    if item.kind == Follow.Kind.STRUCTURE:
        return item.structure.get_url(request)
    if item.kind == Follow.Kind.CATEGORY:
        blog = sections[Follow.Kind.BLOG]
        if blog is None:
            return None
        return blog.get_url(request) + blog.reverse_subpage(
            "by_category", args=[item.category.slug]
        )
    page = sections.get(item.kind)
    return page.get_url(request) if page else None


@login_required
@require_POST
def update_follow(request, pk):
    item = get_object_or_404(
        Follow.objects.select_related("category", "structure"), pk=pk, user=request.user
    )
    form = FrequencyForm(request.POST)
    if not form.is_valid():
        bad_frequency(request)
        return redirect("members:follows")
    item.set_frequency(form.cleaned_data["frequency"])
    item.save(update_fields=["frequency", "last_digest_at"])
    messages.success(
        request,
        _("You follow %(target)s: %(frequency)s.")
        % {"target": item.target_label, "frequency": item.get_frequency_display()},
    )
    return redirect("members:follows")


@login_required
@require_POST
def stop_follow(request, pk):
    item = get_object_or_404(
        Follow.objects.select_related("category", "structure"), pk=pk, user=request.user
    )
    label = item.target_label
    item.delete()
    messages.success(request, _("You no longer follow %(target)s.") % {"target": label})
    return redirect("members:follows")


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
            "members/follow_unsubscribe.html",
            {
                "problem": _(
                    "This unsubscribe link is invalid or has expired. "
                    "Log in to manage your follows from your account."
                )
            },
            status=400,
        )
    user_id, follow_ids = data
    items = list(Follow.objects.filter(user_id=user_id, pk__in=follow_ids).for_listing())
    done = False
    if request.method == "POST":
        Follow.objects.filter(pk__in=[item.pk for item in items]).update(
            frequency=Follow.Frequency.PAUSED
        )
        done = True
    return TemplateResponse(
        request,
        "members/follow_unsubscribe.html",
        {"follows": items, "done": done, "token": token},
    )
