import json
import re
from datetime import date
from http import HTTPStatus
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from follows import reminders
from follows.models import ReminderPreference, SentReminder
from follows.tokens import reminder_unsubscribe_token, unsubscribe_token
from knowledge.tests.factories import ActionFactory, JourneyStageFactory, StructurePageFactory
from knowledge.vocabularies import ActionStatus, JourneyStep, StepStatus
from members.models import Membership, User
from members.tests.factories import UserFactory

pytestmark = pytest.mark.db_sensitive  # excluded joins, the one-per-week constraint

AS_OF = date(2010, 6, 30)  # a Wednesday, as the demo's AS_OF
SAME_WEEK = date(2010, 7, 2)
NEXT_WEEK = date(2010, 7, 5)


def remind(*args, as_of=AS_OF):
    out = StringIO()
    call_command("send_reminders", "--date", as_of.isoformat(), *args, stdout=out)
    return out.getvalue()


def on_team(structure, role=Membership.Role.TEAM, email=None, **user_fields):
    fields = {"status": User.Status.APPROVED, **user_fields}
    if email:
        fields["email"] = email
    user = UserFactory(**fields)
    Membership.objects.create(user=user, structure=structure, role=role)
    return user


def make_late(structure):
    """A journey step planned on 3 May 2010 and not done: 58 days late on 30 June."""
    return JourneyStageFactory(
        page=structure,
        step=JourneyStep.SEMINAR,
        planned_date=date(2010, 5, 3),
        status=StepStatus.UPCOMING,
    )


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def link_after(label, body):
    return re.search(re.escape(label) + r" : (\S+)", body).group(1)


@pytest.fixture
def merignac(pessac):
    return StructurePageFactory(parent=pessac.get_parent(), title="Mérignac", slug="merignac")


@pytest.fixture
def late_pessac(pessac):
    make_late(pessac)
    return pessac


def test_reminder_lists_each_late_item_with_its_delay_and_where_to_fix_it(late_pessac):
    ActionFactory(
        page=late_pessac,
        title="Clauses <sociales> dans les marchés",
        status=ActionStatus.IN_PROGRESS,
        due_date=date(2010, 6, 29),
    )
    JourneyStageFactory(
        page=late_pessac,
        step=JourneyStep.DIAGNOSTIC,
        planned_date=date(2010, 3, 1),
        status=StepStatus.DONE,
    )
    on_team(late_pessac, Membership.Role.STAFF_REFERENT, email="pessac@exemple.fr")

    remind()

    [message] = mail.outbox
    assert message.to == ["pessac@exemple.fr"]
    assert message.subject.endswith("Rappel hebdomadaire : ce qui est en retard pour Pessac")
    body = message.body
    assert "Voici ce qui est en retard au 30 juin 2010" in body
    assert "* Étape du parcours : Séminaire participatif\n" in body
    assert "En retard de 58 jours (depuis le 3 mai 2010)" in body
    assert "Clauses <sociales> dans les marchés" in body
    assert "En retard de 1 jour (depuis le 29 juin 2010)" in body
    assert "* Questionnaire : Questionnaire détaillé\n" in body
    assert "), non envoyé\n" in body
    edit = f"http://testserver/admin/pages/{late_pessac.pk}/edit/"
    assert link_after("Mettre à jour le parcours", body) == edit + "#tab-parcours"
    assert link_after("Mettre à jour le plan d'actions", body) == edit + "#tab-plan_dactions"
    assert link_after("Remplir le questionnaire", body) == (
        "http://testserver/structures/pessac/questionnaire/"
    )
    assert "http://testserver/structures/pessac/\n" in body
    html = message.alternatives[0][0]
    assert "Clauses &lt;sociales&gt; dans les marchés" in html
    assert "<sociales>" not in html


def test_fix_links_open_where_the_team_puts_things_right(late_pessac, client):
    JourneyStageFactory(
        page=late_pessac, step=JourneyStep.DIAGNOSTIC, planned_date=date(2010, 3, 1)
    )
    referent = on_team(late_pessac, Membership.Role.STAFF_REFERENT)
    remind()
    body = mail.outbox[0].body
    client.force_login(referent)
    edit = link_after("Mettre à jour le parcours", body).removeprefix("http://testserver")
    response = client.get(edit.split("#")[0])
    assert response.status_code == HTTPStatus.OK
    assert 'id="tab-parcours"' in response.content.decode()
    questionnaire = link_after("Remplir le questionnaire", body)
    response = client.get(questionnaire.removeprefix("http://testserver"))
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("role", list(Membership.Role))
def test_every_role_of_the_team_gets_the_reminder(late_pessac, role):
    on_team(late_pessac, role, email="equipe@exemple.fr")
    remind()
    assert recipients() == ["equipe@exemple.fr"]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": User.Status.PENDING},
        {"status": User.Status.REFUSED},
        {"status": User.Status.APPROVED, "is_active": False},
    ],
    ids=["pending", "refused", "inactive"],
)
def test_no_reminder_to_pending_refused_or_inactive_accounts(late_pessac, fields):
    on_team(late_pessac, Membership.Role.STAFF_REFERENT, email="absent@exemple.fr", **fields)
    on_team(late_pessac, email="equipe@exemple.fr")
    remind()
    assert recipients() == ["equipe@exemple.fr"]


