from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class MembersConfig(AppConfig):
    default = True
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from . import signals

        signals.connect(self)


class UsersConfig(WagtailUsersAppConfig):
    """``wagtail.users`` with the coordinators' user screens (``members.admin_users``)."""

    default = False
    user_viewset = "members.admin_users.UserViewSet"
