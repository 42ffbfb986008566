from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = _("Website")

    def ready(self):
        from wagtail.signals import page_published

        from core.links import sync_sites

        from . import admin_french
        from .registrations.services import places_added

        admin_french.install()

        post_migrate.connect(sync_sites, sender=self, dispatch_uid="website-sync-sites")
        page_published.connect(places_added, dispatch_uid="website-registrations-places-added")
