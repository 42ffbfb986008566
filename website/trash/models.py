"""What the trash keeps: the hidden folder trashed pages wait in, and one row per deletion."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page


class TrashFolderPage(Page):
    """The folder trashed pages wait in, right under Wagtail's root: no site covers it, so
    nothing in it has a URL; it is never live and never shown in the explorer."""

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = []
    max_count = 1
    is_creatable = False

    class Meta:
        verbose_name = _("trash folder")
        verbose_name_plural = _("trash folders")

    def get_sitemap_urls(self, request=None):
        return []


class TrashedPageQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("page", "original_parent", "deleted_by").order_by(
            "-deleted_at", "-pk"
        )

    def older_than(self, days):
        return self.filter(deleted_at__lt=timezone.now() - timezone.timedelta(days=days))


class TrashedPage(models.Model):
    """A page put in the trash (with its subpages): where it was, who put it there and when,
    and what restoring it needs (its live revisions, the restrictions it inherited)."""

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, related_name="+", verbose_name=_("page")
    )
    original_parent = models.ForeignKey(
        Page,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("original parent"),
    )
    # The page after which it stood (None: it was the first child).
    previous_sibling_id = models.IntegerField(null=True, blank=True)
    original_slug = models.SlugField(_("original slug"), max_length=255, allow_unicode=True)
    original_location = models.TextField(_("location"), blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("deleted by"),
    )
    deleted_at = models.DateTimeField(_("deleted at"), default=timezone.now, db_index=True)
    # {page id: live revision id} for each page of the subtree that was live.
    live_revisions = models.JSONField(default=dict, blank=True)
    # The view restrictions of the ancestors that covered it: [{"type": ..., "groups": [...]}].
    inherited_restrictions = models.JSONField(default=list, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), default=1)

    objects = TrashedPageQuerySet.as_manager()

    class Meta:
        verbose_name = _("trashed page")
        verbose_name_plural = _("trashed pages")

    def __str__(self):
        return self.page.title

    @property
    def was_live(self):
        return str(self.page_id) in self.live_revisions
