"""Who is searching: the subtrees an audience excludes."""

from wagtail.models import PageViewRestriction

from core.visibility import Reader, Restriction
from search.privacy import audience_for


def restricted(path, kind=PageViewRestriction.LOGIN):
    return Restriction(path=path, kind=kind, group_ids=frozenset())


def test_a_visitor_excludes_each_restricted_subtree_once():
    restrictions = [
        restricted(path)
        for path in ("00020003", "0001", "000200030004", "00010002", "0003", "00020004")
    ]
    restrictions.append(restricted("0004", PageViewRestriction.NONE))

    audience = audience_for(Reader(None), restrictions)

    # Subtrees inside an excluded one add nothing; a restriction anyone passes excludes nothing.
    assert audience.excluded_paths == ("0001", "00020003", "00020004", "0003")
    assert not audience.sees_members_only


def test_thousands_of_restrictions_are_reduced_quickly():
    restrictions = [restricted(f"0001{n:04d}") for n in range(3000)]
    restrictions += [restricted(f"0001{n:04d}0001") for n in range(3000)]

    audience = audience_for(Reader(None), restrictions)

    assert len(audience.excluded_paths) == 3000
