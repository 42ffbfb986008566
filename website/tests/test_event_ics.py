"""An event's ``.ics`` file whatever its title or place: line breaks typed by an editor."""

from http import HTTPStatus

from icalendar import Calendar

from website.tests.factories import EventIndexPageFactory, EventPageFactory


def test_a_title_and_a_place_with_line_breaks_give_a_valid_calendar(client, home_page):
    agenda = EventIndexPageFactory(parent=home_page)
    EventPageFactory(
        parent=agenda,
        title="Réunion\r\ninter-structures",
        slug="reunion",
        place="Salle du conseil\nPessac",
    )

    for url in ("/agenda/reunion/calendrier/", "/agenda/calendrier/"):
        response = client.get(url)

        assert response.status_code == HTTPStatus.OK, url
        calendar = Calendar.from_ical(response.content)
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["SUMMARY"]) == "Réunion inter-structures"
        assert str(vevent["LOCATION"]) == "Salle du conseil Pessac"
    assert str(calendar["X-WR-CALNAME"]) != ""
    single = Calendar.from_ical(client.get("/agenda/reunion/calendrier/").content)
    assert str(single["X-WR-CALNAME"]) == "Réunion inter-structures"
