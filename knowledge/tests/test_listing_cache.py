"""The lessons' and resources' filters, counts and entries kept between requests
(knowledge.listing_cache): per reader's rights, never shown to someone with fewer rights, and
recomputed on the first view after a change.

The cache is on here (off for the other tests); emptied around each test. Tests run inside a
transaction, where nothing is kept: they let the cache believe it is not.
"""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.tests.test_lessons import known, make_lesson  # noqa: F401 (fixture)
from knowledge.tests.test_resources import catalogue, library, make_resource  # noqa: F401

pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py


def lesson_count(client, slug, url="/enseignements/"):
    """The count shown beside the theme ``slug`` in the rendered facets."""
    html = client.get(url).content.decode()
    found = re.search(rf'value="{slug}" id="facet-theme-\d+">.*?\((\d+)<', html, re.S)
    return int(found.group(1))


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.mark.parametrize("url", ["/enseignements/", "/enseignements/?dimension=social"])
def test_lesson_counts_are_kept_per_audience(client, member, known, url):  # noqa: F811
    first = queries(client, url)
    assert queries(client, url) < first  # kept
    visitor = lesson_count(client, "sourcing", url)
    client.force_login(member)
    # The members-only lesson counts for the member, though the visitor's counts are kept.
    assert lesson_count(client, "sourcing", url) == visitor + (0 if "social" in url else 1)
    client.logout()
    assert lesson_count(client, "sourcing", url) == visitor


def test_lesson_counts_follow_a_new_lesson(client, lessons, known):  # noqa: F811
    assert lesson_count(client, "sourcing") == 2
    make_lesson(lessons, "frein", themes=["sourcing"])
    assert lesson_count(client, "sourcing") == 3


def test_members_only_lessons_are_never_shown_from_the_members_cache(client, member, known):  # noqa: F811
    client.force_login(member)
    assert known["d"].title in unescape(
        client.get("/enseignements/?theme=sourcing").content.decode()
    )
    client.logout()
    html = client.get("/enseignements/?theme=sourcing").content.decode()
    assert known["d"].title not in unescape(html)
    assert known["a"].title in unescape(html)


def resource_html(client, url="/ressources/"):
    return unescape(client.get(url).content.decode())


def test_resource_filters_are_kept_per_audience(client, member, catalogue):  # noqa: F811
    first = queries(client, "/ressources/")
    assert queries(client, "/ressources/") < first  # kept
    assert "Énergie (2)" in resource_html(client)
    client.force_login(member)
    html = resource_html(client)
    assert "Énergie (3)" in html
    assert "Reserve d" in html
    client.logout()
    html = resource_html(client)
    assert "Énergie (2)" in html
    assert "Reserve d" not in html


def test_resource_counts_follow_a_new_resource(client, library, catalogue):  # noqa: F811
    assert "Énergie (1)" in resource_html(client, "/ressources/?type=guide-entretien")
    assert "Énergie (1)" in resource_html(client, "/ressources/?type=guide-entretien")
    make_resource(library, "guide-e", kind="guide-entretien", themes=[catalogue["energy"]])
    html = resource_html(client, "/ressources/?type=guide-entretien")
    assert "Énergie (2)" in html
    assert "Guide e" in html


def html_and_sql(client, url):
    """The page and the SQL it ran (read through a wrapper: ``connection.queries`` is emptied
    by each request, which a ``CaptureQueriesContext`` around a request can miscount)."""
    ran = []

    def record(execute, sql, params, many, context):
        ran.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        html = resource_html(client, url)
    return html, ran


def test_a_kept_page_of_resources_is_not_read_again_and_each_page_is_its_own(
    client,
    member,
    library,  # noqa: F811
):
    for number in range(14):
        make_resource(library, f"r-{number:02d}")
    client.force_login(member)
    first, rendered = html_and_sql(client, "/ressources/?page=1")
    again, kept = html_and_sql(client, "/ressources/?page=1")
    second = resource_html(client, "/ressources/?page=2")

    assert any("knowledge_resourcepage" in sql for sql in rendered)  # the first view reads...
    assert not any("knowledge_resourcepage" in sql for sql in kept)  # ...the next ones do not
    cards = re.compile(r'class="card__title"><a href="[^"]+">([^<]+)</a>')
    assert cards.findall(again) == cards.findall(first)
    assert set(cards.findall(second)).isdisjoint(cards.findall(first))
    assert cards.findall(second)


def test_a_kept_page_of_lessons_is_not_read_again(client, member, known):  # noqa: F811
    client.force_login(member)
    first, rendered = html_and_sql(client, "/enseignements/?theme=sourcing")
    again, kept = html_and_sql(client, "/enseignements/?theme=sourcing")

    assert any("knowledge_lessonpage" in sql for sql in rendered)
    assert not any("knowledge_lessonpage" in sql for sql in kept)
    cards = re.compile(r'class="card__title"><a href="[^"]+">([^<]+)</a>')
    assert cards.findall(again) == cards.findall(first)
    assert cards.findall(first)
