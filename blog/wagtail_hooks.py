"""Admin wiring of the blog: the comments listing for coordinators, filtered on reported ones;
other teams' drafts kept out of a team's explorer and page choosers."""

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
from wagtail.admin.views.pages.search import SearchView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from members.models import Membership

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


def without_other_teams_drafts(pages, user):
    """``pages`` without the drafts (pages never published) a structure team may not open:
    its members see the drafts they own and those about their own structures; coordinators
    see every draft. (Wagtail's "add" permission on the blog shows every child otherwise.)"""
    if user.is_superuser or user.is_coordinator:
        return pages
    structures = Membership.objects.filter(user=user).values("structure")
    about_their_structures = BlogPostPage.objects.filter(structure__in=structures).values("pk")
    return pages.filter(
        Q(live=True) | Q(owner=user) | Q(pk__in=about_their_structures) | Q(pk__in=structures)
    )


@hooks.register("construct_explorer_page_queryset")
def hide_drafts_in_explorer(parent_page, pages, request):
    return without_other_teams_drafts(pages, request.user)


@hooks.register("construct_page_chooser_queryset")
def hide_drafts_in_choosers(pages, request):
    return without_other_teams_drafts(pages, request.user)


class TeamSearchView(SearchView):
    """The admin's page search, without other teams' drafts (it calls no queryset hook)."""

    def annotate_queryset(self, pages):
        return super().annotate_queryset(without_other_teams_drafts(pages, self.request.user))


class BasePageViewSet(PageViewSet):
    search_view_class = TeamSearchView


# After Wagtail's own base viewset (order): the last one registered for ``Page`` is used.
@hooks.register("register_admin_viewset", order=100)
def register_base_page_viewset():
    return BasePageViewSet(name="raa_pages")
