"""Under ``make run``: the demo's seminar takes registrations; a member registers and receives
the calendar file; Pessac's referent sees who comes from Pessac; the coordination sees all."""

from http import HTTPStatus

import pytest
from icalendar import Calendar

from members.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.db_sensitive]

SEMINAR = "/agenda/seminaire-participatif-exemple/"


def test_the_demo_seminar_takes_registrations_with_the_calendar_file(
    client, demo_tree, mailoutbox, django_capture_on_commit_callbacks
):
    member = User.objects.get(email="membre@exemple.fr")
    referent = User.objects.get(email="pessac@exemple.fr")
    page = client.get(SEMINAR).content.decode()
    assert "25 places restantes sur 25." in page
    assert "Se connecter pour s'inscrire" in page

    for user in (member, referent):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(SEMINAR + "inscription/", follow=True)
        assert response.status_code == HTTPStatus.OK
        assert "Vous êtes inscrit." in response.content.decode()

    assert [email.to for email in mailoutbox] == [[member.email], [referent.email]]
    ((filename, content, _mimetype),) = mailoutbox[0].attachments
    assert filename == "seminaire-participatif-exemple.ics"
    (vevent,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Séminaire participatif (exemple)"
    team = response.content.decode().split("Inscrits de votre structure")[1]
    assert "Dominique Référent Pessac (Pessac)" in team.split("</ul>")[0]
    assert "Claude Membre" not in response.content.decode()

    client.force_login(User.objects.get(email="coordination@exemple.fr"))
    attendees = client.get(SEMINAR + "inscrits/").content.decode()
    assert "Claude Membre" in attendees and "Dominique Référent Pessac" in attendees
