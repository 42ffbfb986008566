"""Admin wiring of the site: the trash (menu, views, the hooks that trash instead of deleting),
the page edit view that refuses stale saves, the cockpit's menu item and the home panels
(the cockpit's summary for coordinators, "my structure" for a structure's team)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.models import Page

from blog.wagtail_hooks import BasePageViewSet, TeamSearchView
from core.visibility import reader_of

from .cockpit import cockpit_context, my_structures, programme_as_of
from .concurrent_edits import StaleSaveRefusingEditView
from .registrations import admin as registrations_admin  # noqa: F401 (its hooks)
from .trash import views as trash_views
from .trash.pages import RESTORE_ACTION, TRASH_ACTION, trash_path

trash_urls = (
    [
        path("", trash_views.index, name="index"),
        path("vider/", trash_views.empty, name="empty"),
        path("pages/<id:entry_id>/restaurer/", trash_views.restore, name="restore"),
        path("pages/<id:entry_id>/supprimer/", trash_views.purge, name="purge"),
        path(
            "commentaires/<id:comment_id>/restaurer/",
            trash_views.restore_comment,
            name="restore_comment",
        ),
        path(
            "commentaires/<id:comment_id>/supprimer/",
            trash_views.purge_comment,
            name="purge_comment",
        ),
    ],
    "raa_trash",
)


@hooks.register("register_admin_urls")
def register_trash_urls():
    return [path("corbeille/", include(trash_urls))]


class TrashMenuItem(MenuItem):
    def is_shown(self, request):
        return trash_views.may_use_trash(request.user)


@hooks.register("register_admin_menu_item")
def register_trash_menu_item():
    return TrashMenuItem(
        _("Trash"), reverse("raa_trash:index"), name="trash", icon_name="bin", order=10000
    )


@hooks.register("register_log_actions")
def register_trash_log_actions(actions):
    actions.register_action(TRASH_ACTION, _("Move to the trash"), _("Moved to the trash"))
    actions.register_action(
        RESTORE_ACTION, _("Restore from the trash"), _("Restored from the trash")
    )


@hooks.register("before_delete_page")
def trash_instead_of_deleting(request, page):
    return trash_views.confirm_trash(request, page)


@hooks.register("before_bulk_action")
def trash_instead_of_bulk_deleting(request, action_type, objects, action_class_instance):
    if not any(issubclass(model, Page) for model in action_class_instance.models):
        return None
    if action_type == "delete":
        return trash_views.trash_in_bulk(request, objects)
    if action_type in {"publish", "move"}:
        for page in objects:
            if response := trash_views.refuse_in_trash(request, page):
                return response
    return None


@hooks.register("before_edit_page")
def refuse_editing_in_trash(request, page):
    return trash_views.refuse_in_trash(request, page)


@hooks.register("before_publish_page")
def refuse_publishing_in_trash(request, page):
    return trash_views.refuse_in_trash(request, page)


@hooks.register("before_move_page")
def refuse_moving_in_trash(request, page, destination):
    return trash_views.refuse_in_trash(request, page) or trash_views.refuse_in_trash(
        request, destination
    )


@hooks.register("before_create_page")
def refuse_adding_in_trash(request, parent_page, page_class):
    return trash_views.refuse_in_trash(request, parent_page)


def without_trash(pages):
    path = trash_path()
    return pages.exclude(path__startswith=path) if path else pages


@hooks.register("construct_explorer_page_queryset")
def hide_trash_in_explorer(parent_page, pages, request):
    return without_trash(pages)


@hooks.register("construct_page_chooser_queryset")
def hide_trash_in_choosers(pages, request):
    return without_trash(pages)


class SiteSearchView(TeamSearchView):
    """The admin's page search, without the trash (nor other teams' drafts)."""

    def annotate_queryset(self, pages):
        return super().annotate_queryset(without_trash(pages))


class SitePageViewSet(BasePageViewSet):
    edit_view_class = StaleSaveRefusingEditView
    search_view_class = SiteSearchView


# After the blog's (order 100): the last viewset registered for ``Page`` is used.
@hooks.register("register_admin_viewset", order=200)
def register_site_page_viewset():
    return SitePageViewSet(name="raa_site_pages")


# The cockpit ---------------------------------------------------------------------------------


class CockpitMenuItem(MenuItem):
    def is_shown(self, request):
        return reader_of(request).is_coordinator


@hooks.register("register_admin_menu_item")
def register_cockpit_menu_item():
    return CockpitMenuItem(
        _("Cockpit"), reverse("cockpit"), name="cockpit", icon_name="site", order=150
    )


class CockpitSummaryPanel(Component):
    """The cockpit in brief on the admin home: its counts, each linking to where it is seen."""

    name = "cockpit_summary"
    template_name = "website/admin/cockpit_summary_panel.html"
    order = 50

    def get_context_data(self, parent_context=None):
        context = cockpit_context(programme_as_of(parent_context.get("request")))
        context["cockpit_url"] = reverse("cockpit")
        return context


class MyStructurePanel(Component):
    """A team member's structures on the admin home: the page to edit, what is late, the drafts
    awaiting moderation and the next events it is concerned by."""

    name = "my_structure"
    template_name = "website/admin/my_structure_panel.html"
    order = 60

    def __init__(self, statuses):
        self.statuses = statuses

    def get_context_data(self, parent_context=None):
        return {"statuses": self.statuses}


@hooks.register("construct_homepage_panels")
def add_programme_panels(request, panels):
    if reader_of(request).is_coordinator:
        panels.append(CockpitSummaryPanel())
        return
    statuses = my_structures(request.user, programme_as_of(request))
    if statuses:
        panels.append(MyStructurePanel(statuses))
