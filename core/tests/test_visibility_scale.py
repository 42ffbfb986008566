"""The visibility rule holds with thousands of restricted subtrees: one IN list per path length
rather than one condition per subtree (SQLite refuses an expression deeper than 1,000 terms, as
a network with 1,700 members-only pages showed)."""

import pytest
from wagtail.models import Page, PageViewRestriction

from core.visibility import (
    Reader,
    Restriction,
    bearing_on,
    covered,
    public,
    restricted_only,
    visible_to,
)

pytestmark = pytest.mark.django_db


def many_restrictions(*real_paths, count=3000):
    fake = [f"0009{n:04d}{n % 7:04d}" for n in range(count)]  # subtrees of no page here
    paths = [*fake, *real_paths]
    return [
        Restriction(path=p, kind=PageViewRestriction.LOGIN, group_ids=frozenset()) for p in paths
    ]


def test_thousands_of_restricted_subtrees_make_one_small_query(home_page):
    section = home_page.add_child(instance=Page(title="Réservé", slug="reserve"))
    below = section.add_child(instance=Page(title="Dessous", slug="dessous"))
    other = home_page.add_child(instance=Page(title="Ouvert", slug="ouvert"))
    restrictions = many_restrictions(section.path)
    pages = Page.objects.filter(pk__in=[section.pk, below.pk, other.pk])

    readable = set(visible_to(pages, Reader(None), restrictions).values_list("pk", flat=True))
    anyone = set(public(pages, restrictions=restrictions).values_list("pk", flat=True))
    covered = set(restricted_only(pages, restrictions).values_list("pk", flat=True))

    assert readable == anyone == {other.pk}
    assert covered == {section.pk, below.pk}


def test_a_section_keeps_the_restrictions_above_on_and_below_it_only():
    above, on, below, beside = (
        Restriction(path=path, kind=PageViewRestriction.LOGIN, group_ids=frozenset())
        for path in ["0001", "00010002", "000100020005", "00010003"]
    )

    kept = bearing_on("00010002", [above, on, below, beside])

    assert kept == [above, on, below]


def test_covered_reads_each_ancestor_of_a_path():
    paths = {"00010002"}

    assert covered("00010002", paths)
    assert covered("000100020007", paths)
    assert not covered("00010003", paths)
    assert not covered("0001", paths)
