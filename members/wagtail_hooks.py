"""Admin wiring of the members app: menu items, admin URLs and viewsets."""

from django.urls import include, path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from core.middleware import mark_no_store

from . import admin_views
from .forms import IdChoiceField
from .models import Invitation, Membership, StructureTeam
from .views import can_invite

admin_urls = [
    path("", admin_views.pending, name="pending"),
    path("<id:pk>/<str:decision>/", admin_views.decide_view, name="decide"),
]


@hooks.register("register_admin_urls")
def register_pending_urls():
    return [
        path("inscriptions/", include((admin_urls, "members_admin"), namespace="members_admin"))
    ]


@hooks.register("before_serve_document")
def keep_restricted_documents_out_of_caches(document, request):
    """A document of a restricted collection is stored by no cache, the browser's included."""
    if document.collection.get_view_restrictions().exists():
        mark_no_store(request)


class PendingMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("members.approve_member")


@hooks.register("register_admin_menu_item")
def register_pending_menu_item():
    return PendingMenuItem(
        _("Pending accounts"), reverse("members_admin:pending"), icon_name="user", order=250
    )


class MembershipViewSet(ModelViewSet):
    model = Membership
    icon = "group"
    menu_label = _("Project teams")
    form_fields = ["user", "structure", "role"]
    list_display = ["user", "structure", "role"]
    list_filter = ["role", "structure"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.is_relation:
            kwargs["form_class"] = IdChoiceField
        return super().formfield_for_dbfield(db_field, **kwargs)


class StructureTeamViewSet(ModelViewSet):
    model = StructureTeam
    icon = "lock"
    menu_label = _("Publishing rights")
    form_fields = ["direct_publishing"]
    list_display = [
        "structure",
        BooleanColumn(
            "direct_publishing",
            sort_key="direct_publishing",
            label=capfirst(StructureTeam._meta.get_field("direct_publishing").verbose_name),
        ),
    ]
    add_view_enabled = False
    copy_view_enabled = False


class InvitationViewSet(ModelViewSet):
    model = Invitation
    icon = "mail"
    menu_label = _("Invitations")
    form_fields = ["email", "structure", "role", "expires_at"]
    list_display = ["email", "structure", "role", "created_at", "expires_at", "accepted_at"]
    copy_view_enabled = False


class NetworkViewSetGroup(ModelViewSetGroup):
    menu_label = _("Network")
    menu_icon = "group"
    menu_order = 260
    items = [MembershipViewSet, StructureTeamViewSet, InvitationViewSet]
    submenu_hook = "register_network_menu_item"


class InviteMenuItem(MenuItem):
    """The invitation page (outside the admin, at /membres/inviter/) for those who may invite:
    coordinators, and referents into their own structure."""

    def is_shown(self, request):
        return can_invite(request.user)


@hooks.register("register_network_menu_item")
def register_invite_menu_item():
    return InviteMenuItem(_("Invite someone"), reverse("members:invite"), icon_name="mail", order=0)


@hooks.register("register_admin_viewset")
def register_network_viewsets():
    return NetworkViewSetGroup()
