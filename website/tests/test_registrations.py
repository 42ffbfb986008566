"""Event sign-ups: capacity, waiting list, cancellation, deadlines, emails and who sees whom."""

import datetime
from http import HTTPStatus

import pytest
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from knowledge.tests.factories import StructurePageFactory
from members.models import Membership, User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory
from website.models import EventPage
from website.registrations import services
from website.registrations.models import Registration
from website.tests.factories import EventIndexPageFactory, EventPageFactory

# Locks, a conditional unique constraint, counts: CI runs these on PostgreSQL too.
pytestmark = pytest.mark.db_sensitive

URL = "/agenda/seminaire/"
# Measured: 24 (the page, its reader, session, messages; the panel's counts, the reader's
# registration and position, the team's memberships and registrations) and 17, the same for 1
# and 25 registrations.
QUERIES_EVENT_PAGE = 24
QUERIES_ATTENDEES = 17


@pytest.fixture
def agenda(home_page):
    return EventIndexPageFactory(parent=home_page)


@pytest.fixture
def event(agenda):
    """A seminar in a week, taking registrations, two places, until tomorrow."""
    return EventPageFactory(
        parent=agenda,
        title="Séminaire participatif",
        slug="seminaire",
        registration_open=True,
        registration_capacity=2,
        registration_deadline=timezone.now() + datetime.timedelta(days=1),
    )


def approved(**fields):
    return UserFactory(status=User.Status.APPROVED, **fields)


def register(client, user, capture):
    client.force_login(user)
    with capture(execute=True):
        return client.post(URL + "inscription/", follow=True)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def statuses(event):
    return {r.user.email: r.status for r in Registration.objects.filter(event=event).active()}


