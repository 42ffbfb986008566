"""The search index holds the words people wrote, never the markup or the HTML entities of
their rendering (raw HTML typed in Markdown shows as text, so it is words too)."""

import pytest

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from knowledge.vocabularies import SectionVisibility

MARKUP_WORDS = ["strong", "lt", "gt", "amp", "em", "quot"]


@pytest.fixture
def written(home_page, pessac, commit):
    pessac.diagnostic = 'Les achats **durables** & *locaux* : coût < 5 % "net".'
    pessac.diagnostic_visibility = SectionVisibility.PUBLIC
    pessac.save_revision().publish()
    blog = BlogIndexPageFactory(parent=home_page)
    post = BlogPostPageFactory(
        parent=blog,
        title="Bilan",
        slug="bilan",
        summary="Résumé.",
        body='Un bilan **encourageant** & _partagé_ : 3 < 4 "enfin".',
    )
    post.save_revision().publish()
    commit()


def results(client, query):
    return client.get("/recherche/", {"q": query}).content.decode()


@pytest.mark.parametrize("word", MARKUP_WORDS)
def test_markup_words_find_nothing(client, written, word):
    html = results(client, word)

    assert "/structures/pessac/" not in html
    assert "/blog/bilan/" not in html


@pytest.mark.parametrize(
    ("word", "url"),
    [
        ("durables", "/structures/pessac/"),
        ("encourageant", "/blog/bilan/"),
        ("partagé", "/blog/bilan/"),
    ],
)
def test_the_written_words_are_found(client, written, word, url):
    assert url in results(client, word)