def test_nobody_hears_about_a_structure_whose_team_they_are_not_on(late_pessac, merignac):
    on_team(merignac, Membership.Role.STAFF_REFERENT, email="merignac@exemple.fr")
    UserFactory(status=User.Status.APPROVED, structure=late_pessac, email="profil@exemple.fr")
    UserFactory(status=User.Status.APPROVED, email="membre@exemple.fr")
    on_team(late_pessac, email="pessac@exemple.fr")
    remind()
    assert recipients() == ["pessac@exemple.fr"]
    assert "Mérignac" not in mail.outbox[0].body


def test_no_reminder_when_nothing_is_late(pessac):
    JourneyStageFactory(
        page=pessac, step=JourneyStep.SEMINAR, planned_date=date(2010, 5, 3), status=StepStatus.DONE
    )
    JourneyStageFactory(page=pessac, step=JourneyStep.ASSESSMENT, planned_date=date(2010, 9, 1))
    on_team(pessac)
    assert remind().endswith("reminders sent: 0 (week of 2010-06-28, as of 2010-06-30)\n")
    assert mail.outbox == []


def test_a_member_of_two_late_teams_gets_one_email_listing_both(late_pessac, merignac):
    make_late(merignac)
    both = on_team(late_pessac, email="deux@exemple.fr")
    Membership.objects.create(user=both, structure=merignac, role=Membership.Role.TEAM)
    remind()
    [message] = mail.outbox
    assert "Mérignac, Pessac" in message.subject
    assert "== Mérignac ==" in message.body and "== Pessac ==" in message.body
    assert "dans le programme de vos structures" in message.body


def test_a_structure_not_live_gets_no_reminder(late_pessac):
    on_team(late_pessac)
    late_pessac.unpublish()
    remind()
    assert mail.outbox == []


def test_not_sent_twice_the_same_iso_week(late_pessac):
    member = on_team(late_pessac, email="equipe@exemple.fr")
    remind()
    remind()
    remind(as_of=SAME_WEEK)
    assert recipients() == ["equipe@exemple.fr"]
    assert "reminders sent: 0" in remind(as_of=SAME_WEEK)
    remind(as_of=NEXT_WEEK)
    assert recipients() == ["equipe@exemple.fr", "equipe@exemple.fr"]
    assert list(
        SentReminder.objects.filter(user=member).order_by("week").values_list("week", flat=True)
    ) == [date(2010, 6, 28), date(2010, 7, 5)]


def test_dry_run_lists_recipients_but_sends_and_records_nothing(late_pessac):
    on_team(late_pessac, email="equipe@exemple.fr")
    out = remind("--dry-run")
    assert "would send to equipe@exemple.fr: Pessac (1 late)" in out
    assert "reminders would be sent: 1" in out
    assert mail.outbox == []
    assert not SentReminder.objects.exists()
    remind()
    assert recipients() == ["equipe@exemple.fr"]


@pytest.mark.parametrize("value", ["2010-13-01", "demain", "30/06/2010"])
def test_a_bad_date_is_refused_with_a_message(db, value):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", value, stdout=StringIO())


def test_opting_out_on_the_follows_page_stops_the_reminders(late_pessac, client):
    member = on_team(late_pessac, email="equipe@exemple.fr")
    client.force_login(member)
    page = client.get(reverse("follows:follows")).content.decode()
    assert "Rappels hebdomadaires de ma structure" in page
    assert re.search(
        r'<input type="checkbox" name="weekly" id="reminders-weekly"[^>]* checked', page
    )

    response = client.post(reverse("follows:update_reminders"), {})
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(reverse("follows:follows")).content.decode()
    assert "Vous ne recevrez plus les rappels hebdomadaires" in page
    assert not re.search(r'id="reminders-weekly"[^>]* checked', page)
    remind()
    assert mail.outbox == []

    client.post(reverse("follows:update_reminders"), {"weekly": "on"})
    remind(as_of=NEXT_WEEK)
    assert recipients() == ["equipe@exemple.fr"]