def test_a_member_registers_and_receives_the_calendar_file(
    client, event, member, mailoutbox, django_capture_on_commit_callbacks
):
    response = register(client, member, django_capture_on_commit_callbacks)

    assert response.status_code == HTTPStatus.OK
    assert "Vous êtes inscrit. Un e-mail de confirmation" in messages_of(response)[0]
    assert "1 place restante sur 2." in response.content.decode()
    assert statuses(event) == {member.email: Registration.Status.CONFIRMED}
    (email,) = mailoutbox
    assert email.to == [member.email]
    assert "Inscription confirmée : Séminaire participatif" in email.subject
    assert "Votre inscription à « Séminaire participatif » est confirmée." in email.body
    assert email.alternatives[0][1] == "text/html"
    ((filename, content, mimetype),) = email.attachments
    assert filename == "seminaire.ics"
    assert mimetype == "text/calendar"
    (vevent,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Séminaire participatif"


def test_registering_twice_leaves_one_registration_and_says_so(
    client, event, member, django_capture_on_commit_callbacks
):
    register(client, member, django_capture_on_commit_callbacks)
    response = register(client, member, django_capture_on_commit_callbacks)

    assert messages_of(response) == ["Vous êtes déjà inscrit à cet événement."]
    assert Registration.objects.filter(event=event).count() == 1


def test_the_database_refuses_a_second_active_registration_constraint(event, member):
    Registration.objects.create(event=event, user=member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.create(event=event, user=member, status="waiting")
    Registration.objects.filter(event=event).update(status="cancelled")
    Registration.objects.create(event=event, user=member)  # a cancelled one does not count


def test_the_event_full_puts_the_next_members_on_the_waiting_list(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = (approved() for _ in range(4))
    for user in (first, second, third):
        response = register(client, user, django_capture_on_commit_callbacks)

    assert messages_of(response) == [
        "L'événement est complet : vous êtes n° 1 sur la liste d'attente. "
        "Vous recevrez un e-mail si une place se libère."
    ]
    assert mailoutbox[-1].subject.endswith("Sur liste d'attente : Séminaire participatif")
    assert not mailoutbox[-1].attachments
    page = register(client, fourth, django_capture_on_commit_callbacks).content.decode()
    assert "Vous êtes n° 2 sur la liste d'attente." in page
    assert "Complet" in page
    assert statuses(event)[third.email] == Registration.Status.WAITING


def test_a_cancellation_promotes_the_first_on_the_waiting_list_and_emails_them(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    first, second, third, fourth = (approved() for _ in range(4))
    for user in (first, second, third, fourth):
        register(client, user, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    client.force_login(first)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL + "desinscription/", follow=True)

    assert messages_of(response) == ["Votre inscription est annulée."]
    assert statuses(event) == {
        second.email: "confirmed",
        third.email: "confirmed",
        fourth.email: "waiting",
    }
    (email,) = mailoutbox
    assert email.to == [third.email]
    assert "Une place s'est libérée" in email.subject
    assert email.attachments[0][0] == "seminaire.ics"
    client.force_login(fourth)
    assert "Vous êtes n° 1 sur la liste" in client.get(URL).content.decode()


def test_cancelling_a_place_on_the_waiting_list_promotes_nobody(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    users = [approved() for _ in range(4)]
    for user in users:
        register(client, user, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    client.force_login(users[2])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL + "desinscription/")

    assert not mailoutbox
    assert statuses(event)[users[3].email] == "waiting"
    client.force_login(users[3])
    assert "Vous êtes n° 1 sur la liste" in client.get(URL).content.decode()


def test_more_places_published_go_to_the_waiting_list_at_once(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    users = [approved() for _ in range(4)]
    for user in users:
        register(client, user, django_capture_on_commit_callbacks)
    mailoutbox.clear()

    event.registration_capacity = 3
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()

    assert statuses(event)[users[2].email] == "confirmed"
    assert statuses(event)[users[3].email] == "waiting"
    assert [email.to for email in mailoutbox] == [[users[2].email]]
    assert mailoutbox[0].attachments[0][0] == "seminaire.ics"


def test_a_member_who_cancelled_may_register_again(
    client, event, member, django_capture_on_commit_callbacks
):
    register(client, member, django_capture_on_commit_callbacks)
    client.post(URL + "desinscription/")
    register(client, member, django_capture_on_commit_callbacks)

    assert statuses(event) == {member.email: "confirmed"}
    assert Registration.objects.filter(event=event, status="cancelled").count() == 1


def test_cancelling_without_a_registration_says_so(client, event, member):
    client.force_login(member)
    response = client.post(URL + "desinscription/", follow=True)

    assert messages_of(response) == ["Vous n'êtes pas inscrit à cet événement."]


def test_no_registration_after_the_deadline(
    client, event, member, mailoutbox, django_capture_on_commit_callbacks
):
    event.registration_deadline = timezone.now() - datetime.timedelta(minutes=1)
    event.save_revision().publish()

    response = register(client, member, django_capture_on_commit_callbacks)

    assert messages_of(response)[0].startswith(
        "Les inscriptions à cet événement ont été closes le "
    )
    assert "Inscriptions closes depuis le" in response.content.decode()
    panel = response.content.decode().split('id="inscription"')[1].split("</section>")[0]
    assert "<button" not in panel
    assert not Registration.objects.exists()
    assert not mailoutbox


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"registration_open": False}, "Cet événement ne prend pas d'inscriptions sur le site."),
        (
            {"start": timezone.now() - datetime.timedelta(hours=1), "registration_deadline": None},
            "Cet événement a déjà commencé : les inscriptions sont closes.",
        ),
    ],
)
def test_no_registration_for_a_closed_or_started_event(
    client, event, member, fields, message, django_capture_on_commit_callbacks
):
    for name, value in fields.items():
        setattr(event, name, value)
    event.save_revision().publish()

    response = register(client, member, django_capture_on_commit_callbacks)

    assert messages_of(response) == [message]
    assert not Registration.objects.exists()


def test_a_visitor_is_asked_to_log_in_and_cannot_register(client, event):
    page = client.get(URL).content.decode()

    assert "Se connecter pour s'inscrire" in page
    assert "/comptes/login/?next=/agenda/seminaire/" in page
    response = client.post(URL + "inscription/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")
    assert not Registration.objects.exists()


def test_visitors_read_the_places_left_fresh_not_from_the_page_cache(
    client, event, member, settings, tmp_path
):
    settings.RAA_PAGE_CACHE_SECONDS = 300
    settings.RAA_PAGE_CACHE_STAMP_FILE = str(tmp_path / "page-cache.stamp")
    caches["pages"].clear()
    visitor = Client()
    assert "2 places restantes sur 2." in visitor.get(URL).content.decode()

    client.force_login(member)
    client.post(URL + "inscription/")

    assert "1 place restante sur 2." in visitor.get(URL).content.decode()
    caches["pages"].clear()


def test_a_pending_account_cannot_register(
    client, event, pending_user, django_capture_on_commit_callbacks
):
    client.force_login(pending_user)
    assert "doit être validé par la coordination" in client.get(URL).content.decode()

    response = register(client, pending_user, django_capture_on_commit_callbacks)

    assert messages_of(response) == [
        "Seuls les membres du réseau peuvent s'inscrire : votre compte n'a pas encore été validé."
    ]
    assert not Registration.objects.exists()


def test_a_get_on_the_registration_address_changes_nothing(client, event, member):
    client.force_login(member)
    response = client.get(URL + "inscription/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == URL + "#inscription"
    assert not Registration.objects.exists()


def test_a_members_only_event_refuses_registration_to_those_who_may_not_read_it(
    client, event, pending_user
):
    restrict_to_members(event)

    assert client.post(URL + "inscription/")["Location"].startswith("/comptes/login/")
    client.force_login(pending_user)
    assert client.post(URL + "inscription/").status_code == HTTPStatus.FORBIDDEN
    assert not Registration.objects.exists()


def test_a_structure_team_sees_who_comes_from_its_structure_only(
    client, event, home_page, django_capture_on_commit_callbacks
):
    event.registration_capacity = None
    event.save_revision().publish()
    pessac = StructurePageFactory(parent=home_page, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=home_page, title="Le Haillan", slug="le-haillan")
    colleague = approved(display_name="Camille Pessacaise", structure=pessac)
    other = approved(display_name="Alex Haillanais", structure=haillan)
    for user in (colleague, other):
        register(client, user, django_capture_on_commit_callbacks)
    referent = approved(structure=pessac)
    Membership.objects.create(user=referent, structure=pessac, role="staff-referent")
    plain_member = approved(structure=pessac)

    client.force_login(referent)
    page = client.get(URL).content.decode()
    assert "Inscrits de votre structure" in page
    assert "Camille Pessacaise (Pessac)" in page
    assert "Alex Haillanais" not in page
    assert "/inscrits/" not in page

    client.force_login(plain_member)
    page = client.get(URL).content.decode()
    assert "Camille Pessacaise" not in page
    assert "2 personnes inscrites." in page


def test_coordinators_see_the_attendee_list_others_do_not(
    client, event, member, coordinator, django_capture_on_commit_callbacks
):
    attendee = approved(display_name="Dominique <b>Acheteuse</b>")
    register(client, attendee, django_capture_on_commit_callbacks)

    assert client.get(URL + "inscrits/").status_code == HTTPStatus.FORBIDDEN  # attendee
    client.logout()
    assert client.get(URL + "inscrits/")["Location"].startswith("/comptes/login/")
    assert client.get(URL + "inscrits/csv/")["Location"].startswith("/comptes/login/")
    client.force_login(member)
    assert client.get(URL + "inscrits/").status_code == HTTPStatus.FORBIDDEN
    assert client.get(URL + "inscrits/csv/").status_code == HTTPStatus.FORBIDDEN
    assert "Dominique" not in client.get(URL).content.decode()

    client.force_login(coordinator)
    assert "/agenda/seminaire/inscrits/" in client.get(URL).content.decode()
    response = client.get(URL + "inscrits/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Dominique &lt;b&gt;Acheteuse&lt;/b&gt;" in page
    assert attendee.email in page
    assert "1 inscrit confirmé sur 2 places." in page


def test_the_csv_export_lists_every_registration_and_defuses_formulas(
    client, event, coordinator, django_capture_on_commit_callbacks
):
    register(client, approved(display_name="=HYPERLINK(1)"), django_capture_on_commit_callbacks)
    register(client, approved(display_name="Claude"), django_capture_on_commit_callbacks)

    client.force_login(coordinator)
    response = client.get(URL + "inscrits/csv/")

    assert response.status_code == HTTPStatus.OK
    assert "inscriptions-seminaire.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Nom;Adresse e-mail;Structure;Statut;Inscrit le"
    assert "'=HYPERLINK(1)" in text
    assert "Claude" in text and "confirmée" in text


def test_a_coordinator_emails_every_confirmed_attendee_and_only_them(
    client, event, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    users = [approved() for _ in range(3)]  # two places: the third waits
    for user in users:
        register(client, user, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    client.force_login(coordinator)

    response = client.post(URL + "inscrits/", {"subject": "Ordre du jour", "message": ""})
    assert response.status_code == HTTPStatus.OK
    assert "Votre message n'a pas été envoyé" in response.content.decode()
    assert not mailoutbox

    response = client.post(
        URL + "inscrits/",
        {"subject": "Ordre du jour", "message": "Rendez-vous à 14 h <salle 2>."},
        follow=True,
    )

    assert messages_of(response) == ["Votre message part vers 2 inscrits."]
    assert sorted(email.to[0] for email in mailoutbox) == sorted(u.email for u in users[:2])
    assert all(email.subject.endswith("Ordre du jour") for email in mailoutbox)
    assert "Rendez-vous à 14 h <salle 2>." in mailoutbox[0].body
    assert "&lt;salle 2&gt;" in mailoutbox[0].alternatives[0][0]


def test_a_member_may_not_email_the_attendees(client, event, member, mailoutbox):
    client.force_login(member)
    response = client.post(URL + "inscrits/", {"subject": "Spam", "message": "Spam"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not mailoutbox


def test_the_admin_lists_registrations_for_coordinators_only(
    client, event, coordinator, django_capture_on_commit_callbacks
):
    attendee = approved(display_name="Sacha Inscrite")
    register(client, attendee, django_capture_on_commit_callbacks)
    client.force_login(coordinator)

    edit = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert f"/admin/inscriptions-evenements/?event={event.pk}" in edit
    response = client.get(f"/admin/inscriptions-evenements/?event={event.pk}")
    assert response.status_code == HTTPStatus.OK
    assert "Sacha Inscrite" in response.content.decode()
    export = client.get(f"/admin/inscriptions-evenements/?event={event.pk}&export=csv")
    assert attendee.email in b"".join(export.streaming_content).decode()

    client.force_login(attendee)
    assert client.get("/admin/inscriptions-evenements/").status_code != HTTPStatus.OK


def test_the_register_service_refuses_a_second_registration_from_a_stale_check(
    event, member, monkeypatch
):
    """Two requests at once: the second's check may pass before the first commits; the
    constraint then turns its insert into the same French refusal."""
    Registration.objects.create(event=event, user=member)
    nothing = Registration.objects.none()
    monkeypatch.setattr(type(Registration.objects), "active", lambda self: nothing)

    with pytest.raises(services.RegistrationRefused) as refusal:
        services.register(EventPage.objects.get(pk=event.pk), member)

    assert refusal.value.message == "Vous êtes déjà inscrit à cet événement."
    assert Registration.objects.filter(event=event).count() == 1


@pytest.mark.parametrize("size", [1, 25])
def test_event_page_queries_do_not_grow_with_registrations(
    client, event, home_page, size, django_assert_max_num_queries
):
    event.registration_capacity = None
    event.save_revision().publish()
    pessac = StructurePageFactory(parent=home_page, title="Pessac", slug="pessac")
    for _ in range(size):
        Registration.objects.create(event=event, user=approved(structure=pessac), structure=pessac)
    referent = approved(structure=pessac)
    Membership.objects.create(user=referent, structure=pessac)
    Registration.objects.create(event=event, user=referent, structure=pessac, status="waiting")
    client.force_login(referent)
    client.get(URL)

    with django_assert_max_num_queries(QUERIES_EVENT_PAGE):
        page = client.get(URL).content.decode()
    assert page.count("(Pessac)") == size + 1


@pytest.mark.parametrize("size", [1, 25])
def test_attendee_list_queries_do_not_grow_with_registrations(
    client, event, coordinator, size, django_assert_max_num_queries
):
    event.registration_capacity = None
    event.save_revision().publish()
    for index in range(size):
        status = ("confirmed", "waiting", "cancelled")[index % 3]
        Registration.objects.create(event=event, user=approved(), status=status)
    client.force_login(coordinator)
    client.get(URL + "inscrits/")

    with django_assert_max_num_queries(QUERIES_ATTENDEES):
        assert client.get(URL + "inscrits/").status_code == HTTPStatus.OK
    with django_assert_max_num_queries(QUERIES_ATTENDEES):
        assert client.get(URL + "inscrits/csv/").status_code == HTTPStatus.OK
