from urllib.parse import urlsplit

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def sync_django_site(sender, **kwargs):
    """Point Django's sites framework (feeds, comments) at SITE_URL rather than example.com."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": urlsplit(settings.SITE_URL).netloc, "name": settings.WAGTAIL_SITE_NAME},
    )


class WebsiteConfig(AppConfig):
    name = "website"
    verbose_name = _("Website")

    def ready(self):
        post_migrate.connect(sync_django_site, sender=self, dispatch_uid="website-sync-site")
