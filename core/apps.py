from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from . import checks, converters  # noqa: F401 - checks registers itself

# Before any app's models: routable pages compile their routes when their class is defined.
converters.register()


class CoreConfig(AppConfig):
    """Shared building blocks every other app may import; core imports none of them."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import auth_backends, page_cache

        page_cache.connect()
        auth_backends.connect()
