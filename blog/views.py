"""Comment views: post, reply, edit, delete, flag and hide, all plain forms without JavaScript;
and the members to mention as one types (JSON, for the form's optional autocomplete).

Every refusal is a 403 page with a French message (``403.html``); a form with errors comes
back with the text typed, and nothing is saved.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_comments.models import CommentFlag
from django_comments.views.moderation import perform_delete, perform_flag

from core import page_cache
from core.visibility import can_read
from members.middleware import two_factor_refusal

from .comments import (
    comment_refusal,
    notify_about_comment,
    post_comment,
    rate_limited,
    suggestions_rate_limited,
)
from .forms import CommentForm
from .mentions import render_comment, suggest_members
from .models import BlogComment, BlogPostPage


def refuse(request, message):
    return render(request, "403.html", {"message": message}, status=HTTPStatus.FORBIDDEN)


def get_comment(comment_id):
    """A public comment on a blog post, and its post; 404 for anything else."""
    comment = get_object_or_404(
        BlogComment.objects.published().select_related("user"), pk=comment_id
    )
    post = comment.post
    if not isinstance(post, BlogPostPage):
        raise Http404
    return comment, post


def render_form(request, post, form, *, heading, submit, action, quoted=None, status=200):
    context = {
        "post": post,
        "form": form,
        "heading": heading,
        "submit_label": submit,
        "action": action,
        "quoted": quoted,
    }
    return render(request, "comments/comment_form.html", context, status=status)


def render_confirm(request, post, comment, *, heading, question, submit, danger=False):
    context = {
        "post": post,
        "quoted": comment,
        "heading": heading,
        "question": question,
        "submit_label": submit,
        "danger": danger,
    }
    return render(request, "comments/comment_confirm.html", context)


def post_or_reply(request, post, parent=None):
    heading = _("Reply to a comment") if parent else _("Comment on this post")
    submit = _("Publish my reply") if parent else _("Publish my comment")
    action = request.path
    form = CommentForm(post, data=request.POST)
    if not form.is_valid():
        return render_form(
            request, post, form, heading=heading, submit=submit, action=action, quoted=parent
        )
    if rate_limited(request.user):
        form.add_error(
            None,
            _(
                "You have sent too many comments in a short time: wait a minute, then "
                "send this one again."
            ),
        )
        return render_form(
            request,
            post,
            form,
            heading=heading,
            submit=submit,
            action=action,
            quoted=parent,
            status=HTTPStatus.TOO_MANY_REQUESTS,
        )
    comment = post_comment(request, post, form.cleaned_data["comment"], parent)
    if comment is None:
        return refuse(request, _("This comment was refused."))
    messages.success(request, _("Your comment is published."))
    return redirect(comment.get_absolute_url())


@require_POST
def new_comment(request, post_id):
    post = get_object_or_404(BlogPostPage, pk=post_id)
    refusal = comment_refusal(request, post)
    if refusal:
        return refuse(request, refusal)
    return post_or_reply(request, post)


@require_http_methods(["GET", "POST"])
def reply(request, comment_id):
    parent, post = get_comment(comment_id)
    refusal = comment_refusal(request, post)
    if refusal:
        return refuse(request, refusal)
    if not parent.allow_thread():
        return refuse(request, _("This conversation is as deep as it goes: reply higher up."))
    if request.method == "POST":
        return post_or_reply(request, post, parent)
    return render_form(
        request,
        post,
        CommentForm(post),
        heading=_("Reply to a comment"),
        submit=_("Publish my reply"),
        action=request.path,
        quoted=parent,
    )


def own_comment_refusal(request, comment, post):
    """Why ``request.user`` may not edit or delete ``comment`` as its author, or None."""
    refusal = comment_refusal(request, post)
    if refusal is None and comment.user_id != request.user.pk:
        refusal = _("Only its author can change this comment.")
    if refusal is None and not comment.is_editable:
        refusal = _(
            "A comment can only be changed for %(minutes)s minutes after it is published."
        ) % {"minutes": settings.RAA_COMMENT_EDIT_MINUTES}
    return refusal


@require_http_methods(["GET", "POST"])
def edit(request, comment_id):
    comment, post = get_comment(comment_id)
    refusal = own_comment_refusal(request, comment, post)
    if refusal:
        return refuse(request, refusal)
    data = request.POST if request.method == "POST" else None
    form = CommentForm(post, data=data, initial={"comment": comment.comment})
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["comment"]
        body_html, mentioned = render_comment(text, post)
        _before, mentioned_before = render_comment(comment.comment, post)
        # update(), not save(): saving runs the library's pre_save handler, which would show
        # again the replies a coordinator hid.
        BlogComment.objects.filter(pk=comment.pk).update(
            comment=text, body_html=body_html, edited_at=timezone.now()
        )
        page_cache.invalidate()  # update() sends no signal
        comment.comment = text
        already = {user.pk for user in mentioned_before}
        notify_about_comment(
            comment, mentioned=[user for user in mentioned if user.pk not in already], new=False
        )
        messages.success(request, _("Your comment is updated."))
        return redirect(comment.get_absolute_url())
    return render_form(
        request,
        post,
        form,
        heading=_("Edit my comment"),
        submit=_("Save my comment"),
        action=request.path,
    )


@require_http_methods(["GET", "POST"])
def delete(request, comment_id):
    """Authors delete their comment within the edit window; coordinators any comment."""
    comment, post = get_comment(comment_id)
    user = request.user
    is_coordinator = user.is_authenticated and user.is_coordinator
    if not is_coordinator:
        refusal = own_comment_refusal(request, comment, post)
        if refusal:
            return refuse(request, refusal)
    if is_coordinator and (refusal := two_factor_refusal(request)):
        return refusal
    if request.method == "POST":
        if is_coordinator:
            # Flagged as a moderator deletion; the text stays for the coordinators.
            perform_delete(request, comment)
        else:
            comment.comment = ""
            comment.is_removed = True
            comment.save()
        messages.success(request, _("The comment is deleted."))
        return redirect(comment.get_absolute_url())
    return render_confirm(
        request,
        post,
        comment,
        heading=_("Delete this comment?"),
        question=_("The comment and the replies to it will no longer appear on the site."),
        submit=_("Delete the comment"),
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def hide(request, comment_id):
    comment, post = get_comment(comment_id)
    if not (request.user.is_authenticated and request.user.is_coordinator):
        return refuse(request, _("Only coordinators can hide a comment."))
    if refusal := two_factor_refusal(request):
        return refusal
    if request.method == "POST":
        comment.is_public = False
        comment.save()
        messages.success(
            request,
            _("The comment is hidden. It can be shown again from the administration."),
        )
        return redirect(comment.get_absolute_url())
    return render_confirm(
        request,
        post,
        comment,
        heading=_("Hide this comment?"),
        question=_(
            "The comment and the replies to it will no longer appear on the site; coordinators "
            "can show them again from the administration."
        ),
        submit=_("Hide the comment"),
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def flag(request, comment_id):
    comment, post = get_comment(comment_id)
    refusal = comment_refusal(request, post)
    if refusal:
        return refuse(request, refusal)
    if comment.user_id == request.user.pk:
        return refuse(request, _("You cannot report your own comment."))
    if request.method == "POST":
        already = CommentFlag.objects.filter(
            comment=comment, user=request.user, flag=CommentFlag.SUGGEST_REMOVAL
        ).exists()
        perform_flag(request, comment)
        if already:
            messages.info(request, _("You had already reported this comment."))
        else:
            messages.success(request, _("Thank you: the coordinators will look at this comment."))
        return redirect(comment.get_absolute_url())
    return render_confirm(
        request,
        post,
        comment,
        heading=_("Report this comment?"),
        question=_(
            "Report a comment that breaks the rules of the network (insults, personal data, "
            "advertising...): the coordinators will look at it."
        ),
        submit=_("Report the comment"),
    )


def json_error(message, status):
    return JsonResponse({"error": message, "results": []}, status=status)


@require_GET
def mention_suggestions(request):
    """``{"results": [{"name", "mention", "structure"}]}``: the members whose name matches
    ``q``, for network members only; ``article`` (a post's id) leaves out who may not read it.
    """
    user = request.user
    if not (user.is_authenticated and user.is_network_member):
        return json_error(
            _("Only network members can look for members to mention."), HTTPStatus.FORBIDDEN
        )
    if suggestions_rate_limited(user):
        return json_error(
            _("Too many searches in a short time: wait a minute."), HTTPStatus.TOO_MANY_REQUESTS
        )
    post = None
    article = request.GET.get("article", "")
    if article:
        if not (article.isdigit() and len(article) <= 10):
            return json_error(_("This post does not exist."), HTTPStatus.BAD_REQUEST)
        post = BlogPostPage.objects.live().filter(pk=int(article)).first()
        if post is None or not can_read(post, request):
            return json_error(_("This post does not exist."), HTTPStatus.NOT_FOUND)
    results = suggest_members(request.GET.get("q", ""), user, post)
    response = JsonResponse({"results": results})
    response["Cache-Control"] = "private, no-store"
    return response
