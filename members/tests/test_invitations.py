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


@pytest.mark.parametrize("inviter", ["coordinator", "haillan_referent"])
def test_an_existing_account_is_invited_and_accepts_from_its_account(
    client, request, structures, inviter
):
    """Issue 9, item 3: refused before ("Demandez à la coordination...")."""
    person = UserFactory(email="agent@haillan.fr", status=User.Status.APPROVED)

    response = invite(
        client,
        request.getfixturevalue(inviter),
        email="Agent@Haillan.fr",
        structure=structures["le-haillan"].pk,
        role="staff-referent",
    )

    assert response.status_code == HTTPStatus.FOUND
    message = mail.outbox[-1]
    assert "en tant qu'agent référent du Haillan" in message.body
    assert "connectez-vous" in message.body
    url = link_in(message)
    client.logout()
    page = client.get(url).content.decode()
    assert "/comptes/login/?next=" in page and "/comptes/signup/?email=" not in page
    client.force_login(person)
    assert client.post(url).status_code == HTTPStatus.FOUND
    membership = Membership.objects.get(user=person)
    assert membership.structure == structures["le-haillan"]
    assert membership.role == Membership.Role.STAFF_REFERENT
    assert person.groups.filter(structure_team__structure=structures["le-haillan"]).exists()


def test_the_invitation_page_speaks_correct_french(client, coordinator, structures):
    invitation = Invitation.objects.create(
        email="x@exemple.fr",
        structure=structures["le-haillan"],
        role=Membership.Role.STAFF_REFERENT,
        invited_by=coordinator,
    )

    html = client.get(invitation.get_absolute_url()).content.decode()

    assert "en tant qu&#x27;agent référent du Haillan" in html


def test_a_pending_account_invited_by_a_referent_is_approved(
    client, pessac_referent, structures, pending_user
):
    invite(client, pessac_referent, email=pending_user.email, structure=structures["pessac"].pk)
    client.force_login(pending_user)

    client.post(link_in(mail.outbox[-1]))

    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert pending_user.memberships.get().structure == structures["pessac"]


def test_a_refused_account_comes_back_only_through_a_coordinator(
    client, pessac_referent, coordinator, structures
):
    refused = UserFactory(email="refuse@exemple.fr", status=User.Status.REFUSED)
    by_referent = Invitation.objects.create(
        email=refused.email, structure=structures["pessac"], invited_by=pessac_referent
    )
    client.force_login(refused)

    response = client.post(by_referent.get_absolute_url())

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "coordination" in response.content.decode()
    refused.refresh_from_db()
    assert refused.status == User.Status.REFUSED and not refused.memberships.exists()
    by_referent.delete()
    by_coordinator = Invitation.objects.create(
        email=refused.email, structure=structures["pessac"], invited_by=coordinator
    )
    assert client.post(by_coordinator.get_absolute_url()).status_code == HTTPStatus.FOUND
    refused.refresh_from_db()
    assert refused.status == User.Status.APPROVED


def test_a_second_invitation_to_a_pending_address_is_refused_in_french(
    client, coordinator, pessac_referent, structures
):
    invite(client, pessac_referent, email="agent@pessac.fr", structure=structures["pessac"].pk)

    response = invite(client, coordinator, email="AGENT@pessac.fr")

    assert response.status_code == HTTPStatus.OK
    assert "Une invitation à cette adresse attend déjà" in response.content.decode()
    assert Invitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_expired_or_used_invitation_does_not_block_a_new_one(client, coordinator, structures):
    Invitation.objects.create(
        email="x@exemple.fr", invited_by=coordinator, expires_at=timezone.now()
    )

    response = invite(client, coordinator, email="x@exemple.fr")

    assert response.status_code == HTTPStatus.FOUND
    assert Invitation.objects.count() == 2


def test_invitations_are_rate_limited_per_inviter(
    client, settings, coordinator, pessac_referent, structures
):
    settings.RAA_INVITATION_LIMITS = [(3, 3600)]
    for number in range(3):
        assert invite(client, coordinator, email=f"p{number}@exemple.fr").status_code == 302

    response = invite(client, coordinator, email="p3@exemple.fr")

    assert response.status_code == HTTPStatus.OK
    assert "attendez un peu" in response.content.decode()
    assert not Invitation.objects.filter(email="p3@exemple.fr").exists()
    assert len(mail.outbox) == 3
    # Another inviter is not held back.
    response = invite(
        client, pessac_referent, email="p3@exemple.fr", structure=structures["pessac"].pk
    )
    assert response.status_code == HTTPStatus.FOUND


@pytest.mark.parametrize(
    "data",
    [
        {"email": "pas-une-adresse"},
        {"email": ""},
        {"email": "x@exemple.fr", "role": "roi"},
        {"email": "x@exemple.fr", "structure": "99999999999999999999999"},
        {"email": "x@exemple.fr", "structure": "abc"},
    ],
)
def test_bad_invitation_input_is_a_french_form_error(client, coordinator, data):
    response = invite(client, coordinator, **data)

    assert response.status_code == HTTPStatus.OK
    assert 'class="error"' in response.content.decode()
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
