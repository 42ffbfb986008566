"""``{% follow_form target %}``: the "Follow" control of the blog, a category, a structure,
the lessons learned and the resources."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from members.follows import Follow, kind_of, target_label

register = template.Library()


@register.inclusion_tag("members/includes/follow_form.html", takes_context=True)
def follow_form(context, target):
    """A frequency select and a button for members, a login link for visitors, a short note
    for accounts awaiting approval; nothing for an object that cannot be followed.

    ``target``: the blog index, a ``BlogCategory``, a structure page, the lessons or resources
    index. One query per request for a member (their follows), however many forms the page has.
    """
    kind = kind_of(target)
    if kind is None:
        return {"state": None}
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    target_id = target.pk if kind in (Follow.Kind.CATEGORY, Follow.Kind.STRUCTURE) else None
    here = request.get_full_path() if request else "/"
    data = {
        "kind": kind,
        "target_id": target_id,
        "label": target_label(kind, target),
        "next": here,
        "form_id": f"follow-{kind}-{target_id or 'all'}",
    }
    if user is None or not user.is_authenticated:
        login_url = reverse("account_login") + "?" + urlencode({"next": here})
        return {**data, "state": "visitor", "login_url": login_url}
    if not user.is_network_member:
        return {**data, "state": "pending"}
    current = user_follows(request, user).get((kind, target_id))
    return {
        **data,
        "state": "member",
        "follow": current,
        "choices": Follow.Frequency.choices,
        "selected": current.frequency if current else Follow._meta.get_field("frequency").default,
    }


def user_follows(request, user):
    """``{(kind, target id or None): follow}`` for ``user``, read once per request."""
    cached = getattr(request, "_member_follows", None)
    if cached is None or cached[0] != user.pk:
        follows = {follow.target_key: follow for follow in Follow.objects.filter(user=user)}
        cached = (user.pk, follows)
        if request is not None:
            request._member_follows = cached
    return cached[1]
