"""Comment text: Markdown through the site's pipeline, and ``@[Name]`` mentions of members.

A member is mentioned by their name as the site shows it, in square brackets after an @
(``@[Marie Dupont]``). Only approved, active members who may read the post are resolved; an
unknown or ambiguous name stays plain text.
"""

import html
import re

import nh3
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse

from core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from core.visibility import Reader, can_read, page_restrictions

MENTION = re.compile(r"@\[([^\[\]<>\n]{1,100})\](?!\()")
MAX_MENTIONS = 10
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Mentions are not looked for in code, preformatted text or existing links.
NO_MENTION_TAGS = {"code", "pre", "a"}


def _map_text(text_html, replace):
    """``text_html`` with ``replace`` applied to its text outside code, pre and links."""
    parts = TAG.split(text_html)
    skipping = 0
    for index, part in enumerate(parts):
        if index % 2:
            match = TAG_NAME.match(part)
            if match and match.group(1).lower() in NO_MENTION_TAGS:
                skipping += -1 if part.startswith("</") else 1
        elif part and skipping <= 0:
            parts[index] = replace(part)
    return "".join(parts)


def mention_names(rendered):
    """The names mentioned as ``@[Name]`` in rendered HTML, in order, at most MAX_MENTIONS."""
    names = []

    def collect(text):
        for match in MENTION.finditer(text):
            name = " ".join(html.unescape(match.group(1)).split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        return text

    _map_text(rendered, collect)
    return names[:MAX_MENTIONS]


def resolve_mentions(names, post):
    """``{casefolded name: user}`` for the approved active members named, who may read ``post``.

    A name matches the name the site shows (``User.name``), whatever its case; a name shared
    by two members matches nobody.
    """
    if not names or post is None:
        return {}
    condition = Q()
    for name in names:
        condition |= Q(display_name__iexact=name) | Q(full_name__iexact=name)
    candidates = (
        get_user_model()
        .objects.approved()
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(condition)
        .prefetch_related("groups")
    )
    wanted = {name.casefold() for name in names}
    found = {}
    for user in candidates:
        key = " ".join(str(user.name).split()).casefold()
        if key in wanted:
            found.setdefault(key, []).append(user)
    restrictions = page_restrictions()
    return {
        key: users[0]
        for key, users in found.items()
        if len(users) == 1 and can_read(post, Reader(users[0]), restrictions)
    }


def _link_mentions(rendered, users):
    def link(text):
        def replace(match):
            user = users.get(" ".join(html.unescape(match.group(1)).split()).casefold())
            if user is None:
                return match.group(0)
            url = reverse("members:profile", args=[user.pk])
            return f'<a href="{html.escape(url)}">@{html.escape(str(user.name))}</a>'

        return MENTION.sub(replace, text)

    return _map_text(rendered, link)


def render_comment(text, post):
    """Safe HTML for the Markdown ``text`` and the members it mentions: ``(html, [users])``."""
    rendered = render_markdown(text)
    users = resolve_mentions(mention_names(rendered), post)
    if not users:
        return rendered, []
    linked = nh3.clean(
        _link_mentions(rendered, users),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return linked, list(users.values())
