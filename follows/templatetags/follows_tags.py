"""``{% follow_form target %}``: the "Follow" control of anything registered as followable
(the blog, a category, a structure, the lessons, the resources...)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from core.followables import registry
from follows.models import Follow

register = template.Library()


@register.inclusion_tag("follows/includes/follow_form.html", takes_context=True)
def follow_form(context, target):
    """A frequency select and a button for members, a login link for visitors, a short note
    for accounts awaiting approval; nothing for an object that cannot be followed.

    One query per request for a member (their follows), however many forms the page has.
    """
    followable = registry.of(target)
    if followable is None:
        return {"state": None}
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    target_id = None if followable.section else target.pk
    here = request.get_full_path() if request else "/"
    data = {
        "kind": followable.kind,
        "target_id": target_id,
        "label": followable.describe(None if followable.section else target),
        "next": here,
        "form_id": f"follow-{followable.kind}-{target_id or 'all'}",
    }
    if user is None or not user.is_authenticated:
        login_url = reverse("account_login") + "?" + urlencode({"next": here})
        return {**data, "state": "visitor", "login_url": login_url}
    if not user.is_network_member:
        return {**data, "state": "pending"}
    current = user_follows(request, user).get((followable.kind, target_id))
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
