"""A blog's visible posts as one audience keeps them (``blog.listing.Visible``): compact arrays
of integers, whose neighbours are those of ``(date, id)`` order."""

from array import array
from datetime import date

from blog.listing import ID_BITS, Visible, dated_key


def visible(*posts):
    """``Visible`` of ``(date, pk)`` posts, listed newest first."""
    newest_first = sorted(posts, reverse=True)
    return Visible(
        listing=array("q", [pk for _, pk in newest_first]),
        dated=array("q", sorted(dated_key(day, pk) for day, pk in posts)),
    )


def test_neighbours_follow_the_date_then_the_id():
    posts = visible((date(2026, 3, 1), 9), (date(2026, 3, 1), 5), (date(2026, 4, 2), 3))

    assert posts.neighbour_id(date(2026, 3, 1), 9, older=True) == 5
    assert posts.neighbour_id(date(2026, 3, 1), 9, older=False) == 3
    assert posts.neighbour_id(date(2026, 3, 1), 5, older=True) is None
    assert posts.neighbour_id(date(2026, 4, 2), 3, older=False) is None
    assert posts.neighbour_id(None, 7, older=True) is None
    assert list(posts.listing) == [3, 9, 5]


def test_the_largest_ids_keep_their_date_order():
    big = (1 << ID_BITS) - 1
    posts = visible((date(2020, 1, 1), big), (date(2020, 1, 2), 1))

    assert posts.neighbour_id(date(2020, 1, 2), 1, older=True) == big
    assert posts.neighbour_id(date(2020, 1, 1), big, older=False) == 1
