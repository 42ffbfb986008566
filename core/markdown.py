"""Markdown that no author can turn against the site.

Used for blog posts and comments (and any other user-written Markdown). The pipeline:

1. markdown-it-py (CommonMark, linear-time parser) with raw HTML disabled: ``<script>`` and
   friends are text, never markup. python-markdown, which wagtail-markdown renders with, has
   inputs of a few hundred characters that take seconds.
2. Wagtail references are resolved together, in one query per kind (``References``):
   ``[texte](page:12)``, ``[texte](doc:3)`` and ``![alt](image:7)`` or
   ``![alt](image:7:grand)``; forms refuse more than ``MAX_REFERENCES`` of them. A reference
   that is malformed, unknown, unpublished or restricted to some readers becomes plain text: the
   rendering happens once, on save, for every reader, so only public targets become links.
   Images are rendered at one of the sizes in ``IMAGE_SIZES`` only.
3. nh3 (Ammonia) cleans the result against an allowlist of tags, attributes and URL schemes:
   no script, style, iframe, form, event handler, ``javascript:`` or ``data:`` URL survives.
   No ``style`` attribute either (table alignment is lost): the site's CSP forbids them.

Call ``render_markdown`` when saving and store its output; templates print the stored HTML.
"""

import html
import re

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

IMAGE_SIZES = {"petit": "width-400", "moyen": "width-800", "grand": "width-1200"}
DEFAULT_IMAGE_SIZE = "moyen"
REFERENCE = re.compile(r"^(page|doc|image):(\d{1,10})(?::([a-z]+))?$")
# References resolved in one text: beyond, they stay text (and forms refuse the text).
MAX_REFERENCES = 200

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


class References:
    """The ``page:``, ``doc:`` and ``image:`` references of one text, resolved together: one
    query per kind (plus the collections' restrictions and the images' renditions), whatever
    their number. Only the first ``MAX_REFERENCES`` are looked up; the others become text."""

    def __init__(self, tokens):
        wanted = {"page": set(), "doc": set(), "image": set()}
        self.sizes = set()
        for href in _reference_targets(tokens)[:MAX_REFERENCES]:
            kind, pk, size = REFERENCE.match(href).groups()
            wanted[kind].add(int(pk))
            if kind == "image":
                self.sizes.add(IMAGE_SIZES.get(size or DEFAULT_IMAGE_SIZE))
        self.allowed = {(kind, pk) for kind, pks in wanted.items() for pk in pks}
        self.pages = self._pages(wanted["page"])
        restrictions = None
        if wanted["doc"] or wanted["image"]:
            from .visibility import collection_restrictions

            restrictions = collection_restrictions()
        self.documents = self._documents(wanted["doc"], restrictions)
        self.images = self._images(wanted["image"], restrictions)

    @staticmethod
    def _pages(pks):
        from wagtail.models import Page

        if not pks:
            return {}
        return {page.pk: page.url for page in Page.objects.live().public().filter(pk__in=pks)}

    @staticmethod
    def _public(queryset, pks, restrictions):
        from .visibility import is_public_collection

        if not pks:
            return {}
        items = queryset.filter(pk__in=pks).select_related("collection")
        return {
            item.pk: item for item in items if is_public_collection(item.collection, restrictions)
        }

    def _documents(self, pks, restrictions):
        from wagtail.documents import get_document_model

        documents = self._public(get_document_model().objects.all(), pks, restrictions)
        return {pk: document.url for pk, document in documents.items()}

    def _images(self, pks, restrictions):
        from wagtail.images import get_image_model

        specs = sorted(spec for spec in self.sizes if spec)
        queryset = get_image_model().objects.prefetch_renditions(*specs)
        return self._public(queryset, pks, restrictions)

    def link(self, kind, pk):
        if (kind, pk) not in self.allowed:
            return None
        return (self.pages if kind == "page" else self.documents).get(pk)

    def rendition(self, pk, size):
        spec = IMAGE_SIZES.get(size or DEFAULT_IMAGE_SIZE)
        image = self.images.get(pk) if ("image", pk) in self.allowed else None
        if spec is None or image is None:
            return None
        try:
            return image.get_rendition(spec)
        except Exception:  # noqa: BLE001 - a broken image file must not break the page
            return None


def _reference_targets(tokens):
    """The well-formed references of ``tokens``, in reading order."""
    targets = []
    for token in tokens:
        for child in token.children or ():
            target = child.attrGet("href") if child.type == "link_open" else None
            if child.type == "image":
                target = child.attrGet("src")
            if target and REFERENCE.match(target):
                targets.append(target)
    return targets


def count_references(text):
    """How many ``page:``, ``doc:`` and ``image:`` references ``text`` holds."""
    return len(_reference_targets(PARSER.parse(text or "")))


def validate_references(text):
    """Refuse a text with more references than ``MAX_REFERENCES`` (a French message)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    count = count_references(text)
    if count > MAX_REFERENCES:
        raise ValidationError(
            gettext(
                "This text refers to %(count)d pages, documents or images: %(limit)d at most. "
                "Link the others from a page or a list of resources."
            )
            % {"count": count, "limit": MAX_REFERENCES},
            code="too_many_references",
        )


def _resolve_link(href, references):
    """The URL for a ``page:``/``doc:`` reference; None when it must become text; href if plain."""
    match = REFERENCE.match(href)
    if match is None:
        return None if href.split(":", 1)[0] in {"page", "doc", "image"} else href
    kind, pk, size = match.groups()
    if size is not None or references is None:
        return None
    return references.link(kind, int(pk))


def _resolve_inline(children, references):
    """Resolve references inside one inline token list; unresolvable ones become text."""
    resolved = []
    skip_close = 0
    for token in children:
        if token.type == "link_open":
            url = _resolve_link(token.attrGet("href") or "", references)
            if url is None:
                skip_close += 1
                continue
            token.attrSet("href", url)
        elif token.type == "link_close" and skip_close:
            skip_close -= 1
            continue
        elif token.type == "image":
            token = _resolve_image(token, references)
        resolved.append(token)
    return resolved


def _resolve_image(token, references):
    src = token.attrGet("src") or ""
    alt = token.content or ""
    match = REFERENCE.match(src)
    if match is None or match.group(1) != "image" or references is None:
        # Only images from the site's library: an outside URL would be a third-party request.
        return Token("text", "", 0, content=alt)
    rendition = references.rendition(int(match.group(2)), match.group(3))
    if rendition is None:
        return Token("text", "", 0, content=alt)
    token.attrSet("src", rendition.url)
    token.attrSet("width", str(rendition.width))
    token.attrSet("height", str(rendition.height))
    token.attrSet("loading", "lazy")
    return token


def render_markdown(text, resolve=True):
    """Safe HTML for ``text``; see the module docstring. Returns a plain ``str``.

    ``resolve=False`` looks nothing up: references become their text (for word counts)."""
    tokens = PARSER.parse(text or "")
    _demote_headings(tokens)
    references = References(tokens) if resolve else None
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _resolve_inline(token.children, references)
    rendered = PARSER.renderer.render(tokens, PARSER.options, {})
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def plain_text(text):
    """The words of Markdown ``text`` without markup: for excerpts, reading time, feeds.
    References are not looked up: their link text or image description stays."""
    rendered = render_markdown(text, resolve=False)
    # nh3 returns HTML: without its tags, "a < b" is still "a &lt; b" until unescaped.
    return " ".join(html.unescape(nh3.clean(rendered, tags=set())).split())


def reading_minutes(text, words_per_minute=200):
    return max(1, round(len(plain_text(text).split()) / words_per_minute))
