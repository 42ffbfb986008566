"""Admin wiring of the blog: the comments listing for coordinators, filtered on reported ones."""

import django_filters
from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_comments.models import CommentFlag
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .comments import BlogComment
from .models import BlogPostPage

REPORTED = Q(flags__flag=CommentFlag.SUGGEST_REMOVAL)


class CoordinatorsModerateComments(ModelPermissionPolicy):
    """Coordinators read comments and hide or restore them; rows are never added or deleted here
    (a deleted comment is one marked removed, so that its thread stays whole)."""

    def user_has_permission(self, user, action):
        return action in {"view", "change"} and user.is_active and user.is_coordinator


register_permission_policy(BlogComment, CoordinatorsModerateComments(BlogComment))


class CommentFilterSet(WagtailFilterSet):
    reported = django_filters.BooleanFilter(label=_("Reported"), method="filter_reported")

    class Meta:
        model = BlogComment
        fields = ["is_public", "is_removed"]

    def filter_reported(self, queryset, name, value):
        if value is None:
            return queryset
        reported = CommentFlag.objects.filter(flag=CommentFlag.SUGGEST_REMOVAL)
        ids = reported.values("comment_id")
        return queryset.filter(pk__in=ids) if value else queryset.exclude(pk__in=ids)


class CommentIndexView(IndexView):
    def get_base_queryset(self):
        return (
            BlogComment.objects.annotate(report_count=Count("flags", filter=REPORTED))
            .select_related("user")
            .prefetch_related("content_object")
        )


def post_title(comment):
    return comment.post.title if comment.post is not None else ""


class CommentViewSet(ModelViewSet):
    model = BlogComment
    icon = "comment"
    menu_order = 270
    add_to_admin_menu = True
    index_view_class = CommentIndexView
    filterset_class = CommentFilterSet
    ordering = "-submit_date"
    list_display = [
        Column("excerpt", label=capfirst(BlogComment._meta.verbose_name)),
        Column("author_name", label=_("Author")),
        Column("post", label=capfirst(BlogPostPage._meta.verbose_name), accessor=post_title),
        "submit_date",
        # A context of its own: a plain "Reports" msgid would rename Wagtail's Reports menu.
        Column("report_count", label=pgettext_lazy("comment flags", "Reports")),
        BooleanColumn(
            "is_public",
            sort_key="is_public",
            label=capfirst(BlogComment._meta.get_field("is_public").verbose_name),
        ),
        BooleanColumn(
            "is_removed",
            sort_key="is_removed",
            label=capfirst(BlogComment._meta.get_field("is_removed").verbose_name),
        ),
    ]
    form_fields = ["is_public", "is_removed"]
    inspect_view_enabled = True
    inspect_view_fields = ["comment", "submit_date", "edited_at", "is_public", "is_removed"]
    copy_view_enabled = False


@hooks.register("register_admin_viewset")
def register_comment_viewset():
    return CommentViewSet()
