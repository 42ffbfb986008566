"""References in Markdown cost a bounded number of queries, and their number is capped."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from core.markdown import MAX_REFERENCES, render_markdown, validate_references
from core.tests.test_markdown import png
from website.tests.factories import StandardPageFactory


def queries(text):
    with CaptureQueriesContext(connection) as captured:
        html = render_markdown(text)
    return len(captured), html


@pytest.fixture
def library(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    pages = [StandardPageFactory(parent=home_page, slug=f"page-{n}") for n in range(30)]
    documents = [
        get_document_model().objects.create(
            title=f"Doc {n}", file=ContentFile(b"x", name=f"doc-{n}.txt")
        )
        for n in range(30)
    ]
    image = get_image_model().objects.create(title="Photo", file=png(400, 200))
    render_markdown(f"![a](image:{image.pk}) ![b](image:{image.pk}:grand)")  # the renditions
    return pages, documents, image


def text_with(pages, documents, image, count):
    parts = []
    for n in range(count):
        parts.append(f"[p{n}](page:{pages[n].pk}) [d{n}](doc:{documents[n].pk})")
        parts.append(f"![i{n}](image:{image.pk}) ![j{n}](image:{image.pk}:grand)")
    return "\n\n".join(parts)


def test_references_cost_the_same_queries_whatever_their_number(library):
    pages, documents, image = library

    queries(text_with(pages, documents, image, 1))  # fills Wagtail's cache of site roots
    few, few_html = queries(text_with(pages, documents, image, 2))
    many, many_html = queries(text_with(pages, documents, image, 30))

    assert many == few
    assert few <= 6
    assert many_html.count("<a ") == 60
    assert many_html.count("<img ") == 60
    assert f'href="{pages[29].url}"' in many_html
    assert f'href="{documents[29].url}"' in many_html


def test_references_beyond_the_cap_stay_text_and_cost_nothing(library):
    pages, documents, image = library
    text = "\n\n".join(f"[lien {n}](page:{pages[n % 30].pk + 100000})" for n in range(2000))
    text += f"\n\n[dernier](page:{pages[0].pk})"

    count, html = queries(text)

    assert count <= 2
    assert "<a " not in html
    assert "lien 1999" in html and "dernier" in html


def test_forms_refuse_too_many_references_in_french(library):
    pages, _documents, _image = library
    text = " ".join(f"[x](page:{pages[0].pk})" for _ in range(MAX_REFERENCES + 1))

    validate_references(" ".join(["[x](page:1)"] * MAX_REFERENCES))
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        validate_references(text)

    assert refused.value.code == "too_many_references"
    assert str(MAX_REFERENCES) in refused.value.messages[0]
