"""The admin's list of registrations (coordinators only, read-only, with Wagtail's CSV and
Excel export), and the "Registrations" button in an event's admin header."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from core.roles import COORDINATORS_GROUP

from .models import Registration

VIEW = "view"


def is_coordinator(user):
    return bool(user.is_authenticated and getattr(user, "is_coordinator", False))


class CoordinatorsMayView(BasePermissionPolicy):
    """Coordinators may view (and export) registrations; nobody edits them here: members
    register and cancel on the event's page."""

    def user_has_permission(self, user, action):
        return action == VIEW and is_coordinator(user)

    def user_has_any_permission(self, user, actions):
        return VIEW in actions and is_coordinator(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if VIEW not in actions:
            return users.none()
        return users.filter(is_superuser=True) | users.filter(groups__name=COORDINATORS_GROUP)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


class RegistrationViewSet(ModelViewSet):
    model = Registration
    icon = "date"
    menu_label = _("Event registrations")
    menu_order = 255
    add_to_admin_menu = True
    url_prefix = "inscriptions-evenements"
    form_fields = ["status"]
    list_display = ["user", "event", "structure", "status", "created_at"]
    list_filter = ["status", "event"]
    list_export = ["user", "user.email", "event", "structure", "status", "created_at"]
    export_headings = {"user.email": _("Email address")}
    export_filename = "inscriptions"
    add_view_enabled = False
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_queryset(self, request):
        return Registration.objects.select_related("user", "event", "structure")


register_permission_policy(Registration, CoordinatorsMayView(Registration))
registration_viewset = RegistrationViewSet("event_registrations")


@hooks.register("register_admin_viewset")
def register_registration_viewset():
    return registration_viewset


@hooks.register("register_page_header_buttons")
def registrations_button(page, user, view_name, next_url=None):
    """On an event that takes registrations, a link to its registrations in the admin."""
    if not getattr(page.specific, "registration_open", False) or not is_coordinator(user):
        return
    url = reverse(registration_viewset.get_url_name("index"))
    yield Button(
        _("Registrations"),
        url + "?" + urlencode({"event": page.pk}),
        icon_name="date",
        priority=80,
    )
