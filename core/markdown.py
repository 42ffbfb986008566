"""Markdown that no author can turn against the site.

Used for blog posts and comments (and any other user-written Markdown). The pipeline:

1. markdown-it-py (CommonMark, linear-time parser) with raw HTML disabled: ``<script>`` and
   friends are text, never markup. python-markdown, which wagtail-markdown renders with, has
   inputs of a few hundred characters that take seconds.
2. Wagtail references are resolved while the tokens are walked: ``[texte](page:12)``,
   ``[texte](doc:3)`` and ``![alt](image:7)`` or ``![alt](image:7:grand)``. A reference that is
   malformed, unknown, unpublished or restricted to some readers becomes plain text: the
   rendering happens once, on save, for every reader, so only public targets become links.
   Images are rendered at one of the sizes in ``IMAGE_SIZES`` only.
3. nh3 (Ammonia) cleans the result against an allowlist of tags, attributes and URL schemes:
   no script, style, iframe, form, event handler, ``javascript:`` or ``data:`` URL survives.
   No ``style`` attribute either (table alignment is lost): the site's CSP forbids them.

Call ``render_markdown`` when saving and store its output; templates print the stored HTML.
"""

import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

IMAGE_SIZES = {"petit": "width-400", "moyen": "width-800", "grand": "width-1200"}
DEFAULT_IMAGE_SIZE = "moyen"
REFERENCE = re.compile(r"^(page|doc|image):(\d{1,10})(?::([a-z]+))?$")

# fmt: off
ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
# fmt: on
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _parser():
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return parser.enable(["table", "strikethrough"])


PARSER = _parser()


def _demote_headings(tokens):
    """The page title is the only h1: a text's highest headings become h2 and the others keep
    their distance below them (down to h6), whether the author started with ``#`` or ``##``."""
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    if not levels:
        return
    shift = 2 - min(levels)
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"


def _public_page_url(pk):
    from wagtail.models import Page

    page = Page.objects.live().public().filter(pk=pk).first()
    return page.url if page is not None else None


def _public_document_url(pk):
    from wagtail.documents import get_document_model
    from wagtail.models import CollectionViewRestriction

    document = get_document_model().objects.filter(pk=pk).select_related("collection").first()
    if document is None:
        return None
    restricted = CollectionViewRestriction.objects.filter(
        collection__in=document.collection.get_ancestors(inclusive=True)
    ).exists()
    return None if restricted else document.url


def _public_image(pk, size):
    from wagtail.images import get_image_model
    from wagtail.models import CollectionViewRestriction

    spec = IMAGE_SIZES.get(size or DEFAULT_IMAGE_SIZE)
    image = get_image_model().objects.filter(pk=pk).select_related("collection").first()
    if spec is None or image is None:
        return None
    if CollectionViewRestriction.objects.filter(
        collection__in=image.collection.get_ancestors(inclusive=True)
    ).exists():
        return None
    try:
        return image.get_rendition(spec)
    except Exception:  # noqa: BLE001 - a broken image file must not break the page
        return None


def _resolve_link(href):
    """The URL for a ``page:``/``doc:`` reference; None when it must become text; href if plain."""
    match = REFERENCE.match(href)
    if match is None:
        return None if href.split(":", 1)[0] in {"page", "doc", "image"} else href
    kind, pk, size = match.groups()
    if size is not None:
        return None
    if kind == "page":
        return _public_page_url(int(pk))
    if kind == "doc":
        return _public_document_url(int(pk))
    return None


def _resolve_inline(children):
    """Resolve references inside one inline token list; unresolvable ones become text."""
    resolved = []
    skip_close = 0
    for token in children:
        if token.type == "link_open":
            url = _resolve_link(token.attrGet("href") or "")
            if url is None:
                skip_close += 1
                continue
            token.attrSet("href", url)
        elif token.type == "link_close" and skip_close:
            skip_close -= 1
            continue
        elif token.type == "image":
            token = _resolve_image(token)
        resolved.append(token)
    return resolved


def _resolve_image(token):
    src = token.attrGet("src") or ""
    alt = token.content or ""
    match = REFERENCE.match(src)
    if match is None or match.group(1) != "image":
        # Only images from the site's library: an outside URL would be a third-party request.
        return Token("text", "", 0, content=alt)
    rendition = _public_image(int(match.group(2)), match.group(3))
    if rendition is None:
        return Token("text", "", 0, content=alt)
    token.attrSet("src", rendition.url)
    token.attrSet("width", str(rendition.width))
    token.attrSet("height", str(rendition.height))
    token.attrSet("loading", "lazy")
    return token


def render_markdown(text):
    """Safe HTML for ``text``; see the module docstring. Returns a plain ``str``."""
    tokens = PARSER.parse(text or "")
    _demote_headings(tokens)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _resolve_inline(token.children)
    html = PARSER.renderer.render(tokens, PARSER.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text):
    """The words of Markdown ``text`` without markup: for excerpts, reading time, feeds."""
    html = render_markdown(text)
    return " ".join(nh3.clean(html, tags=set()).split())


def reading_minutes(text, words_per_minute=200):
    return max(1, round(len(plain_text(text).split()) / words_per_minute))
