"""The contact page: one email to the coordination; bad input refused in French."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache

from website.models import ContactPage


@pytest.fixture
def contact(home_page):
    page = ContactPage(title="Contact", slug="contact")
    home_page.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


VALID = {
    "name": "Alex Lecteur",
    "email": "alex@exemple.fr",
    "topic": "accessibilite",
    "message": "Le PDF du questionnaire n'est pas lisible avec mon lecteur d'écran.",
    "reference": "",
}


def test_the_contact_form_sends_one_email_to_the_coordination(client, contact, coordinator):
    response = client.post("/contact/", VALID, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "Merci" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [coordinator.email]
    assert message.reply_to == ["alex@exemple.fr"] or message.extra_headers.get("Reply-To") == (
        "alex@exemple.fr"
    )
    assert "Accessibilité" in message.subject
    assert "Alex Lecteur (alex@exemple.fr)" in message.body
    assert "lecteur d'écran" in message.body


def test_the_pages_own_address_replaces_the_coordinators(client, contact, coordinator):
    contact.to_address = "accessibilite@exemple.fr"
    contact.save_revision().publish()

    client.post("/contact/", VALID)

    assert [message.to for message in mail.outbox] == [["accessibilite@exemple.fr"]]


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("email", "pas-une-adresse", "Saisissez une adresse e-mail valide"),
        ("email", "", "Indiquez votre adresse e-mail"),
        ("name", "", "Indiquez votre nom"),
        ("message", "Court", "au moins 10 caractères"),
        ("message", "x" * 5001, "au plus 5000 caractères"),
        ("topic", "inconnu", "Sélectionnez un choix valide."),
        ("message", "Bonjour\x00 la coordination", "Le caractère nul"),
    ],
)
def test_bad_input_is_refused_in_french(client, contact, coordinator, field, value, error):
    response = client.post("/contact/", {**VALID, field: value})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode().replace("&#x27;", "'")
    assert error in html
    assert mail.outbox == []


def test_an_empty_post_is_refused_without_error(client, contact, coordinator):
    response = client.post("/contact/", {})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Indiquez votre nom" in html and "Écrivez votre message" in html
    assert mail.outbox == []


def test_a_robot_filling_the_hidden_field_sends_nothing(client, contact, coordinator):
    response = client.post("/contact/", {**VALID, "reference": "https://spam.example"})

    assert response.status_code == HTTPStatus.FOUND  # the robot learns nothing
    assert mail.outbox == []


def test_the_contact_form_is_rate_limited(client, contact, coordinator, settings):
    settings.RAA_CONTACT_RATE_LIMIT = 2
    for _ in range(2):
        client.post("/contact/", VALID)

    response = client.post("/contact/", VALID)

    assert response.status_code == HTTPStatus.OK
    assert "plusieurs messages en peu de temps" in response.content.decode()
    assert len(mail.outbox) == 2


def test_without_any_coordinator_the_form_says_so(client, contact):
    response = client.post("/contact/", VALID)

    assert response.status_code == HTTPStatus.OK
    assert "ne peut pas recevoir de messages" in response.content.decode()
    assert mail.outbox == []


def test_the_topic_can_be_chosen_by_the_link(client, contact):
    html = client.get("/contact/?sujet=accessibilite").content.decode()

    assert '<option value="accessibilite" selected>' in html


def test_the_footer_links_to_the_contact_page(client, contact):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]

    assert 'href="/contact/"' in footer
