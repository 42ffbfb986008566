"""Who may read what (``core.visibility``), rule by rule, with the kinds of restriction the
rest of the suite does not build (logged-in users, one group, shared password).

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from core.visibility import Reader, can_read, unreadable_collection_ids, visible_to
from members.models import User
from members.tests.factories import UserFactory
from website.models import StandardPage
from website.tests.factories import StandardPageFactory


def restrict(page, kind, groups=()):
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind)
    restriction.groups.set(groups)
    return page


@pytest.fixture
def team():
    return Group.objects.create(name="Équipe : Pessac")


@pytest.fixture
def pages(home_page, team):
    """One public page and one under each kind of restriction, each with a child page."""
    public = StandardPageFactory(parent=home_page, title="Publique")
    login = restrict(
        StandardPageFactory(parent=home_page, title="Connectés"), PageViewRestriction.LOGIN
    )
    group = restrict(
        StandardPageFactory(parent=home_page, title="Équipe"), PageViewRestriction.GROUPS, [team]
    )
    password = StandardPageFactory(parent=home_page, title="Mot de passe")
    PageViewRestriction.objects.create(
        page=password, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for parent in [login, group, password]:
        StandardPageFactory(parent=parent, title=f"Sous-page {parent.title}")
    return {"public": public, "login": login, "group": group, "password": password}


def titles(who):
    return set(visible_to(StandardPage.objects.all(), who).values_list("title", flat=True))


def test_visitors_read_public_pages_only(pages):
    assert titles(AnonymousUser()) == {"Publique"}


def test_a_logged_in_restriction_keeps_out_accounts_awaiting_approval(pages):
    pending = UserFactory(status=User.Status.PENDING)

    assert titles(pending) == {"Publique"}
    assert not can_read(pages["login"], pending)


def test_a_logged_in_restriction_lets_network_members_in_with_the_subtree(pages, member):
    assert titles(member) == {"Publique", "Connectés", "Sous-page Connectés"}
    assert can_read(pages["login"], member)


def test_a_group_restriction_lets_in_that_groups_members_only(pages, member, team):
    in_team = UserFactory(status=User.Status.APPROVED)
    in_team.groups.add(team)

    assert "Équipe" not in titles(member)
    assert titles(in_team) >= {"Équipe", "Sous-page Équipe"}
    assert can_read(pages["group"], in_team)
    assert not can_read(pages["group"], member)


def test_superusers_pass_group_restrictions_but_not_shared_passwords(pages):
    superuser = UserFactory(status=User.Status.APPROVED, is_superuser=True)

    assert titles(superuser) == {
        "Publique",
        "Connectés",
        "Sous-page Connectés",
        "Équipe",
        "Sous-page Équipe",
    }
    assert not can_read(pages["password"], superuser)


def test_an_inactive_account_reads_like_a_visitor(pages, team):
    inactive = UserFactory(status=User.Status.APPROVED, is_active=False, is_superuser=True)
    inactive.groups.add(team)

    assert titles(inactive) == {"Publique"}


def test_a_child_page_is_unreadable_when_an_ancestor_is(pages, member):
    child = pages["group"].get_children().get()

    assert not can_read(child, member)
    assert not can_read(child, Reader(None))


def test_members_only_collections_are_closed_to_visitors_and_pending_accounts(db, member):
    root = Collection.get_first_root_node()
    closed = root.add_child(name="Réservé")
    inside = closed.add_child(name="Réservé, sous-dossier")
    root.add_child(name="Ouvert")
    CollectionViewRestriction.objects.create(
        collection=closed, restriction_type=CollectionViewRestriction.LOGIN
    )
    pending = UserFactory(status=User.Status.PENDING)

    assert unreadable_collection_ids(AnonymousUser()) == {closed.pk, inside.pk}
    assert unreadable_collection_ids(pending) == {closed.pk, inside.pk}
    assert unreadable_collection_ids(member) == set()
