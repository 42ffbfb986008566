"""Coordinators in the admin (issue 9): project teams, accounts without superuser powers (S4),
and two-factor in front of every power over other people (S7)."""

from http import HTTPStatus

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from blog.models import BlogComment
from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from members.models import Invitation, Membership, StructureTeam, User
from members.tests.factories import UserFactory

PASSWORD = "mot-de-passe-de-test"
ACTIVATE_TOTP_URL = "/comptes/2fa/totp/activate/"


def with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def other_coordinator():
    user = UserFactory(status=User.Status.APPROVED, email="autre-coordination@exemple.fr")
    user.groups.add(Group.objects.get(name="Coordination"))
    return user


def in_team_group(user, structure):
    return user.groups.filter(structure_team__structure=structure).exists()


# Project teams: Réseau › Équipes projet


def test_coordinators_see_project_teams_in_the_admin_menu(client, coordinator, structures):
    client.force_login(coordinator)

    html = client.get("/admin/").content.decode()
    listing = client.get(reverse("membership:index"))

    assert reverse("membership:index") in html
    assert listing.status_code == HTTPStatus.OK


def test_coordinators_add_change_and_remove_a_membership(client, coordinator, structures, member):
    haillan = structures["le-haillan"]
    client.force_login(coordinator)

    response = client.post(
        reverse("membership:add"),
        {"user": member.pk, "structure": haillan.pk, "role": Membership.Role.TEAM},
    )

    assert response.status_code == HTTPStatus.FOUND
    membership = Membership.objects.get(user=member)
    assert in_team_group(member, haillan)
    client.post(
        reverse("membership:edit", args=[membership.pk]),
        {"user": member.pk, "structure": haillan.pk, "role": Membership.Role.STAFF_REFERENT},
    )
    membership.refresh_from_db()
    assert membership.role == Membership.Role.STAFF_REFERENT
    response = client.post(reverse("membership:delete", args=[membership.pk]))
    assert response.status_code == HTTPStatus.FOUND
    assert not Membership.objects.exists()
    assert not in_team_group(member, haillan)


def test_a_second_membership_of_the_same_team_is_a_form_error(
    client, coordinator, structures, pessac_team
):
    client.force_login(coordinator)

    response = client.post(
        reverse("membership:add"),
        {"user": pessac_team.pk, "structure": structures["pessac"].pk, "role": "team"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "existe déjà" in response.content.decode()
    assert Membership.objects.count() == 1


@pytest.mark.parametrize("structure", ["abc", "99999999999999999999999", ""])
def test_bad_membership_input_is_a_form_error(client, coordinator, member, structure):
    client.force_login(coordinator)

    response = client.post(
        reverse("membership:add"), {"user": member.pk, "structure": structure, "role": "roi"}
    )

    assert response.status_code == HTTPStatus.OK
    assert not Membership.objects.exists()


def test_team_members_cannot_manage_memberships(client, pessac_referent):
    client.force_login(pessac_referent)

    response = client.get(reverse("membership:index"))

    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert reverse("membership:index") not in client.get("/admin/").content.decode()


# The invitation page, linked from the admin menu and the member area


@pytest.mark.parametrize("who", ["coordinator", "pessac_referent"])
def test_the_invitation_page_is_in_the_admin_menu_of_those_who_invite(client, request, who):
    client.force_login(request.getfixturevalue(who))

    assert reverse("members:invite") in client.get("/admin/").content.decode()


def test_the_invitation_page_is_not_in_the_menu_of_team_members(client, pessac_team):
    client.force_login(pessac_team)

    assert reverse("members:invite") not in client.get("/admin/").content.decode()


def test_referents_find_the_invitation_page_in_the_member_area(client, pessac_referent, member):
    client.force_login(pessac_referent)
    assert reverse("members:invite") in client.get("/membres/moi/").content.decode()

    client.force_login(member)
    assert reverse("members:invite") not in client.get("/membres/moi/").content.decode()


# S4: only a superuser makes a superuser


def test_the_user_forms_offer_coordinators_no_superuser_or_password_fields(
    client, coordinator, member
):
    client.force_login(coordinator)

    for url in [
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_users:edit", args=[member.pk]),
    ]:
        html = client.get(url).content.decode()
        assert 'name="email"' in html
        assert 'name="is_superuser"' not in html
        assert 'name="password1"' not in html


def test_a_tampered_creation_by_a_coordinator_makes_no_superuser(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "pirate@exemple.fr",
            "first_name": "P",
            "last_name": "Irate",
            "is_superuser": "on",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    created = User.objects.get(email="pirate@exemple.fr")
    assert not created.is_superuser
    assert not created.has_usable_password(), "the person sets their own password"


def test_a_tampered_edit_by_a_coordinator_grants_nothing_and_keeps_the_password(
    client, coordinator, member
):
    client.force_login(coordinator)

    client.post(
        reverse("wagtailusers_users:edit", args=[member.pk]),
        {
            "email": member.email,
            "first_name": "Nouveau",
            "last_name": "Nom",
            "is_active": "on",
            "is_superuser": "on",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )

    member.refresh_from_db()
    assert member.first_name == "Nouveau", "the edit itself went through"
    assert not member.is_superuser
    assert member.check_password(PASSWORD)


def test_a_coordinator_cannot_deactivate_or_delete_another_coordinator(client, coordinator):
    other = other_coordinator()
    client.force_login(coordinator)

    client.post(
        reverse("wagtailusers_users:edit", args=[other.pk]),
        # is_active and groups left out: unticked.
        {"email": other.email, "first_name": "A", "last_name": "B"},
    )
    response = client.post(reverse("wagtailusers_users:delete", args=[other.pk]))

    other.refresh_from_db()
    assert other.is_active
    assert other.is_coordinator
    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.FOUND}
    assert User.objects.filter(pk=other.pk).exists()


def test_a_coordinator_cannot_edit_a_superuser(client, coordinator):
    admin = User.objects.create_superuser("admin@exemple.fr", PASSWORD)
    client.force_login(coordinator)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[admin.pk]),
        {"email": "volee@exemple.fr", "first_name": "A", "last_name": "B"},
    )

    assert response.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.FOUND}
    admin.refresh_from_db()
    assert admin.email == "admin@exemple.fr"


