import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.core import mail

from members.models import User


def test_pending_accounts_are_listed_for_coordinators(client, coordinator, pending_user):
    client.force_login(coordinator)

    response = client.get("/admin/inscriptions/")

    assert response.status_code == HTTPStatus.OK
    assert pending_user.email in response.content.decode()


def test_other_people_cannot_open_the_approval_screen(client, member, pessac_referent):
    # A member has no admin access (sent to log in); a referent has, without this right.
    for user, sent_to in [(member, "/comptes/login/?next="), (pessac_referent, "/admin/")]:
        client.force_login(user)
        response = client.get("/admin/inscriptions/")
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"].startswith(sent_to)


def test_coordinator_approves_an_account_and_the_person_is_told(
    client, coordinator, pending_user, members_page
):
    client.force_login(coordinator)

    response = client.post(f"/admin/inscriptions/{pending_user.pk}/approve/")

    assert response.status_code == HTTPStatus.FOUND
    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert mail.outbox[-1].to == [pending_user.email]
    client.force_login(pending_user)
    assert client.get(members_page.url).status_code == HTTPStatus.OK


def test_coordinator_refuses_an_account(client, coordinator, pending_user, members_page):
    client.force_login(coordinator)

    client.post(f"/admin/inscriptions/{pending_user.pk}/refuse/")

    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.REFUSED
    assert mail.outbox[-1].to == [pending_user.email]
    client.force_login(pending_user)
    assert client.get(members_page.url).status_code == HTTPStatus.FORBIDDEN


def test_a_decision_is_taken_once(client, coordinator, pending_user):
    client.force_login(coordinator)
    client.post(f"/admin/inscriptions/{pending_user.pk}/approve/")
    sent = len(mail.outbox)

    client.post(f"/admin/inscriptions/{pending_user.pk}/refuse/")

    pending_user.refresh_from_db()
    assert pending_user.status == User.Status.APPROVED
    assert len(mail.outbox) == sent


def test_approval_needs_a_post(client, coordinator, pending_user):
    client.force_login(coordinator)

    assert (
        client.get(f"/admin/inscriptions/{pending_user.pk}/approve/").status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


def test_coordinators_hear_of_a_verified_sign_up(client, coordinator, db):
    client.post(
        "/comptes/signup/",
        {
            "email": "nouveau@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "Nouveau",
            "last_name": "Venu",
        },
    )
    confirmation = mail.outbox[-1]
    assert confirmation.to == ["nouveau@exemple.fr"]
    key_path = re.search(r"http://testserver(/comptes/confirm-email/\S+/)", confirmation.body)

    client.post(key_path.group(1))

    assert EmailAddress.objects.get(email="nouveau@exemple.fr").verified
    assert mail.outbox[-1].to == [coordinator.email]
    assert "nouveau@exemple.fr" in mail.outbox[-1].body
