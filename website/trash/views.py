"""The trash in the admin: coordinators see what was deleted, by whom and when, restore it or
purge it; deleting a page anywhere in the admin puts it here instead."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from . import comments as trashed
from .models import TrashedPage
from .pages import (
    PurgeRefused,
    RestoreRefused,
    is_in_trash,
    purge_page,
    purge_pages,
    restore_page,
    trash_page,
)


def may_use_trash(user):
    """Coordinators (and superusers) see, restore and purge the trash."""
    return user.is_authenticated and user.is_active and user.is_coordinator


def coordinators_only(view):
    def wrapped(request, *args, **kwargs):
        if not may_use_trash(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def trash_url():
    return reverse("raa_trash:index")


# Deleting: the hooks on Wagtail's delete views ------------------------------------------------


def deletion_refusal(user, pages):
    """Why ``user`` may not put ``pages`` in the trash (a message), or None.

    Wagtail decides who may delete; on top of that, people outside the coordination only delete
    pages that are all theirs (with every subpage), never a colleague's or a structure's own.
    """
    if may_use_trash(user):
        return None
    for page in pages:
        if page.get_descendants(inclusive=True).exclude(owner=user).exists():
            return _("Only the coordination can delete a page that someone else created.")
    return None


def confirm_trash(request, page):
    """``before_delete_page``: ask, then move the page to the trash instead of deleting it."""
    if is_in_trash(page):
        messages.error(request, _("This page is already in the trash."))
        return redirect(trash_url() if may_use_trash(request.user) else "wagtailadmin_home")
    if refusal := deletion_refusal(request.user, [page]):
        messages.error(request, refusal)
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    next_url = get_valid_next_url_from_request(request)
    if request.method == "POST":
        parent_id = page.get_parent().pk
        trash_page(page, user=request.user)
        messages.success(
            request,
            _("“%(title)s” was moved to the trash; the coordination can restore it.")
            % {"title": page.get_admin_display_title()},
        )
        return redirect(next_url or reverse("wagtailadmin_explore", args=[parent_id]))
    return TemplateResponse(
        request,
        "website/trash/confirm_trash.html",
        {
            "page": page,
            "descendant_count": page.get_descendant_count(),
            "next": next_url,
        },
    )


def trash_in_bulk(request, pages):
    """``before_bulk_action`` for "delete": the selected pages go to the trash."""
    pages = [page for page in pages if not is_in_trash(page)]
    if refusal := deletion_refusal(request.user, pages):
        messages.error(request, refusal)
    else:
        for page in pages:
            trash_page(page, user=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d page was moved to the trash.",
                "%(count)d pages were moved to the trash.",
                len(pages),
            )
            % {"count": len(pages)},
        )
    return redirect(get_valid_next_url_from_request(request) or "wagtailadmin_home")


def refuse_in_trash(request, page):
    """For the edit, move, publish and add views: a page in the trash is restored first."""
    if page is not None and is_in_trash(page):
        messages.error(request, _("This page is in the trash: restore it to change it."))
        return redirect(trash_url() if may_use_trash(request.user) else "wagtailadmin_home")
    return None


# The trash ---------------------------------------------------------------------------------


@coordinators_only
@require_http_methods(["GET"])
def index(request):
    comments = list(trashed.trashed_comments().prefetch_related("content_object")[:500])
    for comment in comments:
        comment.deletion = trashed.deletion_of(comment)
    return TemplateResponse(
        request,
        "website/trash/index.html",
        {
            "entries": TrashedPage.objects.for_listing(),
            "comments": comments,
            "trash_days": settings.RAA_TRASH_DAYS,
        },
    )


class DestinationForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Page.objects.filter(depth__gt=1),
        label=gettext_lazy("Put it under"),
        widget=AdminPageChooser(can_choose_root=False),
        error_messages={
            "required": gettext_lazy("Choose the page to put it under."),
            "invalid_choice": gettext_lazy("This page no longer exists: choose another one."),
        },
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def restore(request, entry_id):
    entry = get_object_or_404(
        TrashedPage.objects.select_related("page", "original_parent"), pk=entry_id
    )
    parent = entry.original_parent
    parent_gone = parent is None or is_in_trash(parent)
    form = None
    if parent_gone or "parent" in request.POST:
        form = DestinationForm(request.POST) if request.method == "POST" else DestinationForm()
    error = None
    if request.method == "POST":
        if form is not None:
            parent = form.cleaned_data["parent"] if form.is_valid() else None
        if form is None or parent is not None:
            try:
                restored = restore_page(entry, user=request.user, parent=parent)
            except RestoreRefused as refusal:
                # Parent gone, or a place the page may not go: ask for another one.
                error = str(refusal)
                form = form or DestinationForm()
            else:
                message = _("“%(title)s” is back in its place.")
                if restored.slug_changed:
                    message = _(
                        "“%(title)s” is back; its address was taken meanwhile, so it is now "
                        "“%(slug)s”."
                    )
                messages.success(
                    request, message % {"title": restored.page.title, "slug": restored.page.slug}
                )
                if restored.left_as_drafts:
                    messages.warning(
                        request,
                        _(
                            "These pages no longer pass validation and stay drafts until they "
                            "are corrected: %(titles)s."
                        )
                        % {"titles": ", ".join(f"« {t} »" for t in restored.left_as_drafts)},
                    )
                return redirect("wagtailadmin_explore", restored.page.get_parent().pk)
    return TemplateResponse(
        request,
        "website/trash/restore.html",
        {"entry": entry, "form": form, "error": error, "parent_gone": parent_gone},
        status=400 if error or (form is not None and form.errors) else 200,
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def purge(request, entry_id):
    entry = get_object_or_404(TrashedPage.objects.select_related("page"), pk=entry_id)
    if request.method == "POST":
        title = entry.page.title
        try:
            purge_page(entry, user=request.user)
        except PurgeRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, _("“%(title)s” was deleted for good.") % {"title": title})
        return redirect(trash_url())
    return TemplateResponse(
        request,
        "website/trash/confirm.html",
        {
            "heading": _("Delete “%(title)s” for good?") % {"title": entry.page.title},
            "question": _(
                "The page, its subpages (%(count)d), their revisions and their comments will be "
                "deleted. This cannot be undone."
            )
            % {"count": entry.page_count - 1}
            if entry.page_count > 1
            else _(
                "The page, its revisions and its comments will be deleted. This cannot be undone."
            ),
            "submit": _("Delete for good"),
        },
    )


@coordinators_only
@require_http_methods(["GET", "POST"])
def empty(request):
    entries = TrashedPage.objects.for_listing()
    comments = trashed.trashed_comments()
    if request.method == "POST":
        _count, refusals = purge_pages(entries, user=request.user)
        for comment in comments:
            trashed.purge_comment(comment)
        for refusal in refusals:
            messages.error(request, refusal)
        if not refusals:
            messages.success(request, _("The trash is empty."))
        return redirect(trash_url())
    return TemplateResponse(
        request,
        "website/trash/confirm.html",
        {
            "heading": _("Empty the trash?"),
            "question": _(
                "%(pages)d pages and %(comments)d comments will be deleted for good. This cannot "
                "be undone."
            )
            % {"pages": entries.count(), "comments": comments.count()},
            "submit": _("Empty the trash"),
        },
    )


def _trashed_comment(comment_id):
    return get_object_or_404(trashed.trashed_comments(), pk=comment_id)


@coordinators_only
@require_http_methods(["POST"])
def restore_comment(request, comment_id):
    comment = _trashed_comment(comment_id)
    trashed.restore_comment(comment)
    messages.success(request, _("The comment is back under its post."))
    return redirect(trash_url())


@coordinators_only
@require_http_methods(["GET", "POST"])
def purge_comment(request, comment_id):
    comment = _trashed_comment(comment_id)
    if request.method == "POST":
        trashed.purge_comment(comment)
        messages.success(request, _("The comment's text was deleted for good."))
        return redirect(trash_url())
    return TemplateResponse(
        request,
        "website/trash/confirm.html",
        {
            "heading": _("Delete this comment for good?"),
            "question": _(
                "Its text will be erased; the replies to it stay. This cannot be undone."
            ),
            "submit": _("Delete for good"),
            "comment": comment,
        },
    )