def test_a_superuser_still_makes_a_superuser(client, db):
    client.force_login(User.objects.create_superuser("admin@exemple.fr", PASSWORD))

    client.post(
        reverse("wagtailusers_users:add"),
        {
            "email": "second@exemple.fr",
            "first_name": "S",
            "last_name": "Admin",
            "is_superuser": "on",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
        },
    )

    assert User.objects.get(email="second@exemple.fr").is_superuser


# S7: two-factor in front of every power


@pytest.fixture
def two_factor_on(settings):
    settings.RAA_COORDINATOR_MFA_REQUIRED = True


@pytest.mark.parametrize("who", ["coordinator", "pessac_referent"])
def test_inviting_requires_two_factor(client, request, two_factor_on, structures, who):
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        reverse("members:invite"),
        {"email": "x@exemple.fr", "structure": structures["pessac"].pk, "role": "team"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == ACTIVATE_TOTP_URL
    assert not Invitation.objects.exists()


def test_inviting_with_two_factor_works(client, two_factor_on, coordinator):
    client.force_login(with_totp(coordinator))

    response = client.post(reverse("members:invite"), {"email": "x@exemple.fr", "role": "team"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("members:invite")
    assert Invitation.objects.exists()


def test_approving_accounts_requires_two_factor(client, two_factor_on, coordinator, pending_user):
    client.force_login(coordinator)

    response = client.post(reverse("members_admin:decide", args=[pending_user.pk, "approve"]))

    assert response["Location"] == ACTIVATE_TOTP_URL
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.PENDING


@pytest.mark.parametrize("action", ["hide", "delete"])
def test_moderating_comments_requires_two_factor(
    client, two_factor_on, blog, coordinator, member, action
):
    post = BlogPostPageFactory(parent=blog, title="Un article", slug="un-article")
    comment = BlogCommentFactory(post=post, user=member, comment="À modérer.")
    client.force_login(coordinator)

    response = client.post(reverse(f"blog_comments:{action}", args=[comment.pk]))

    assert response["Location"] == ACTIVATE_TOTP_URL
    comment = BlogComment.objects.get(pk=comment.pk)
    assert comment.is_public and not comment.is_removed


@pytest.mark.parametrize(("direct_publishing", "sent"), [(True, True), (False, False)])
def test_editors_who_publish_directly_need_two_factor_for_the_admin(
    client, two_factor_on, structures, pessac_team, direct_publishing, sent
):
    team = StructureTeam.objects.get(structure=structures["pessac"])
    team.direct_publishing = direct_publishing
    team.save()
    client.force_login(pessac_team)

    response = client.get("/admin/")

    assert (response.get("Location") == ACTIVATE_TOTP_URL) is sent
