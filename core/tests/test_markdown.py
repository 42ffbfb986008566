"""Markdown that no author can turn against the site (website/markdown.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction

from core.markdown import render_markdown
from members.permissions import members_only_collection
from website.tests.factories import StandardPageFactory

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<form action=https://evil.example><input name=p></form>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">x</a>',
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](javascript&#58;alert(1))",
    "[clic](&#x6A;avascript:alert(1))",
    "[clic](  javascript:alert(1))",
    "[clic](vbscript:msgbox(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '<svg onload="alert(1)"><circle/></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "```html\n<script>alert(1)</script>\n```",
    "<a href='https://ok.example' target=_blank>x</a>",
]
FORBIDDEN_TAGS = {"script", "iframe", "form", "style", "svg", "math", "input", "object", "embed"}


class Elements(HTMLParser):
    """The real elements of some HTML: text that merely looks like markup is not one."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def dangers(html):
    found = []
    for tag, attrs in Elements(html).elements:
        if tag in FORBIDDEN_TAGS:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{tag}[{name}]")
            url = (value or "").strip().lower()
            if name in {"href", "src"} and url.split(":", 1)[0] in {
                "javascript",
                "vbscript",
                "data",
            }:
                found.append(f"{tag}[{name}={value}]")
    return found


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_neutralised(text, db):
    html = render_markdown(text)

    assert dangers(html) == [], html


def test_ordinary_markdown_keeps_its_structure(db):
    html = render_markdown(
        "# Titre\n\nDu **gras**, de l'*italique*, ~~barré~~.\n\n- un\n- deux\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[lien](https://exemple.fr)"
    )

    assert "<h2>Titre</h2>" in html, "the page title is the only h1"
    assert (
        "<strong>gras</strong>" in html and "<em>italique</em>" in html and "<s>barré</s>" in html
    )
    assert "<ul>" in html and "<table>" in html
    assert '<a href="https://exemple.fr" rel="noopener noreferrer nofollow">lien</a>' in html


def test_page_references_link_public_pages_only(home_page):
    public = StandardPageFactory(parent=home_page, title="Publique", slug="publique")
    restricted = StandardPageFactory(parent=home_page, title="Réservée", slug="reservee")
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    draft = StandardPageFactory(parent=home_page, slug="brouillon", live=False)

    html = render_markdown(
        f"[a](page:{public.pk}) [b](page:{restricted.pk}) [c](page:{draft.pk}) "
        "[d](page:999999) [e](page:abc) [f](page:) [g](page:1:grand)"
    )

    assert '<a href="/publique/"' in html
    assert html.count("<a ") == 1
    assert all(word in html for word in ["b", "c", "d", "e", "f", "g"])


def test_document_references_link_public_documents_only(db):
    Document = get_document_model()
    public = Document.objects.create(title="Public", file=ContentFile(b"x", name="public.txt"))
    members = Document.objects.create(
        title="Réservé",
        file=ContentFile(b"x", name="reserve.txt"),
        collection=members_only_collection("Réservé"),
    )

    html = render_markdown(f"[a](doc:{public.pk}) [b](doc:{members.pk}) [c](doc:424242)")

    assert f'href="{public.url}"' in html
    assert html.count("<a ") == 1


def png(width=1600, height=900):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), "green").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="image.png")


def test_images_render_at_allowed_sizes_only(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = get_image_model().objects.create(title="Photo", file=png())

    html = render_markdown(
        f"![moyenne](image:{image.pk}) ![grande](image:{image.pk}:grand) "
        f"![spec](image:{image.pk}:fill-10000x10000) ![autre](image:{image.pk}:enorme) "
        "![externe](https://tracker.example/pixel.png) ![absente](image:999999)"
    )

    assert html.count("<img ") == 2
    assert 'width="800"' in html and 'width="1200"' in html
    assert "tracker.example" not in html
    assert "externe" in html and "absente" in html and "autre" in html


def test_images_from_members_only_collections_are_not_shown(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = get_image_model().objects.create(
        title="Privée", file=png(), collection=members_only_collection("Images réservées")
    )

    assert "<img" not in render_markdown(f"![privée](image:{image.pk})")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# Partie\n\n## Détail", ["h2", "h3"]),
        ("## Partie\n\n### Détail", ["h2", "h3"]),
        ("### Seule", ["h2"]),
        ("## Partie\n\n###### Très bas", ["h2", "h6"]),
    ],
)
def test_headings_start_at_h2_whatever_level_the_author_starts_with(db, text, expected):
    html = render_markdown(text)

    assert re.findall(r"<(h[1-6])>", html) == expected
