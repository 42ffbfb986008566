"""Guards that a deliberate mutation once slipped past: invitations, photos, personal data.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

from datetime import timedelta
from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from members.models import Invitation, Membership, User, accept_invitation
from members.tests.factories import UserFactory
from members.validators import validate_avatar


def image_bytes(image_format, size=(8, 8), mode="RGB"):
    buffer = BytesIO()
    Image.new(mode, size).save(buffer, image_format)
    return buffer.getvalue()


def upload(content, name="photo.png"):
    return SimpleUploadedFile(name, content, content_type="image/png")


def post_profile(client, user, avatar):
    client.force_login(user)
    return client.post(
        "/membres/moi/",
        {
            "first_name": "Camille",
            "last_name": "Roux",
            "profile_visibility": "members",
            "avatar": avatar,
        },
    )


# Invitations


def test_an_invitation_expires_fourteen_days_after_it_is_sent(db):
    before = timezone.now()
    invitation = Invitation.objects.create(email="x@exemple.fr")
    after = timezone.now()

    assert before + timedelta(days=14) <= invitation.expires_at <= after + timedelta(days=14)


def test_accepting_an_invitation_a_second_time_changes_nothing(pessac):
    invitation = Invitation.objects.create(email="x@exemple.fr", structure=pessac, role="team")
    user = UserFactory(email="x@exemple.fr")
    assert accept_invitation(invitation, user) is True
    first_accepted_at = Invitation.objects.get().accepted_at
    Membership.objects.filter(user=user).update(role=Membership.Role.STAFF_REFERENT)

    assert accept_invitation(invitation, user) is False

    assert Invitation.objects.get().accepted_at == first_accepted_at
    assert Membership.objects.get(user=user).role == Membership.Role.STAFF_REFERENT


def test_a_stale_copy_of_a_used_invitation_is_refused(pessac):
    """Two requests loaded the invitation before either accepted it: only one wins."""
    invitation = Invitation.objects.create(email="x@exemple.fr", structure=pessac)
    stale = Invitation.objects.get(pk=invitation.pk)
    user = UserFactory(email="x@exemple.fr")

    assert accept_invitation(invitation, user) is True
    assert accept_invitation(stale, user) is False


def test_an_expired_invitation_is_refused_even_called_directly(pessac):
    invitation = Invitation.objects.create(
        email="x@exemple.fr", structure=pessac, expires_at=timezone.now() - timedelta(seconds=1)
    )
    user = UserFactory(email="x@exemple.fr", status=User.Status.PENDING)

    assert accept_invitation(invitation, user) is False

    user.refresh_from_db()
    assert user.status == User.Status.PENDING
    assert not Membership.objects.exists()


def test_an_invitation_is_refused_to_another_address_even_called_directly(pessac):
    invitation = Invitation.objects.create(email="x@exemple.fr", structure=pessac)
    other = UserFactory(email="y@exemple.fr", status=User.Status.PENDING)

    assert accept_invitation(invitation, other) is False

    other.refresh_from_db()
    assert other.status == User.Status.PENDING
    assert Invitation.objects.get().accepted_at is None


def test_signing_up_with_an_invitation_used_meanwhile_leaves_the_account_pending(client, pessac):
    invitation = Invitation.objects.create(email="x@exemple.fr", structure=pessac)
    client.get(invitation.get_absolute_url())  # the token is now in the session
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())

    response = client.post(
        "/comptes/signup/",
        {
            "email": "x@exemple.fr",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "first_name": "A",
            "last_name": "B",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="x@exemple.fr")
    assert user.status == User.Status.PENDING
    assert not user.memberships.exists()


# Profile photo


def test_a_real_gif_is_refused_as_a_photo_in_french(client, member):
    response = post_profile(client, member, upload(image_bytes("GIF"), "photo.gif"))

    assert response.status_code == HTTPStatus.OK
    assert "La photo doit être une image JPEG, PNG ou WebP." in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_a_photo_over_two_megabytes_is_refused_in_french(client, member):
    # A valid PNG padded past 2 MB (PNG readers ignore what follows the end chunk).
    content = image_bytes("PNG") + b"\0" * (2 * 1024 * 1024)

    response = post_profile(client, member, upload(content))

    assert response.status_code == HTTPStatus.OK
    assert "La photo ne doit pas dépasser 2 Mo." in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_a_photo_of_more_than_sixteen_megapixels_is_refused():
    file = upload(image_bytes("PNG", size=(4001, 4000), mode="1"))

    with pytest.raises(ValidationError) as error:
        validate_avatar(file)

    assert error.value.code == "pixels"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_a_small_jpeg_png_or_webp_photo_passes(image_format):
    validate_avatar(upload(image_bytes(image_format), f"photo.{image_format.lower()}"))


# Account deletion


def test_deleting_an_account_deletes_its_photo_file(
    client, member, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    post_profile(client, member, upload(image_bytes("PNG")))
    member.refresh_from_db()
    photo = tmp_path / member.avatar.name
    assert photo.exists()

    # The file goes once the deletion is committed.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/membres/moi/supprimer/", {"password": "mot-de-passe-de-test", "confirm": "on"}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert not photo.exists()
    assert not User.objects.filter(pk=member.pk).exists()


def test_data_export_holds_the_photo_and_the_invitations_sent(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post_profile(client, member, upload(image_bytes("PNG")))
    Invitation.objects.create(email="invitee@exemple.fr", invited_by=member)

    data = client.get("/membres/moi/donnees/").json()

    assert data["profile"]["avatar"].startswith("/media/avatars/")
    assert [i["email"] for i in data["invitations_sent"]] == ["invitee@exemple.fr"]
    assert data["profile"]["status"] == "approved"
