"""Putting pages in the trash, restoring them and purging them.

Deleting a page in the admin moves it (with its subpages) into the hidden trash folder: it is
unpublished first, so the site, its listings, feeds, sitemap, follows and search (which all
read live pages) stop showing it at once; its revisions, comments, relations and own view
restriction stay with it, untouched. Restoring moves it back after the sibling it followed,
publishes again the revisions that were live and makes sure it stays at least as private as it
was. Only purging deletes, for good.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.log_actions import log
from wagtail.models import Page, PageViewRestriction, Revision

from .models import TrashedPage, TrashFolderPage

TRASH_ACTION = "raa.trash"
RESTORE_ACTION = "raa.restore"


class RestoreRefused(Exception):
    """The page cannot go back there; the message says why, in French."""


class ParentGone(RestoreRefused):
    """The original parent was deleted or is in the trash itself: ask where to put the page."""


@dataclass
class Restored:
    page: Page
    slug_changed: bool = False
    left_as_drafts: list = field(default_factory=list)


def trash_folder():
    """The trash folder, created under Wagtail's root the first time it is needed."""
    folder = TrashFolderPage.objects.first()
    if folder is None:
        folder = TrashFolderPage(title=_("Trash"), slug="corbeille", live=False)
        Page.get_first_root_node().add_child(instance=folder)
    return folder


def trash_path():
    """The tree path of the trash folder (None when nothing was ever trashed)."""
    return TrashFolderPage.objects.values_list("path", flat=True).first()


def is_in_trash(page, path=None):
    path = path if path is not None else trash_path()
    return bool(path) and page.path.startswith(path)


def _location(page):
    """The titles from the home page down to ``page``'s parent: where it stood."""
    ancestors = page.get_ancestors().filter(depth__gt=1)
    return " › ".join(ancestor.title for ancestor in ancestors)


def _restriction_key(restriction_type, group_ids):
    return restriction_type, tuple(sorted(group_ids))


def _restrictions_covering(page, inclusive):
    ancestors = page.get_ancestors(inclusive=inclusive)
    return [
        _restriction_key(r.restriction_type, [g.pk for g in r.groups.all()])
        for r in PageViewRestriction.objects.filter(page__in=ancestors).prefetch_related("groups")
    ]


@transaction.atomic
def trash_page(page, user=None):
    """Put ``page`` and its subpages in the trash; returns the ``TrashedPage`` row."""
    page = Page.objects.select_for_update().get(pk=page.pk)
    if is_in_trash(page):
        raise ValueError("the page is already in the trash")
    parent = page.get_parent()
    previous = page.get_prev_sibling()
    subtree = list(page.get_descendants(inclusive=True).specific())
    live_revisions = {}
    for each in subtree:
        if each.live:
            revision = each.live_revision or each.save_revision(
                user=user, log_action=False, clean=False
            )
            live_revisions[str(each.pk)] = revision.pk
    inherited = [
        {"type": kind, "groups": list(groups)}
        for kind, groups in _restrictions_covering(page, False)
    ]
    for each in subtree:
        # A scheduled publication or an approval would publish it again from the trash.
        each.revisions.update(approved_go_live_at=None)
        state = each.current_workflow_state
        if state is not None:
            state.cancel(user=user)
    # One by one: Wagtail leaves the live subpages of a page that is not live itself.
    for each in subtree:
        if each.live:
            UnpublishPageAction(each, user=user).execute(skip_permission_checks=True)
    page.refresh_from_db()
    original_slug = page.slug
    # The pk keeps slugs unique among the folder's children whatever they were.
    page.slug = f"{page.pk}-{original_slug}"[:255]
    page.save(clean=False, update_fields=["slug", "url_path"])
    MovePageAction(page, trash_folder(), pos="last-child", user=user).execute(
        skip_permission_checks=True
    )
    entry = TrashedPage.objects.create(
        page=page,
        original_parent=parent,
        previous_sibling_id=previous.pk if previous else None,
        original_slug=original_slug,
        original_location=_location(parent) + (" › " if parent.depth > 1 else "") + parent.title,
        deleted_by=user if user is not None and user.is_authenticated else None,
        live_revisions=live_revisions,
        inherited_restrictions=inherited,
        page_count=len(subtree),
    )
    log(instance=page.specific, action=TRASH_ACTION, user=user)
    return entry


def _free_slug(slug, parent, page):
    candidate, number = slug, 1
    while not Page._slug_is_available(candidate, parent, page):
        number += 1
        suffix = f"-{number}"
        candidate = slug[: 255 - len(suffix)] + suffix
    return candidate


