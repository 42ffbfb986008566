"""What instant emails and digests share: excerpts, authors, and sending to one follower."""

import html

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from core.links import absolute_url
from core.mail import send_templated

from .tokens import unsubscribe_token

EXCERPT_WORDS = 40
# Text fields first, then HTML ones; other values (a StreamField) are skipped: rendering them
# here could query for every page.
EXCERPT_FIELDS = [
    ("summary", False),
    ("search_description", False),
    ("introduction", True),
    ("body_html", True),
    ("body", True),
]


def page_url(page):
    parts = page.get_url_parts()
    return absolute_url(parts[2] if parts else "/")


def plain_text(value, words=EXCERPT_WORDS, is_html=True):
    """``value`` as one line of text (markup removed when ``is_html``), cut to ``words`` words."""
    text = str(value or "")
    if is_html:
        text = html.unescape(strip_tags(text))
    return Truncator(" ".join(text.split())).words(words, truncate=" …")


def page_excerpt(page):
    """The page's summary, else the first words of its text."""
    for name, is_html in EXCERPT_FIELDS:
        value = getattr(page, name, "")
        text = plain_text(value, is_html=is_html) if isinstance(value, str) else ""
        if text:
            return text
    return ""


def page_authors(page):
    """Ids of the people who wrote ``page``: its authors (posts) and its owner."""
    authors = {author.pk for author in page.authors.all()} if hasattr(page, "authors") else set()
    if page.owner_id:
        authors.add(page.owner_id)
    return authors


def send(template, user, follows, context):
    """Queue ``follows/email/<template>`` to ``user``, with their one-click unsubscribe link
    (RFC 8058 headers too) and a link to manage their follows."""
    unsubscribe_url = absolute_url(
        reverse("follows:unsubscribe", args=[unsubscribe_token(user, follows)])
    )
    return send_with_unsubscribe(template, user, unsubscribe_url, {**context, "follows": follows})


def send_with_unsubscribe(template, user, unsubscribe_url, context):
    """Queue ``follows/email/<template>`` to ``user`` with ``unsubscribe_url`` as its one-click
    unsubscribe link (in the text and in the RFC 8058 headers) and a link to manage follows."""
    context = {
        **context,
        "recipient": user,
        "manage_url": absolute_url(reverse("follows:follows")),
        "unsubscribe_url": unsubscribe_url,
    }
    return send_templated(
        f"follows/email/{template}",
        user.email,
        context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
