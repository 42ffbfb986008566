"""The permission matrix: each role against each kind of page and document.

Asserted twice: against Wagtail's own permission checks, and with real HTTP requests (the
front-end page or document, and the admin edit view).
"""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import AnonymousUser
from wagtail.models import Page

from members.models import StructureTeam, User

ROLES = ["visitor", "pending", "member", "pessac_team", "pessac_referent", "coordinator"]
KINDS = ["public_page", "members_page", "pessac_page", "haillan_page"]

# role -> kinds it may view / edit / publish
CAN_VIEW = {
    "visitor": {"public_page", "pessac_page", "haillan_page"},
    "pending": {"public_page", "pessac_page", "haillan_page"},
    "member": set(KINDS),
    "pessac_team": set(KINDS),
    "pessac_referent": set(KINDS),
    "coordinator": set(KINDS),
}
CAN_EDIT = {
    "visitor": set(),
    "pending": set(),
    "member": set(),
    "pessac_team": {"pessac_page"},
    "pessac_referent": {"pessac_page"},
    "coordinator": set(KINDS),
}
CAN_PUBLISH = {role: set() for role in ROLES} | {"coordinator": set(KINDS)}
CAN_DOWNLOAD_MEMBERS_DOCUMENT = {"member", "pessac_team", "pessac_referent", "coordinator"}


@pytest.fixture
def people(pending_user, member, pessac_team, pessac_referent, coordinator):
    return {
        "visitor": AnonymousUser(),
        "pending": pending_user,
        "member": member,
        "pessac_team": pessac_team,
        "pessac_referent": pessac_referent,
        "coordinator": coordinator,
    }


@pytest.fixture
def pages(structures, public_page, members_page):
    return {
        "public_page": public_page,
        "members_page": members_page,
        "pessac_page": structures["pessac"],
        "haillan_page": structures["le-haillan"],
    }


def client_for(client, user):
    if user.is_authenticated:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_wagtail_permissions_follow_the_matrix(people, pages, role):
    user = people[role]
    for kind, page in pages.items():
        tester = Page.objects.get(pk=page.pk).permissions_for_user(user)
        assert tester.can_edit() == (kind in CAN_EDIT[role]), f"{role} edit {kind}"
        assert tester.can_publish() == (kind in CAN_PUBLISH[role]), f"{role} publish {kind}"


@pytest.mark.parametrize("role", ROLES)
def test_front_end_views_follow_the_matrix(client, people, pages, role):
    client = client_for(client, people[role])
    for kind, page in pages.items():
        response = client.get(page.url)
        if kind in CAN_VIEW[role]:
            assert response.status_code == HTTPStatus.OK, f"{role} view {kind}"
        elif role == "visitor":
            assert response.status_code == HTTPStatus.FOUND, f"{role} view {kind}"
            assert response["Location"].startswith("/comptes/login/")
        else:  # logged in already: told why, not sent to the login page (which sent back)
            assert response.status_code == HTTPStatus.FORBIDDEN, f"{role} view {kind}"


@pytest.mark.parametrize("role", ROLES)
def test_admin_edit_views_follow_the_matrix(client, people, pages, role):
    client = client_for(client, people[role])
    for kind, page in pages.items():
        response = client.get(f"/admin/pages/{page.pk}/edit/")
        if kind in CAN_EDIT[role]:
            assert response.status_code == HTTPStatus.OK, f"{role} edit {kind}"
        else:
            # Without admin access: the login page; with it but not for this page: the
            # admin's home, with a message.
            sent_to = "/admin/" if role in {"pessac_team", "pessac_referent"} else "/comptes/"
            assert response.status_code == HTTPStatus.FOUND, f"{role} edit {kind}"
            assert response["Location"].startswith(sent_to), f"{role} edit {kind}"


@pytest.mark.parametrize("role", ROLES)
def test_members_only_documents_follow_the_matrix(client, people, members_document, role):
    client = client_for(client, people[role])

    response = client.get(members_document.url)

    if role in CAN_DOWNLOAD_MEMBERS_DOCUMENT:
        assert response.status_code == HTTPStatus.OK
        assert b"".join(response.streaming_content) == b"confidentiel"
    elif role == "visitor":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith("/comptes/login/")
    else:
        assert response.status_code == HTTPStatus.FORBIDDEN


def test_direct_publishing_lets_a_team_publish_its_own_page_only(people, pages):
    team = StructureTeam.objects.get(structure=pages["pessac_page"])
    team.direct_publishing = True
    team.save()

    user = people["pessac_referent"]
    assert Page.objects.get(pk=pages["pessac_page"].pk).permissions_for_user(user).can_publish()
    haillan = Page.objects.get(pk=pages["haillan_page"].pk)
    assert not haillan.permissions_for_user(user).can_publish()

    team.direct_publishing = False
    team.save()
    user = User.objects.get(pk=user.pk)  # Wagtail caches permissions on the user object
    assert not Page.objects.get(pk=pages["pessac_page"].pk).permissions_for_user(user).can_publish()


def test_team_changes_go_through_the_coordinators_workflow(pages, coordinator):
    workflow = pages["pessac_page"].get_workflow()

    assert workflow is not None and workflow.active
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == ["Coordination"]


def test_leaving_a_team_removes_its_rights(people, pages):
    user = people["pessac_team"]
    user.memberships.all().delete()

    tester = Page.objects.get(pk=pages["pessac_page"].pk).permissions_for_user(user)
    assert not tester.can_edit()


def test_a_new_structure_gets_its_team_group_and_collection(structures):
    team = StructureTeam.objects.select_related("group", "collection").get(
        structure=structures["pessac"]
    )

    assert team.group.name == "Équipe : Pessac"
    assert team.collection.name == "Pessac"
    assert team.group.permissions.filter(codename="access_admin").exists()


def test_structure_teams_may_add_posts_under_the_blog(structures, pessac_team):
    from wagtail.models import GroupPagePermission

    blog = Page.objects.get(slug="blog")
    codenames = set(
        GroupPagePermission.objects.filter(page=blog, group__user=pessac_team).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page"}


def test_shared_password_privacy_is_not_offered(db):
    from wagtail.admin.forms.collections import CollectionViewRestrictionForm
    from wagtail.admin.forms.pages import PageViewRestrictionForm

    page_form = PageViewRestrictionForm(private_page_options=["password", "groups", "login"])
    for form in (page_form, CollectionViewRestrictionForm()):
        choices = [value for value, _label in form.fields["restriction_type"].choices]
        assert "password" not in choices
        assert "groups" in choices
