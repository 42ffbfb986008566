from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from core import site_cache
from knowledge.tests.factories import StructurePageFactory
from members.models import Membership, User
from members.tests.factories import UserFactory


def test_directory_sends_visitors_to_the_login(client, db):
    response = client.get("/membres/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/login/?next=/membres/"


def test_directory_refuses_accounts_awaiting_approval_with_a_french_message(client, pending_user):
    client.force_login(pending_user)

    response = client.get("/membres/")

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Votre compte attend l'approbation" in response.content.decode()


def test_directory_lists_approved_members_only(client, member):
    UserFactory(status=User.Status.APPROVED, first_name="Agnès", last_name="Validée")
    UserFactory(status=User.Status.PENDING, first_name="Paul", last_name="Attente")
    UserFactory(status=User.Status.REFUSED, first_name="Rémi", last_name="Refusé")
    client.force_login(member)

    html = client.get("/membres/").content.decode()

    assert "Agnès Validée" in html
    assert "Paul Attente" not in html and "Rémi Refusé" not in html
    assert member.email not in html, "email addresses stay private"


def test_directory_searches_by_name_and_filters_by_structure(client, member, structures):
    UserFactory(status=User.Status.APPROVED, first_name="Alice", last_name="Durand")
    UserFactory(
        status=User.Status.APPROVED,
        first_name="Bruno",
        last_name="Petit",
        structure=structures["pessac"],
    )
    client.force_login(member)

    by_name = client.get("/membres/", {"q": "durand"}).content.decode()
    by_structure = client.get("/membres/", {"structure": structures["pessac"].pk}).content.decode()

    assert "Alice Durand" in by_name and "Bruno Petit" not in by_name
    assert "Bruno Petit" in by_structure and "Alice Durand" not in by_structure


@pytest.mark.parametrize("params", [{"structure": "999999"}, {"structure": "abc"}, {"page": "x"}])
def test_directory_ignores_bad_filters_with_a_message(client, member, params):
    client.force_login(member)

    response = client.get("/membres/", params)

    assert response.status_code == HTTPStatus.OK


def test_directory_queries_do_not_grow_with_the_number_of_members(client, member, structures):
    client.force_login(member)
    for _ in range(3):
        UserFactory(status=User.Status.APPROVED, structure=structures["pessac"])
    client.get("/membres/")
    with CaptureQueriesContext(connection) as few:
        client.get("/membres/")
    for _ in range(20):
        UserFactory(status=User.Status.APPROVED, structure=structures["le-haillan"])
    with CaptureQueriesContext(connection) as many:
        client.get("/membres/")

    assert len(many) == len(few)


def test_public_profile_is_visible_to_visitors(client, db):
    person = UserFactory(status=User.Status.APPROVED, profile_visibility=User.Visibility.PUBLIC)

    response = client.get(f"/membres/{person.pk}/")

    assert response.status_code == HTTPStatus.OK
    assert person.name in response.content.decode()
    assert person.email not in response.content.decode()


def test_members_only_profile_asks_visitors_to_log_in(client, db):
    person = UserFactory(status=User.Status.APPROVED)

    response = client.get(f"/membres/{person.pk}/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")


def test_profile_of_an_unapproved_account_is_not_shown(client, member, pending_user):
    client.force_login(member)

    assert client.get(f"/membres/{pending_user.pk}/").status_code == HTTPStatus.FORBIDDEN
    assert client.get("/membres/999999/").status_code == HTTPStatus.NOT_FOUND


def test_profile_text_is_escaped(client, member):
    person = UserFactory(
        status=User.Status.APPROVED,
        display_name="<script>alert(1)</script>",
        bio="<img src=x onerror=alert(1)>",
    )
    client.force_login(member)

    html = client.get(f"/membres/{person.pk}/").content.decode()

    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


def png_bytes():
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_member_edits_their_profile_with_a_photo(client, member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(member)

    response = client.post(
        "/membres/moi/",
        {
            "first_name": "Camille",
            "last_name": "Roux",
            "display_name": "",
            "job_title": "Acheteuse",
            "bio": "Bonjour",
            "profile_visibility": "public",
            "avatar": SimpleUploadedFile("photo.png", png_bytes(), content_type="image/png"),
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    member.refresh_from_db()
    assert member.name == "Camille Roux" and member.job_title == "Acheteuse"
    assert member.avatar.name.startswith("avatars/")


@pytest.mark.parametrize(
    ("name", "content"),
    [("photo.png", b"<?php echo 1; ?>"), ("photo.gif", b"GIF89a" + b"\x00" * 20)],
)
def test_a_file_that_is_not_an_accepted_image_is_refused(client, member, name, content):
    client.force_login(member)

    response = client.post(
        "/membres/moi/",
        {
            "first_name": "Camille",
            "last_name": "Roux",
            "profile_visibility": "members",
            "avatar": SimpleUploadedFile(name, content, content_type="image/png"),
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "image" in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_the_structure_filter_offers_a_structure_published_since_the_last_view(
    client, member, structures, settings, monkeypatch
):
    settings.RAA_FRAGMENT_CACHE = True
    monkeypatch.setattr(site_cache, "in_transaction", lambda: False)
    site_cache.forget_all()
    client.force_login(member)
    assert "Mérignac" not in client.get("/membres/").content.decode()

    StructurePageFactory(parent=structures["pessac"].get_parent(), title="Mérignac", slug="m")
    html = client.get("/membres/").content.decode()
    site_cache.forget_all()

    assert ">Mérignac</option>" in html
    assert ">Pessac</option>" in html


def test_the_structure_filter_shows_the_chosen_structure_and_escapes_titles(
    client, member, structures
):
    odd = StructurePageFactory(
        parent=structures["pessac"].get_parent(), title="Tom & <b>Jerry</b>", slug="tj"
    )
    client.force_login(member)

    everyone = client.get("/membres/").content.decode()
    chosen = client.get("/membres/", {"structure": structures["pessac"].pk}).content.decode()

    assert '<option value="" selected>Toutes les structures</option>' in everyone
    assert f'<option value="{odd.pk}">Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;</option>' in everyone
    assert f'<option value="{structures["pessac"].pk}" selected>Pessac</option>' in chosen
    assert '<option value="">Toutes les structures</option>' in chosen
    assert chosen.split('name="structure"')[1].split("</select>")[0].count("selected") == 1


def test_the_structure_filter_offers_only_structures_anyone_may_see(client, member, structures):
    hidden = StructurePageFactory(
        parent=structures["pessac"].get_parent(), title="Réservée", slug="reservee"
    )
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    client.force_login(member)

    html = client.get("/membres/", {"structure": hidden.pk}).content.decode()

    assert ">Réservée</option>" not in html
    assert "Cette structure n'existe pas" in html


def test_a_member_of_a_team_and_attached_to_its_structure_is_listed_once(
    client, member, structures
):
    pessac = structures["pessac"]
    person = UserFactory(
        status=User.Status.APPROVED, first_name="Chloé", last_name="Unique", structure=pessac
    )
    Membership.objects.create(user=person, structure=pessac)
    Membership.objects.create(user=person, structure=structures["le-haillan"])
    Membership.objects.create(
        user=UserFactory(status=User.Status.APPROVED, first_name="Denis", last_name="Équipe"),
        structure=pessac,
    )
    client.force_login(member)

    html = client.get("/membres/", {"structure": pessac.pk}).content.decode()

    assert html.count("Chloé Unique") == 1
    assert "Denis Équipe" in html
    assert "2 membres" in html


def test_directory_queries_do_not_grow_with_the_number_of_structures(client, member, structures):
    client.force_login(member)
    directory = structures["pessac"].get_parent()
    UserFactory(status=User.Status.APPROVED, structure=structures["pessac"])

    def queries(params):
        client.get("/membres/", params)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/membres/", params).status_code == HTTPStatus.OK
        return len(captured)

    few = [queries({}), queries({"structure": structures["pessac"].pk})]
    for number in range(15):
        structure = StructurePageFactory(parent=directory, title=f"Structure {number}")
        Membership.objects.create(
            user=UserFactory(status=User.Status.APPROVED, structure=structure),
            structure=structures["pessac"],
        )
    many = [queries({}), queries({"structure": structures["pessac"].pk})]

    assert many == few
