"""Abstract page types shared by every app (apps import them from here, never from each other)."""

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from . import site_cache

# A section with more children than this routes as Wagtail does (its map would be too big to
# remember in every process).
REMEMBERED_CHILDREN_MAX = 100


class SectionPage(Page):
    """Base of every section index: a title and an introduction shown above the listing."""

    introduction = RichTextField(
        _("introduction"),
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text=_("Shown at the top of the page, before the listing."),
    )

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    class Meta:
        abstract = True

    def route(self, request, path_components):
        """Wagtail's routing, with the child page found as its specific page in one query
        (Wagtail reads the child, then its specific page: two, at every level of the path).
        Anything unusual (no such child) goes through Wagtail's own routing and its 404."""
        if path_components:
            child = self.specific_child(path_components[0], request)
            if child is not None:
                child._cached_parent_obj = self  # as Wagtail does: no query for the parent
                return child.route(request, path_components[1:])
        return super().route(request, path_components)

    def specific_child(self, slug, request=None):
        """The child page ``slug`` as its specific page, or None: by its type when the section
        holds one type of page, else by the section's children remembered per process (slug,
        id and type). The page itself is remembered per process as well (a copy for each
        request: ``site_cache.remember_page``), until the site changes."""
        allowed = self.specific_class.allowed_subpage_models()
        if len(allowed) == 1:
            model = allowed[0]
            # A path range, not ``child_of``'s LIKE (SQLite answers a LIKE by reading the tree).
            last = self.path + self.alphabet[-1] * self.steplen
            return site_cache.remember_page(
                ("child", self.pk, slug),
                lambda: model.objects.filter(path__gt=self.path, path__lte=last, slug=slug).first(),
                request,
            )
        children = site_cache.remember(
            ("section-children", self.pk), self._children_by_slug, request
        )
        if children is None or slug not in children:
            return None
        pk, content_type_id = children[slug]
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model is None:
            return None
        return site_cache.remember_page(
            ("child", self.pk, slug), lambda: model.objects.filter(pk=pk).first(), request
        )

    def _children_by_slug(self):
        rows = list(
            Page.objects.child_of(self).values_list("slug", "pk", "content_type_id")[
                : REMEMBERED_CHILDREN_MAX + 1
            ]
        )
        if len(rows) > REMEMBERED_CHILDREN_MAX:
            return None
        return {slug: (pk, content_type_id) for slug, pk, content_type_id in rows}