def test_the_reminder_setting_is_only_offered_to_team_members(member, client):
    client.force_login(member)
    page = client.get(reverse("follows:follows")).content.decode()
    assert "reminders-weekly" not in page


def test_the_reminder_setting_needs_a_login_and_a_post(client, member):
    response = client.post(reverse("follows:update_reminders"), {})
    assert response.status_code == HTTPStatus.FOUND
    assert "/comptes/login/" in response["Location"]
    assert not ReminderPreference.objects.exists()
    client.force_login(member)
    response = client.get(reverse("follows:update_reminders"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_one_click_unsubscribe_link_stops_the_reminders(late_pessac):
    on_team(late_pessac, email="equipe@exemple.fr")
    remind()
    message = mail.outbox[0]
    url = link_after("Arrêter ces rappels en un clic", message.body)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = url.removeprefix("http://testserver")
    anonymous = Client(enforce_csrf_checks=True)

    response = anonymous.get(path)  # a link scanner: nothing changes
    assert response.status_code == HTTPStatus.OK
    assert "Arrêter les rappels hebdomadaires" in response.content.decode()
    assert not ReminderPreference.objects.exists()

    response = anonymous.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == HTTPStatus.OK
    assert "vous ne recevrez plus les rappels hebdomadaires" in response.content.decode()
    mail.outbox.clear()
    remind(as_of=NEXT_WEEK)
    assert mail.outbox == []


def test_reminder_link_and_digest_link_cannot_stand_for_each_other(member, client):
    follow_token = unsubscribe_token(member, [])
    response = client.get(reverse("follows:reminder_unsubscribe", args=[follow_token]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "invalide ou a expiré" in response.content.decode()
    response = client.get(reverse("follows:unsubscribe", args=[reminder_unsubscribe_token(member)]))
    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize("token", ["abc", "x" * 300, "eyJ1IjoxfQ:1:forged"])
def test_a_broken_reminder_link_gets_a_french_message(db, client, token):
    response = client.post(reverse("follows:reminder_unsubscribe", args=[token]))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Ce lien de désabonnement est invalide" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_a_link_of_a_deleted_account_changes_nothing(member, client):
    token = reminder_unsubscribe_token(member)
    member.delete()
    response = client.post(reverse("follows:reminder_unsubscribe", args=[token]))
    assert response.status_code == HTTPStatus.BAD_REQUEST


def build_network(pessac, structures, members_each):
    teams = []
    for index in range(structures):
        structure = StructurePageFactory(
            parent=pessac.get_parent(), title=f"Structure {index}", slug=f"structure-{index}"
        )
        make_late(structure)
        ActionFactory(page=structure, status=ActionStatus.PLANNED, due_date=date(2010, 4, 1))
        for _member in range(members_each):
            on_team(structure)
        teams.append(structure)
    return teams


@pytest.mark.parametrize("structures, members_each", [(1, 1), (6, 3)])
def test_preparing_reminders_takes_a_fixed_number_of_queries(
    pessac, django_assert_max_num_queries, structures, members_each
):
    build_network(pessac, structures, members_each)
    with django_assert_max_num_queries(9):
        out = remind("--dry-run")
    assert f"reminders would be sent: {structures * members_each}" in out


def test_sending_takes_a_few_queries_per_recipient(pessac, django_assert_max_num_queries):
    build_network(pessac, 5, 2)
    with django_assert_max_num_queries(9 + 3 * 10):
        remind()
    assert len(mail.outbox) == 10


def test_a_failed_email_is_not_recorded_and_goes_next_run(late_pessac, monkeypatch):
    on_team(late_pessac, email="equipe@exemple.fr")

    class Failed:
        status = reminders.TaskResultStatus.FAILED

    monkeypatch.setattr(reminders, "send_with_unsubscribe", lambda *args: Failed())
    assert "reminders sent: 0" in remind()
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    remind(as_of=SAME_WEEK)
    assert recipients() == ["equipe@exemple.fr"]


def test_a_reminder_another_run_sent_meanwhile_is_not_sent_again(late_pessac):
    member = on_team(late_pessac)
    [reminder] = reminders.due_reminders(AS_OF)
    SentReminder.objects.create(user=member, week=date(2010, 6, 28))
    assert reminders.send_reminder(reminder) is False
    assert mail.outbox == []


def test_the_data_export_tells_the_reminder_setting_and_reminders_sent(late_pessac, client):
    member = on_team(late_pessac)
    remind()
    ReminderPreference.set_for(member, False)
    client.force_login(member)
    data = json.loads(client.get("/membres/moi/donnees/").content)
    assert data["weekly_reminders"] is False
    assert [(row["week"], row["late_count"]) for row in data["reminders_sent"]] == [
        ("2010-06-28", 1)
    ]
