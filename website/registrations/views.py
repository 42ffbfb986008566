"""The sign-up pages of an event (its routes, see ``pages.EventRegistrationMixin``).

Wagtail's serve hooks have already let the reader in (members-only events stay so); these
views add the rules of sign-ups and of the attendee list, which only coordinators open."""

import tablib
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.access import refuse
from core.visibility import reader_of
from knowledge.exports import FORMULA_TRIGGERS, safe_text, spreadsheet_response

from . import services
from .forms import AttendeesEmailForm
from .models import Registration

PANEL_ANCHOR = "#inscription"


def _back(page, request):
    return redirect((page.get_url(request) or "/") + PANEL_ANCHOR)


def register(page, request):
    if request.method != "POST":
        return _back(page, request)
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_url(request))
    try:
        registration = services.register(page, request.user, request)
    except services.RegistrationRefused as refusal:
        messages.error(request, refusal.message)
        return _back(page, request)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(
            request,
            _(
                "You are registered. A confirmation email with the event's calendar file "
                "(.ics) is on its way."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "The event is full: you are number %(position)s on the waiting list. "
                "You will receive an email if a place frees up."
            )
            % {"position": services.waiting_position(registration)},
        )
    return _back(page, request)


def cancel(page, request):
    if request.method != "POST":
        return _back(page, request)
    if not request.user.is_authenticated:
        return redirect_to_login(page.get_url(request))
    try:
        services.cancel(page, request.user, request)
    except services.RegistrationRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return _back(page, request)


def attendees(page, request):
    """The list of ``page``'s registrations, and the form to email the confirmed ones."""
    if not reader_of(request).is_coordinator:
        return refuse(request)
    form = AttendeesEmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = services.email_attendees(
            page,
            form.cleaned_data["subject"],
            form.cleaned_data["message"],
            sender=request.user,
            request=request,
        )
        messages.success(
            request,
            ngettext(
                "Your message is on its way to %(count)s attendee.",
                "Your message is on its way to %(count)s attendees.",
                count,
            )
            % {"count": count},
        )
        return redirect(page.get_url(request) + page.reverse_subpage("attendees"))
    registrations = list(
        Registration.objects.filter(event=page).for_listing().order_by("created_at", "pk")
    )
    by_status = {status: [] for status in Registration.Status.values}
    for registration in registrations:
        by_status[registration.status].append(registration)
    context = {
        "page": page,
        "self": page,
        "confirmed": by_status[Registration.Status.CONFIRMED],
        "waiting": by_status[Registration.Status.WAITING],
        "cancelled": by_status[Registration.Status.CANCELLED],
        "form": form,
        "capacity": page.registration_capacity,
        "csv_url": page.get_url(request) + page.reverse_subpage("attendees_csv"),
    }
    response = TemplateResponse(request, "website/registrations/attendees.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


def attendees_csv(page, request):
    """The registrations of ``page`` as a CSV file (French Excel's dialect)."""
    if not reader_of(request).is_coordinator:
        return refuse(request)
    triggers = FORMULA_TRIGGERS["csv"]
    dataset = tablib.Dataset(
        headers=[
            _("Name"),
            _("Email address"),
            _("Structure"),
            _("Status"),
            _("Registered at"),
        ]
    )
    registrations = (
        Registration.objects.filter(event=page).for_listing().order_by("status", "created_at", "pk")
    )
    for registration in registrations:
        dataset.append(
            [
                safe_text(str(registration.user.name), triggers),
                safe_text(registration.user.email, triggers),
                safe_text(registration.structure.title if registration.structure else "", triggers),
                str(registration.get_status_display()),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    response = spreadsheet_response(dataset, "csv", f"inscriptions-{page.slug}")
    response["Cache-Control"] = "private, no-store"
    return response