def check_destination(entry, parent):
    """Raise ``RestoreRefused`` (``ParentGone`` when there is no place) unless ``entry``'s page
    may go back under ``parent``."""
    if parent is None:
        raise ParentGone(_("The page it was under no longer exists: choose where to put it."))
    if is_in_trash(parent):
        raise ParentGone(_("The page it was under is in the trash: choose where to put it."))
    page = entry.page.specific
    if parent.depth < 2 or not page.can_move_to(parent.specific):
        raise RestoreRefused(
            _("A page of type “%(type)s” cannot be placed under “%(parent)s”.")
            % {"type": page.specific_class._meta.verbose_name, "parent": parent.title}
        )


@transaction.atomic
def restore_page(entry, user=None, parent=None):
    """Put ``entry``'s page back under ``parent`` (by default where it was), as live as it was
    and at least as private; returns ``Restored``."""
    entry = TrashedPage.objects.select_for_update().select_related("page").get(pk=entry.pk)
    parent = parent or entry.original_parent
    check_destination(entry, parent)
    page = entry.page
    previous = None
    if parent.pk == entry.original_parent_id and entry.previous_sibling_id:
        previous = Page.objects.filter(pk=entry.previous_sibling_id).first()
        if previous is not None and (
            previous.depth != parent.depth + 1 or previous.path[: len(parent.path)] != parent.path
        ):
            previous = None
    if previous is not None:
        MovePageAction(page, previous, pos="right", user=user).execute(skip_permission_checks=True)
    elif (
        parent.pk == entry.original_parent_id
        and entry.previous_sibling_id is None
        and parent.get_children_count()
    ):
        MovePageAction(page, parent.get_first_child(), pos="left", user=user).execute(
            skip_permission_checks=True
        )
    else:
        MovePageAction(page, parent, pos="last-child", user=user).execute(
            skip_permission_checks=True
        )
    page = Page.objects.get(pk=page.pk)
    slug = _free_slug(entry.original_slug, parent, page)
    page.slug = slug
    page.save(clean=False, update_fields=["slug", "url_path"])
    _keep_privacy(page, entry.inherited_restrictions)
    left_as_drafts = _publish_again(entry, user, slug)
    log(instance=page.specific, action=RESTORE_ACTION, user=user)
    entry.delete()
    return Restored(
        page=Page.objects.get(pk=page.pk),
        slug_changed=slug != entry.original_slug,
        left_as_drafts=left_as_drafts,
    )


def _keep_privacy(page, inherited):
    """Copy onto ``page`` each restriction it inherited that no longer covers it."""
    covering = set(_restrictions_covering(page, True))
    for restriction in inherited:
        key = _restriction_key(restriction["type"], restriction["groups"])
        if key in covering:
            continue
        copy = PageViewRestriction.objects.create(page=page, restriction_type=restriction["type"])
        copy.groups.set(restriction["groups"])
        covering.add(key)


def _publish_again(entry, user, slug):
    """Publish again the revisions that were live, parents first (one per page); returns the
    titles of those that no longer pass validation (the rules changed since): they stay drafts."""
    ids = [int(pk) for pk in entry.live_revisions]
    depth = dict(Page.objects.filter(pk__in=ids).values_list("pk", "depth"))
    left_as_drafts = []
    for page_id in sorted(depth, key=depth.get):
        revision = Revision.objects.filter(pk=entry.live_revisions[str(page_id)]).first()
        if revision is None:
            continue
        if page_id == entry.page_id and revision.content.get("slug") != slug:
            revision.content["slug"] = slug
            revision.save(update_fields=["content"])
        try:
            with transaction.atomic():
                revision.publish(user=user, skip_permission_checks=True)
        except ValidationError:
            left_as_drafts.append(revision.content.get("title", str(page_id)))
    return left_as_drafts


class PurgeRefused(Exception):
    """Other content still needs the page (a protected reference); the message says which."""


def purge_page(entry, user=None):
    """Delete ``entry``'s page and its subpages for good (revisions and comments with it);
    raise ``PurgeRefused``, changing nothing, while other content still refers to them."""
    page = entry.page.specific
    try:
        with transaction.atomic():
            DeletePageAction(page, user=user).execute(skip_permission_checks=True)
            TrashedPage.objects.filter(pk=entry.pk).delete()
    except (ProtectedError, RestrictedError) as error:
        found = getattr(error, "protected_objects", None) or error.restricted_objects
        names = sorted({str(item) for item in found})
        raise PurgeRefused(
            _("“%(title)s” cannot be deleted for good while other content refers to it: %(names)s.")
            % {"title": page.title, "names": ", ".join(f"« {name} »" for name in names[:5])}
        ) from error


def purge_pages(entries, user=None):
    """Purge each entry; returns (how many were purged, the refusals' messages)."""
    count, refusals = 0, []
    for entry in entries:
        try:
            purge_page(entry, user=user)
        except PurgeRefused as refusal:
            refusals.append(str(refusal))
        else:
            count += 1
    return count, refusals
