"""Comment text: Markdown through the site's pipeline, and ``@[Name]`` mentions of members.

A member is mentioned by their name as the site shows it, in square brackets after an @
(``@[Marie Dupont]``), whatever its case and accents (``@[helene martin]`` names Hélène
Martin). Only approved, active members who may read the post are resolved; an unknown or
ambiguous name stays plain text. ``suggest_members`` offers the names matching what a member
is typing (the comment form's autocomplete).
"""

import html
import re
import unicodedata

import nh3
from django.contrib.auth import get_user_model
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse

from core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from core.visibility import Reader, can_read, page_restrictions

MENTION = re.compile(r"@\[([^\[\]<>\n]{1,100})\](?!\()")
MAX_MENTIONS = 10
MENTIONABLE_NAME = re.compile(r"^[^\[\]<>\n]{1,100}$")
MAX_SUGGESTIONS = 8
MAX_QUERY_LENGTH = 50
MAX_QUERY_WORDS = 3
# Members fetched for one suggestion request, before ranking: bounded whatever the network size.
SUGGESTION_CANDIDATES = 40
# The letters a French name may carry accented, both cases: a database may lack an accent-
# insensitive collation (SQLite), and PostgreSQL's ``~*`` folds non-ASCII case by locale only.
ACCENTED = {
    "a": "aàâäáãåAÀÂÄÁÃÅ",
    "c": "cçCÇ",
    "e": "eéèêëEÉÈÊË",
    "i": "iîïíìIÎÏÍÌ",
    "n": "nñNÑ",
    "o": "oôöóòõOÔÖÓÒÕ",
    "u": "uùûüúUÙÛÜÚ",
    "y": "yÿýYŸÝ",
}
TAG = re.compile(r"(<[^>]*>)")
TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# Mentions are not looked for in code, preformatted text or existing links.
NO_MENTION_TAGS = {"code", "pre", "a"}


def fold(text):
    """``text`` compared as people read names: no accents, no case, single spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def name_pattern(text):
    """A regular expression (``__iregex``, SQLite and PostgreSQL alike) matching ``text``
    whatever its accents and case; spaces match any run of spaces."""
    parts = []
    for char in fold(text):
        if char in ACCENTED:
            parts.append(f"[{ACCENTED[char]}]")
        elif char == " ":
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


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
            if name and fold(name) not in {fold(n) for n in names}:
                names.append(name)
        return text

    _map_text(rendered, collect)
    return names[:MAX_MENTIONS]


def members_named(names):
    """``{folded name: [users]}``: the approved active members whose shown name is one of
    ``names``, whatever its case and accents (one query, their groups fetched)."""
    if not names:
        return {}
    condition = Q()
    for name in names:
        pattern = f"^\\s*{name_pattern(name)}\\s*$"
        condition |= Q(display_name__iregex=pattern) | Q(full_name__iregex=pattern)
    candidates = (
        get_user_model()
        .objects.approved()
        .annotate(full_name=Concat("first_name", Value(" "), "last_name"))
        .filter(condition)
        .prefetch_related("groups")
    )
    wanted = {fold(name) for name in names}
    found = {}
    for user in candidates:
        key = fold(user.name)
        if key in wanted:
            found.setdefault(key, []).append(user)
    return found


def resolve_mentions(names, post):
    """``{folded name: user}`` for the approved active members named, who may read ``post``.

    A name matches the name the site shows (``User.name``), whatever its case and accents; a
    name shared by two members matches nobody.
    """
    if not names or post is None:
        return {}
    found = members_named(names)
    restrictions = page_restrictions()
    return {
        key: users[0]
        for key, users in found.items()
        if len(users) == 1 and can_read(post, Reader(users[0]), restrictions)
    }


def _link_mentions(rendered, users):
    def link(text):
        def replace(match):
            user = users.get(fold(html.unescape(match.group(1))))
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


def suggest_members(query, reader, post=None, limit=MAX_SUGGESTIONS):
    """The approved members whose name matches ``query`` (what follows an @), best first, at
    most ``limit``: ``[{"name", "mention", "structure"}]``, never an email address.

    Each word of ``query`` must begin a word of the member's shown, first or last name
    (whatever its case and accents). ``reader`` is left out; with ``post``, so is whoever
    may not read it, and names shared by two members (a mention of them names nobody).
    """
    words = fold(query[:MAX_QUERY_LENGTH]).replace("[", " ").replace("]", " ").split()
    words = words[:MAX_QUERY_WORDS]
    if not words:
        return []
    users = get_user_model().objects.approved().exclude(pk=reader.pk)
    for word in words:
        start = rf"(^|[\s'’-]){name_pattern(word)}"
        users = users.filter(
            Q(display_name__iregex=start) | Q(first_name__iregex=start) | Q(last_name__iregex=start)
        )
    users = users.select_related("structure").prefetch_related("groups")
    users = users.order_by("display_name", "first_name", "last_name", "pk")
    folded = " ".join(words)
    candidates = [
        user
        for user in users[:SUGGESTION_CANDIDATES]
        if MENTIONABLE_NAME.match(str(user.name).strip())
    ]
    if post is not None:
        restrictions = page_restrictions()
        candidates = [u for u in candidates if can_read(post, Reader(u), restrictions)]
    # Names starting with what was typed first, then alphabetical.
    candidates.sort(key=lambda user: (not fold(user.name).startswith(folded), fold(user.name)))
    chosen = candidates[:limit]
    shared = {
        key for key, same in members_named([str(u.name) for u in chosen]).items() if len(same) > 1
    }
    return [
        {
            "name": str(user.name),
            "mention": f"@[{' '.join(str(user.name).split())}]",
            "structure": user.structure.title if user.structure_id else "",
        }
        for user in chosen
        if fold(user.name) not in shared
    ]
