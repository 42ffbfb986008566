import datetime
import json
import re
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from core import page_cache
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import User
from members.permissions import restrict_to_members
from website.models import EventPage
from website.tests.factories import EventIndexPageFactory, EventPageFactory

PARIS = datetime.timezone(datetime.timedelta(hours=1))  # Paris in November and December
UTC = datetime.UTC
FEED_URL = "/agenda/calendrier/"


@pytest.fixture
def agenda(home_page):
    return EventIndexPageFactory(parent=home_page)


@pytest.fixture
def member(db):
    return User.objects.create_user("membre@exemple.fr", "mot-de-passe", status="approved")


def days_from_now(days, hours=0):
    return timezone.now() + datetime.timedelta(days=days, hours=hours)


def french(message):
    with translation.override("fr"):
        return gettext(message)


def queries_for(client, url):
    """Queries of a warm request (the first one fills per-process caches: site, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def event_titles(html):
    return re.findall(r'class="event__title"><a href="[^"]+">([^<]+)</a>', html)


def read_calendar(response):
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


# The agenda page


def test_agenda_lists_upcoming_events_soonest_first_then_past_events_latest_first(client, agenda):
    EventPageFactory(parent=agenda, title="Bilan à venir", start=days_from_now(20))
    EventPageFactory(parent=agenda, title="Ancienne réunion", start=days_from_now(-60))
    EventPageFactory(parent=agenda, title="Séminaire à venir", start=days_from_now(3))
    EventPageFactory(parent=agenda, title="Réunion récente", start=days_from_now(-5))
    EventPageFactory(
        parent=agenda,
        title="Journée en cours",
        start=days_from_now(-1),
        end=days_from_now(1),
    )

    html = client.get("/agenda/").content.decode()

    upcoming, past = html.split(french("Past events"))
    assert french("Upcoming events") in upcoming
    order = ["Journée en cours", "Séminaire à venir", "Bilan à venir"]
    assert sorted(order, key=upcoming.index) == order
    assert "Réunion récente" not in upcoming and "Ancienne réunion" not in upcoming
    assert past.index("Réunion récente") < past.index("Ancienne réunion")


def test_an_event_without_end_is_past_once_it_has_started(client, agenda):
    EventPageFactory(parent=agenda, title="Réunion commencée", start=days_from_now(0, -1), end=None)

    html = client.get("/agenda/").content.decode()

    assert html.index(french("Past events")) < html.index("Réunion commencée")


def test_past_events_are_archived_on_further_pages(client, agenda):
    EventPageFactory(parent=agenda, title="Prochaine réunion", start=days_from_now(2))
    for number in range(12):
        EventPageFactory(
            parent=agenda, title=f"Archive {number:02d}", start=days_from_now(-10 - number)
        )

    first = client.get("/agenda/").content.decode()
    second = client.get("/agenda/?page=2").content.decode()

    assert "Prochaine réunion" in first and "Archive 00" in first
    assert "Archive 09" not in first and 'rel="next"' in first
    assert "Prochaine réunion" not in second
    assert "Archive 09" in second and "Archive 11" in second
    assert french("Past events") in second and french("Upcoming events") not in second


def test_agenda_without_events_says_so(client, agenda):
    html = client.get("/agenda/").content.decode()

    assert french("No event is scheduled yet.") in html


def test_draft_events_are_not_listed(client, agenda):
    EventPageFactory(parent=agenda, title="Réunion en préparation", live=False)

    assert "Réunion en préparation" not in client.get("/agenda/").content.decode()


def test_listing_shows_dates_in_french_place_online_link_and_structures(client, agenda):
    directory = StructureIndexPageFactory(parent=agenda.get_parent())
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    hidden = StructurePageFactory(parent=directory, title="Structure réservée")
    restrict_to_members(hidden)
    EventPageFactory(
        parent=agenda,
        title="Journée régionale RAA",
        start=datetime.datetime(2009, 11, 17, 9, 30, tzinfo=PARIS),
        end=datetime.datetime(2009, 11, 17, 17, 0, tzinfo=PARIS),
        place="Hôtel de Région, Bordeaux",
        structures=[pessac, hidden],
    )
    EventPageFactory(
        parent=agenda,
        title="Réunion à distance",
        start=days_from_now(4),
        place="",
        online_url="https://visio.exemple.fr/raa",
    )

    html = client.get("/agenda/").content.decode()

    assert "Mardi 17 novembre 2009" in html
    assert "09:30" in html and "17:00" in html
    assert '<time datetime="2009-11-17T09:30:00+01:00">' in html
    assert "Hôtel de Région, Bordeaux" in html
    assert f'<a href="https://visio.exemple.fr/raa">{french("Online")}' in html
    assert '<a href="/structures/pessac/">Pessac</a>' in html
    assert "Structure réservée" not in html


def test_an_event_over_several_days_shows_both_days(client, agenda):
    EventPageFactory(
        parent=agenda,
        title="Séminaire de deux jours",
        start=datetime.datetime(2009, 12, 17, 9, 0, tzinfo=PARIS),
        end=datetime.datetime(2009, 12, 18, 12, 0, tzinfo=PARIS),
    )

    html = client.get("/agenda/").content.decode()

    assert "jeudi 17 décembre 2009" in html and "vendredi 18 décembre 2009" in html


def test_agenda_renders_in_french_without_inline_script_or_style(client, agenda):
    EventPageFactory(parent=agenda, start=datetime.datetime(2009, 11, 17, 9, 30, tzinfo=PARIS))
    EventPageFactory(parent=agenda, online_url="https://visio.exemple.fr/raa")

    response = client.get("/agenda/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "novembre" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html


def test_agenda_links_its_icalendar_feed(client, agenda):
    html = client.get("/agenda/").content.decode()

    assert (
        f'<link rel="alternate" type="text/calendar" title="{french("RAA network agenda")}' in html
    )
    assert f'href="{FEED_URL}"' in html
    assert f'<a href="{FEED_URL}">{french("Subscribe to the agenda (iCalendar)")}</a>' in html


@pytest.mark.parametrize(
    "query", ["?page=abc", "?page=-1", "?page=99999", "?page=2", "?page=%C2%B2", "?page=007"]
)
def test_odd_page_numbers_never_break_the_agenda(client, agenda, query):
    EventPageFactory(parent=agenda)

    assert client.get("/agenda/" + query).status_code == HTTPStatus.OK


# Members-only events


def test_members_only_event_is_hidden_from_visitors_and_shown_to_members(client, agenda, member):
    EventPageFactory(parent=agenda, title="Réunion publique")
    restrict_to_members(EventPageFactory(parent=agenda, title="Réunion réservée"))

    visitor_html = client.get("/agenda/").content.decode()
    client.force_login(member)
    member_html = client.get("/agenda/").content.decode()

    assert "Réunion publique" in visitor_html and "Réunion réservée" not in visitor_html
    assert "Réunion réservée" in member_html


def test_members_only_event_page_sends_visitors_to_the_login(client, agenda, member):
    event = EventPageFactory(parent=agenda, slug="reunion-reservee")
    restrict_to_members(event)

    response = client.get("/agenda/reunion-reservee/")
    client.force_login(member)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")
    assert client.get("/agenda/reunion-reservee/").status_code == HTTPStatus.OK


# Validation


def test_end_before_start_is_refused_with_a_french_message():
    event = EventPage(
        title="Réunion mal datée",
        slug="reunion-mal-datee",
        start=datetime.datetime(2009, 12, 17, 14, 0, tzinfo=PARIS),
        end=datetime.datetime(2009, 12, 17, 9, 0, tzinfo=PARIS),
    )

    with pytest.raises(ValidationError) as error:
        event.clean()
    with translation.override("fr"):
        messages = error.value.message_dict["end"]

    assert messages == [french("The end must not be before the start.")]


def test_end_equal_to_start_is_accepted():
    moment = datetime.datetime(2009, 12, 17, 14, 0, tzinfo=PARIS)
    event = EventPage(title="Point rapide", slug="point-rapide", start=moment, end=moment)

    event.clean()


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://visio.exemple.fr/raa", "visio.exemple.fr raa"]
)
def test_online_link_must_be_http_or_https(url):
    field = EventPage._meta.get_field("online_url")

    with pytest.raises(ValidationError):
        field.clean(url, EventPage())

    assert field.clean("https://visio.exemple.fr/raa", EventPage())


def test_the_calendar_route_cannot_be_an_event_slug():
    event = EventPage(title="Calendrier", slug="calendrier", start=timezone.now())

    with pytest.raises(ValidationError) as error:
        event.clean()

    assert "slug" in error.value.message_dict


def test_the_editor_sees_the_end_before_start_error_in_french(client, agenda, member):
    member.is_superuser = True
    member.save()
    client.force_login(member)
    url = f"/admin/pages/add/website/eventpage/{agenda.pk}/"
    form = client.get(url).context["form"]
    data = {
        "title": "Réunion mal datée",
        "slug": "reunion-mal-datee",
        "start": "2009-12-17 14:00",
        "end": "2009-12-17 09:00",
        "place": "",
        "online_url": "",
        "description": json.dumps({"blocks": [], "entityMap": {}}),
    }
    for name, value in form.initial.items():
        data.setdefault(name, value if value is not None else "")
    for formset in form.formsets.values():
        data[f"{formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{formset.prefix}-INITIAL_FORMS"] = "0"

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["end"] == [
        french("The end must not be before the start.")
    ]
    assert not EventPage.objects.filter(slug="reunion-mal-datee").exists()


# iCalendar


def test_feed_holds_every_public_live_event_in_utc(client, agenda):
    event = EventPageFactory(
        parent=agenda,
        title="Journée régionale RAA",
        start=datetime.datetime(2009, 11, 17, 9, 30, tzinfo=PARIS),
        end=datetime.datetime(2009, 11, 17, 17, 0, tzinfo=PARIS),
        place="Bordeaux",
        description="<p>Résultats de l'<b>appel</b>\nà candidatures&nbsp;:</p><ul><li>onze "
        'structures</li><li>un <a href="/x/">réseau</a></li></ul>',
    )
    EventPageFactory(
        parent=agenda, title="Réunion à distance", place="", online_url="https://v.fr/"
    )
    EventPageFactory(parent=agenda, title="Brouillon", live=False)

    response = client.get(FEED_URL)

    assert response["Content-Disposition"] == 'attachment; filename="agenda-reseau-raa.ics"'
    calendar = read_calendar(response)
    events = {str(vevent["SUMMARY"]): vevent for vevent in calendar.walk("VEVENT")}
    assert set(events) == {"Journée régionale RAA", "Réunion à distance"}
    day = events["Journée régionale RAA"]
    assert day.decoded("DTSTART") == datetime.datetime(2009, 11, 17, 8, 30, tzinfo=UTC)
    assert day.decoded("DTEND") == datetime.datetime(2009, 11, 17, 16, 0, tzinfo=UTC)
    assert b"DTSTART:20091117T083000Z" in response.content
    assert str(day["UID"]) == f"event-{event.pk}@testserver"
    assert str(day["URL"]) == "http://testserver/agenda/journee-regionale-raa/"
    assert str(day["LOCATION"]) == "Bordeaux"
    assert str(day["DESCRIPTION"]) == (
        "Résultats de l'appel à candidatures :\n- onze structures\n- un réseau"
    )
    assert "DTSTAMP" in day
    assert str(events["Réunion à distance"]["LOCATION"]) == "https://v.fr/"


def test_feed_uids_do_not_change_from_one_download_to_the_next(client, agenda):
    EventPageFactory(parent=agenda)

    first = read_calendar(client.get(FEED_URL)).walk("VEVENT")[0]
    second = read_calendar(client.get(FEED_URL)).walk("VEVENT")[0]

    assert first["UID"] == second["UID"]


def test_feed_never_holds_members_only_events(client, agenda, member):
    EventPageFactory(parent=agenda, title="Réunion publique")
    restrict_to_members(EventPageFactory(parent=agenda, title="Réunion réservée"))

    for_visitors = read_calendar(client.get(FEED_URL))
    client.force_login(member)
    for_members = read_calendar(client.get(FEED_URL))

    for calendar in (for_visitors, for_members):
        assert [str(vevent["SUMMARY"]) for vevent in calendar.walk("VEVENT")] == [
            "Réunion publique"
        ]


def test_event_page_offers_its_own_icalendar_file(client, agenda):
    EventPageFactory(parent=agenda, title="Séminaire participatif", slug="seminaire", end=None)
    EventPageFactory(parent=agenda, title="Autre réunion")

    html = client.get("/agenda/seminaire/").content.decode()
    response = client.get("/agenda/seminaire/calendrier/")

    assert (
        f'href="/agenda/seminaire/calendrier/" download>{french("Add to my calendar (.ics)")}'
        in html
    )
    assert response["Content-Disposition"] == 'attachment; filename="seminaire.ics"'
    (vevent,) = read_calendar(response).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Séminaire participatif"
    assert "DTEND" not in vevent
    assert str(vevent["URL"]) == "http://testserver/agenda/seminaire/"


def test_members_only_event_file_follows_the_page_restriction(client, agenda, member):
    restrict_to_members(EventPageFactory(parent=agenda, slug="reunion-reservee"))
    url = "/agenda/reunion-reservee/calendrier/"

    response = client.get(url)
    client.force_login(member)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")
    assert len(read_calendar(client.get(url)).walk("VEVENT")) == 1


def test_draft_event_has_no_icalendar_file(client, agenda):
    EventPageFactory(parent=agenda, slug="brouillon", live=False)

    assert client.get("/agenda/brouillon/calendrier/").status_code == HTTPStatus.NOT_FOUND


# Event page


def test_event_page_shows_date_place_link_structures_and_visible_related_posts(
    client, agenda, home_page
):
    directory = StructureIndexPageFactory(parent=home_page)
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    blog = BlogIndexPageFactory(parent=home_page)
    report = BlogPostPageFactory(parent=blog, title="Compte rendu du séminaire")
    secret = BlogPostPageFactory(parent=blog, title="Notes réservées")
    restrict_to_members(secret)
    EventPageFactory(
        parent=agenda,
        slug="seminaire",
        start=datetime.datetime(2009, 12, 17, 14, 0, tzinfo=PARIS),
        end=datetime.datetime(2009, 12, 17, 17, 30, tzinfo=PARIS),
        place="Pessac",
        online_url="https://visio.exemple.fr/raa",
        structures=[pessac],
        related_posts=[report, secret],
    )

    response = client.get("/agenda/seminaire/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Jeudi 17 décembre 2009" in html and "14:00" in html and "17:30" in html
    assert 'href="https://visio.exemple.fr/raa"' in html
    assert '<a href="/structures/pessac/">Pessac</a>' in html
    assert report.title in html and secret.title not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script found"
    assert " style=" not in html


# Home page


def test_home_page_shows_the_next_three_events_and_links_the_agenda(client, agenda):
    EventPageFactory(parent=agenda, title="Réunion passée", start=days_from_now(-3))
    for days, title in [(40, "Quatrième"), (2, "Première"), (20, "Troisième"), (9, "Deuxième")]:
        EventPageFactory(parent=agenda, title=title, start=days_from_now(days))
    restrict_to_members(EventPageFactory(parent=agenda, title="Réservée", start=days_from_now(1)))

    html = client.get("/").content.decode()

    section = html.split(french("Upcoming events"))[1]
    order = ["Première", "Deuxième", "Troisième"]
    assert sorted(order, key=section.index) == order
    assert "Quatrième" not in html and "Réunion passée" not in html and "Réservée" not in html
    assert '<a href="/agenda/">' in section


def test_home_page_without_agenda_still_renders(client, home_page):
    assert client.get("/").status_code == HTTPStatus.OK


# Query counts


@pytest.mark.parametrize("url", ["/agenda/", "/", FEED_URL])
def test_agenda_queries_do_not_grow_with_the_number_of_events(client, agenda, home_page, url):
    directory = StructureIndexPageFactory(parent=home_page)
    structures = [StructurePageFactory(parent=directory) for _ in range(3)]

    def add_events(count):
        for number in range(count):
            days = number + 1 if number % 2 else -number - 1
            EventPageFactory(parent=agenda, start=days_from_now(days), structures=structures)

    add_events(3)
    few = queries_for(client, url)
    add_events(17)
    many = queries_for(client, url)

    assert many == few


def test_agenda_queries_for_a_member_do_not_grow_with_the_number_of_events(client, agenda, member):
    client.force_login(member)
    for _ in range(3):
        EventPageFactory(parent=agenda)
    few = queries_for(client, "/agenda/")

    for _ in range(17):
        EventPageFactory(parent=agenda)
    many = queries_for(client, "/agenda/")

    assert many == few


# Kept between requests (core.fragments)


@pytest.mark.usefixtures("fragment_cache")
def test_a_kept_agenda_page_skips_the_listing_queries_and_is_never_a_visitors(
    client, agenda, member
):
    EventPageFactory(parent=agenda, title="Réunion publique", start=days_from_now(3))
    restrict_to_members(
        EventPageFactory(parent=agenda, title="Réunion réservée", start=days_from_now(4))
    )
    client.force_login(member)
    client.get("/agenda/")  # per-process caches (site, content types) filled
    page_cache.invalidate()  # what was kept is stale: the next view renders the listing
    with CaptureQueriesContext(connection) as rendered:
        client.get("/agenda/")
    with CaptureQueriesContext(connection) as kept:
        html = client.get("/agenda/").content.decode()

    assert "Réunion réservée" in html
    assert len(kept) < len(rendered)
    assert not any("website_eventpage" in query["sql"] for query in kept.captured_queries)
    client.logout()
    assert "Réunion réservée" not in client.get("/agenda/").content.decode()


@pytest.mark.usefixtures("fragment_cache")
def test_an_event_published_or_unpublished_shows_on_the_next_view_of_a_kept_agenda(
    client, agenda, member
):
    event = EventPageFactory(parent=agenda, title="Réunion de lancement", start=days_from_now(3))
    client.force_login(member)
    assert "Réunion de lancement" in client.get("/agenda/").content.decode()

    EventPageFactory(parent=agenda, title="Séminaire de restitution", start=days_from_now(5))
    event.unpublish()
    html = client.get("/agenda/").content.decode()

    assert "Séminaire de restitution" in html
    assert "Réunion de lancement" not in html


@pytest.mark.usefixtures("fragment_cache")
def test_each_page_of_a_kept_agenda_is_its_own(client, agenda, member, settings):
    for number in range(25):
        EventPageFactory(
            parent=agenda, title=f"Réunion passée {number:02}", start=days_from_now(-number - 1)
        )
    client.force_login(member)
    first, second = (client.get(f"/agenda/?page={n}").content.decode() for n in (1, 2))
    again = client.get("/agenda/").content.decode()

    assert "Réunion passée 00" in first and "Réunion passée 00" not in second
    assert event_titles(again) == event_titles(first)


# Demo content


def test_demo_agenda_holds_the_programme_dates_and_illustrative_future_events(client, demo_tree):
    html = client.get("/agenda/").content.decode()
    upcoming, past = html.split(french("Past events"))

    assert "Séminaire participatif (exemple)" in upcoming
    assert "Réunion inter-structures de bilan (exemple)" in upcoming
    assert past.index("Réunion inter-structures de lancement") < past.index("Journée régionale RAA")
    assert "Mardi 17 novembre 2009" in past and "Jeudi 17 décembre 2009" in past
    summaries = {
        str(vevent["SUMMARY"]) for vevent in read_calendar(client.get(FEED_URL)).walk("VEVENT")
    }
    assert len(summaries) == 4
    kick_off = client.get("/agenda/reunion-inter-structures-de-lancement/").content.decode()
    assert "liste indicative des entretiens" in kick_off
    assert "SDIS 24" in kick_off


def test_the_feed_and_each_event_are_also_at_their_ics_addresses(client, demo_tree):
    from icalendar import Calendar

    from website.models import EventPage

    feed = client.get("/agenda/agenda.ics")
    event = EventPage.objects.live().first()
    single = client.get(f"/agenda/{event.slug}.ics")

    assert feed.status_code == HTTPStatus.OK
    assert feed["Content-Type"].startswith("text/calendar")
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == EventPage.objects.live().count()
    assert single.status_code == HTTPStatus.FOUND
    assert single["Location"] == f"/agenda/{event.slug}/calendrier/"
    assert client.get("/agenda/inconnu.ics").status_code == HTTPStatus.NOT_FOUND
