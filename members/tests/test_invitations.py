import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Invitation, Membership, User
from members.tests.factories import UserFactory


def invite(client, user, **data):
    client.force_login(user)
    return client.post("/membres/inviter/", {"role": "team", **data})


def link_in(message):
    return re.search(r"http://testserver(/membres/invitation/[^/\s]+/)", message.body).group(1)


def test_coordinator_invites_anyone_into_any_structure(client, coordinator, structures):
    response = invite(
        client, coordinator, email="Nouvelle@Exemple.fr", structure=structures["le-haillan"].pk
    )

    assert response.status_code == HTTPStatus.FOUND
    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@exemple.fr"
    assert mail.outbox[-1].to == ["nouvelle@exemple.fr"]
    assert invitation.get_absolute_url() in mail.outbox[-1].body


def test_referent_invites_into_their_own_structure(client, pessac_referent, structures):
    response = invite(
        client, pessac_referent, email="agent@pessac.fr", structure=structures["pessac"].pk
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Invitation.objects.get().structure == structures["pessac"]


def test_referent_cannot_invite_into_another_structure(client, pessac_referent, structures):
    response = invite(
        client, pessac_referent, email="agent@haillan.fr", structure=structures["le-haillan"].pk
    )

    assert response.status_code == HTTPStatus.OK
    assert "choix valide" in response.content.decode()  # Django's French "valid choice" message
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["member", "pessac_team"])
def test_members_without_a_referent_role_cannot_invite(client, db, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)

    assert client.get("/membres/inviter/").status_code == HTTPStatus.FORBIDDEN


def test_an_address_that_has_an_account_is_not_invited(client, coordinator, member):
    response = invite(client, coordinator, email=member.email.upper())

    assert response.status_code == HTTPStatus.OK
    assert not Invitation.objects.exists()


def test_invited_person_signs_up_and_joins_the_team_at_once(client, coordinator, structures):
    invite(
        client,
        coordinator,
        email="agent@pessac.fr",
        structure=structures["pessac"].pk,
        role="staff-referent",
    )
    client.logout()
    url = link_in(mail.outbox[-1])

    assert client.get(url).status_code == HTTPStatus.OK
    response = client.post(
        "/comptes/signup/",
        {
            "email": "agent@pessac.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "Agent",
            "last_name": "Pessac",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="agent@pessac.fr")
    assert user.status == User.Status.APPROVED
    assert Membership.objects.get(user=user).role == Membership.Role.STAFF_REFERENT
    assert Invitation.objects.get().accepted_by == user
    assert client.session["_auth_user_id"] == str(user.pk), "no email round trip needed"


def test_an_invitation_works_once(client, coordinator, structures):
    invitation = Invitation.objects.create(
        email="x@exemple.fr", structure=structures["pessac"], invited_by=coordinator
    )
    first = UserFactory(email="x@exemple.fr")
    client.force_login(first)
    client.post(invitation.get_absolute_url())

    response = client.get(invitation.get_absolute_url())

    assert response.status_code == HTTPStatus.GONE
    assert "déjà été utilisée" in response.content.decode()


def test_an_expired_invitation_is_refused_and_changes_nothing(client, coordinator, structures):
    invitation = Invitation.objects.create(
        email="x@exemple.fr",
        structure=structures["pessac"],
        invited_by=coordinator,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    user = UserFactory(email="x@exemple.fr")
    client.force_login(user)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == HTTPStatus.GONE
    assert "expiré" in response.content.decode()
    user.refresh_from_db()
    assert user.status == User.Status.PENDING and not user.memberships.exists()


def test_an_invitation_is_tied_to_its_email_address(client, coordinator, structures, member):
    invitation = Invitation.objects.create(
        email="x@exemple.fr", structure=structures["pessac"], invited_by=coordinator
    )
    client.force_login(member)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not member.memberships.exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_sign_up_form_is_locked_to_the_invited_address(client, coordinator, structures):
    invitation = Invitation.objects.create(
        email="x@exemple.fr", structure=structures["pessac"], invited_by=coordinator
    )
    client.get(invitation.get_absolute_url())

    client.post(
        "/comptes/signup/",
        {
            "email": "autre@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "A",
            "last_name": "B",
        },
    )

    assert not User.objects.filter(email="autre@exemple.fr").exists()
    assert Invitation.objects.get().accepted_by.email == "x@exemple.fr"


def test_unknown_invitation_token_is_a_404(client, db):
    assert client.get("/membres/invitation/inconnu/").status_code == HTTPStatus.NOT_FOUND
