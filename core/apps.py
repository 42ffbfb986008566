from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Shared building blocks every other app may import; core imports none of them."""

    name = "core"
    verbose_name = _("Core")
