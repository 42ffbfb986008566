from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = _("Website")

    def ready(self):
        from core.links import sync_sites

        from . import admin_french

        admin_french.install()

        post_migrate.connect(sync_sites, sender=self, dispatch_uid="website-sync-sites")
