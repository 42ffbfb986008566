"""The coordination's cockpit (/pilotage/), the "my structure" blocks (admin home, members' hub)
and the coordinators' weekly programme summary."""

import datetime
from html import unescape
from http import HTTPStatus
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_comments.models import CommentFlag
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from core.roles import COORDINATORS_GROUP
from knowledge.models import HandoutItem, HandoutList
from knowledge.tests.factories import (
    ActionFactory,
    JourneyStageFactory,
    StructureIndexPageFactory,
    StructurePageFactory,
    team_member,
)
from knowledge.vocabularies import ActionStatus, JourneyStep
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory
from website.models import MembersAreaPage, ProgrammeSettings
from website.tests.factories import EventIndexPageFactory, EventPageFactory

pytestmark = pytest.mark.db_sensitive

URL = "/pilotage/"
D = datetime.date
AS_OF = D(2010, 6, 30)


def paris(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def indicator(name, measurements):
    return {
        "type": "indicator",
        "value": {
            "name": name,
            "unit": "%",
            "baseline": None,
            "target": "50",
            "measurements": [{"date": day, "value": "10"} for day in measurements],
        },
    }


@pytest.fixture
def site(home_page, blog):
    directory = StructureIndexPageFactory(parent=home_page, slug="structures")
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    agenda = EventIndexPageFactory(parent=home_page)
    hub = MembersAreaPage(title="Espace membres", slug="espace-membres")
    home_page.add_child(instance=hub)
    restrict_to_members(hub)
    ActionFactory(page=pessac, title="Clause d'insertion", due_date=D(2010, 5, 31), progress=40)
    ActionFactory(page=haillan, title="Secret du Haillan", due_date=D(2010, 4, 30))
    JourneyStageFactory(page=pessac, step=JourneyStep.DIAGNOSTIC, planned_date=D(2010, 6, 1))
    JourneyStageFactory(page=pessac, step=JourneyStep.DOCUMENT_ANALYSIS, planned_date=D(2010, 3, 1))
    HandoutItem.objects.create(handout_list=HandoutList.KEY_DOCUMENTS, title="Budget")
    return {
        "pessac": pessac,
        "haillan": haillan,
        "agenda": agenda,
        "blog": blog,
        "hub": hub,
        "directory": directory,
    }


def set_programme_date(day):
    programme = ProgrammeSettings.load()
    programme.as_of = day
    programme.save()


def html_of(response):
    return BeautifulSoup(response.content, "html.parser")


def text_of(response):
    return " ".join(html_of(response).get_text(" ").split())


# Who may open it -------------------------------------------------------------------------------


def test_a_visitor_is_sent_to_the_login_page(client, site):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/?next=/pilotage/")


@pytest.mark.parametrize("who", ["member", "pending", "team"])
def test_other_accounts_are_refused(client, site, who):
    users = {
        "member": lambda: UserFactory(status=User.Status.APPROVED),
        "pending": lambda: UserFactory(status=User.Status.PENDING),
        "team": lambda: team_member(site["pessac"]),
    }
    client.force_login(users[who]())
    assert client.get(URL).status_code == HTTPStatus.FORBIDDEN
    assert client.get(URL + "export/csv/").status_code == HTTPStatus.FORBIDDEN


# What it shows ---------------------------------------------------------------------------------


def test_a_coordinator_sees_every_structures_late_items_with_where_to_fix_them(
    client, coordinator, site
):
    client.force_login(coordinator)
    response = client.get(URL, {"date": "2010-06-30"})
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    pessac = html.find(id=f"retards-{site['pessac'].pk}")
    text = " ".join(pessac.get_text(" ").split())
    assert "Clause d'insertion" in text and "réalisée à 40 %" in text
    assert "0 document rassemblé sur 1" in text
    assert "Questionnaire détaillé" in text
    links = {a.get_text(" ", strip=True): a["href"] for a in pessac.find_all("a")}
    edit = f"/admin/pages/{site['pessac'].pk}/edit/"
    assert links["Modifier la page de Pessac"] == edit
    hrefs = [a["href"] for a in pessac.find_all("a")]
    assert "/structures/pessac/listes-indicatives/" in hrefs
    assert "/structures/pessac/questionnaire/" in hrefs
    haillan = html.find(id=f"retards-{site['haillan'].pk}")
    assert "Secret du Haillan" in haillan.get_text()
    # As of an earlier day, only what was late then.
    response = client.get(URL, {"date": "2010-05-01"})
    html = html_of(response)
    assert html.find(id=f"retards-{site['pessac'].pk}") is not None
    assert "Clause d'insertion" not in html.find(id="retards").get_text()
    assert html.find("input", {"name": "date"})["value"] == "2010-05-01"


def test_the_date_field_is_labelled(client, coordinator, site):
    client.force_login(coordinator)
    html = html_of(client.get(URL))
    field = html.find("input", {"name": "date"})
    assert field["type"] == "date"
    assert html.find("label", {"for": field["id"]}).get_text(strip=True) == "À la date du"


@pytest.mark.parametrize("value", ["demain", "2010-02-30", "30/06/2010", "99999-01-01"])
def test_a_bad_date_shows_the_default_day_with_a_french_message(client, coordinator, site, value):
    client.force_login(coordinator)
    response = client.get(URL, {"date": value})
    assert response.status_code == HTTPStatus.OK
    html = html_of(response)
    assert "n’est pas une date" in html.find(attrs={"role": "alert"}).get_text()
    today = timezone.localdate().isoformat()
    assert html.find("input", {"name": "date"})["value"] == today


def test_the_default_day_is_the_programme_date_when_one_is_set(client, coordinator, site):
    client.force_login(coordinator)
    today = timezone.localdate().isoformat()
    assert html_of(client.get(URL)).find("input", {"name": "date"})["value"] == today
    set_programme_date(AS_OF)
    assert html_of(client.get(URL)).find("input", {"name": "date"})["value"] == "2010-06-30"


def test_a_coordinator_sets_the_programme_date_in_the_admin_settings(client, coordinator, site):
    client.force_login(coordinator)
    url = "/admin/settings/website/programmesettings/"
    response = client.get(url, follow=True)
    assert response.status_code == HTTPStatus.OK
    edit_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    form = html_of(response).find("input", {"name": "as_of"})
    assert form is not None
    client.post(edit_url, {"as_of": "2010-06-30"})
    assert ProgrammeSettings.load().as_of == AS_OF


def test_the_last_post_about_each_structure_and_how_long_ago(client, coordinator, site):
    BlogPostPageFactory(
        parent=site["blog"], title="Ancien", structure=site["pessac"], date=D(2010, 1, 2)
    )
    BlogPostPageFactory(
        parent=site["blog"], title="Récent", structure=site["pessac"], date=D(2010, 6, 20)
    )
    BlogPostPageFactory(
        parent=site["blog"], title="Futur", structure=site["pessac"], date=D(2010, 8, 1)
    )
    client.force_login(coordinator)
    html = html_of(client.get(URL, {"date": "2010-06-30"}))
    rows = {
        row.th.get_text(strip=True): " ".join(row.get_text(" ").split())
        for row in html.find(id="structures").tbody.find_all("tr")
    }
    assert "Récent · il y a 10 jours" in rows["Pessac"]
    assert "Aucun article" in rows["Le Haillan"]


def test_the_networks_to_do_links_to_where_it_is_handled(client, coordinator, site):
    pending = UserFactory(status=User.Status.PENDING, display_name="Camille Attente")
    post = BlogPostPageFactory(
        parent=site["blog"], title="Brouillon à valider", structure=site["pessac"]
    )
    post.save_revision(user=coordinator)
    workflow = Workflow.objects.create(name="Test")
    task = GroupApprovalTask.objects.create(name="Relecture")
    task.groups.set([Group.objects.get(name=COORDINATORS_GROUP)])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(post, coordinator)
    comment = BlogCommentFactory(post=post, comment="Propos déplacé")
    CommentFlag.objects.create(comment=comment, user=coordinator, flag=CommentFlag.SUGGEST_REMOVAL)
    EventPageFactory(
        parent=site["agenda"],
        title="Séminaire",
        start=paris(D(2010, 9, 1)),
        structures=[site["pessac"]],
    )
    EventPageFactory(parent=site["agenda"], title="Passé", start=paris(D(2010, 1, 1)))
    client.force_login(coordinator)
    response = client.get(URL, {"date": "2010-06-30"})
    network = html_of(response).find(id="reseau")
    text = " ".join(network.get_text(" ").split())
    assert "1 compte en attente de validation" in text and pending.name in text
    assert "1 article en attente de modération" in text
    assert "1 commentaire signalé" in text and "Propos déplacé" in text
    assert "1 événement à venir" in text and "Séminaire" in text and "Passé" not in text
    assert "Structures concernées : Pessac" in text
    hrefs = [a["href"] for a in network.find_all("a")]
    assert "/admin/inscriptions/" in hrefs
    assert f"/admin/pages/{post.pk}/edit/" in hrefs
    assert f"/admin/blogcomment/edit/{comment.pk}/" in hrefs
    assert "/admin/blogcomment/?reported=true" in hrefs


def test_user_text_is_escaped(client, coordinator, site):
    UserFactory(status=User.Status.PENDING, display_name="<script>alert(1)</script>")
    client.force_login(coordinator)
    content = client.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# Exports ---------------------------------------------------------------------------------------


def test_the_lateness_table_downloads_as_csv(client, coordinator, site):
    ActionFactory(page=site["pessac"], title="=HYPERLINK(1)", due_date=D(2010, 1, 1))
    client.force_login(coordinator)
    response = client.get(URL + "export/csv/", {"date": "2010-06-30"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "retards-2010-06-30.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Structure;Nature;Quoi;En retard depuis;Jours de retard;Détail"
    assert "Pessac;Action;Clause d'insertion;2010-05-31;30;réalisée à 40 %" in lines
    assert any(line.startswith("Pessac;Action;'=HYPERLINK(1)") for line in lines)
    assert any(line.startswith("Le Haillan;Action;Secret du Haillan") for line in lines)


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_lateness_table_downloads_as_a_spreadsheet(
    client, coordinator, site, file_format, content_type
):
    client.force_login(coordinator)
    response = client.get(f"{URL}export/{file_format}/", {"date": "2010-06-30"})
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == content_type
    assert response.content[:2] == b"PK"  # a zip, as both formats are


def test_an_unknown_export_format_is_not_found(client, coordinator, site):
    client.force_login(coordinator)
    assert client.get(URL + "export/pdf/").status_code == HTTPStatus.NOT_FOUND


# Bounded queries -------------------------------------------------------------------------------


def add_structure(directory, blog, n):
    structure = StructurePageFactory(parent=directory)
    JourneyStageFactory(page=structure, step=JourneyStep.DIAGNOSTIC, planned_date=D(2010, 3, 1))
    for _ in range(3):
        ActionFactory(
            page=structure,
            status=ActionStatus.IN_PROGRESS,
            due_date=D(2010, 2, 1),
            start_date=D(2009, 1, 1),
            indicators=[indicator("Part", [D(2009, 2, 1), D(2009, 5, 1), D(2009, 8, 1)])],
        )
    BlogPostPageFactory(parent=blog, structure=structure, date=D(2010, 1, n % 28 + 1))


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_the_cockpit_query_count_does_not_grow_with_structures(client, coordinator, site):
    client.force_login(coordinator)
    for n in range(2):
        add_structure(site["directory"], site["blog"], n)
    params = {"date": "2010-06-30"}
    count_queries(client, URL, params)  # warm the caches (site root, content types)
    small = count_queries(client, URL, params)
    for n in range(2, 22):
        add_structure(site["directory"], site["blog"], n)
    large = count_queries(client, URL, params)
    assert large == small
    assert count_queries(client, URL + "export/csv/", params) <= small


# A structure's team ------------------------------------------------------------------------------


def test_the_hub_shows_a_team_member_their_own_structures_late_items_only(client, site):
    set_programme_date(AS_OF)
    client.force_login(team_member(site["pessac"]))
    response = client.get("/espace-membres/")
    assert response.status_code == HTTPStatus.OK
    block = html_of(response).find(id="hub-late-title").parent
    text = " ".join(block.get_text(" ").split())
    assert "Clause d'insertion" in text
    assert "Secret du Haillan" not in unescape(response.content.decode())
    assert f"/admin/pages/{site['pessac'].pk}/edit/" in [a["href"] for a in block.find_all("a")]


def test_the_hub_has_no_late_block_for_a_member_on_no_team(client, site, member):
    client.force_login(member)
    response = client.get("/espace-membres/")
    assert response.status_code == HTTPStatus.OK
    assert html_of(response).find(id="hub-late-title") is None


def test_the_admin_home_shows_a_team_member_their_structure(client, site):
    set_programme_date(AS_OF)
    draft = BlogPostPageFactory(
        parent=site["blog"], title="Mon brouillon", structure=site["pessac"], live=False
    )
    user = team_member(site["pessac"])
    draft.save_revision(user=user)
    workflow = Workflow.objects.create(name="Test")
    task = GroupApprovalTask.objects.create(name="Relecture")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(draft, user)
    EventPageFactory(
        parent=site["agenda"],
        title="Séminaire de Pessac",
        start=paris(D(2010, 9, 1)),
        structures=[site["pessac"]],
    )
    EventPageFactory(
        parent=site["agenda"],
        title="Réunion du Haillan",
        start=paris(D(2010, 9, 2)),
        structures=[site["haillan"]],
    )
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == HTTPStatus.OK
    panel = html_of(response).find(id="my-structure-section")
    assert panel is not None
    text = " ".join(panel.get_text(" ").split())
    assert "Pessac" in text and "Clause d'insertion" in text
    assert "Mon brouillon" in text and "Séminaire de Pessac" in text
    content = unescape(response.content.decode())
    assert "Secret du Haillan" not in content and "Réunion du Haillan" not in content
    assert html_of(response).find(id="cockpit-summary-section") is None


def test_the_admin_home_shows_coordinators_the_cockpit_in_brief(client, coordinator, site):
    set_programme_date(AS_OF)
    UserFactory(status=User.Status.PENDING)
    client.force_login(coordinator)
    response = client.get("/admin/")
    panel = html_of(response).find(id="cockpit-summary-section")
    text = " ".join(panel.get_text(" ").split())
    assert "2 structures en retard" in text
    assert "1 compte en attente de validation" in text
    assert "/pilotage/" in [a["href"] for a in panel.find_all("a")]
    menu = unescape(response.content.decode())
    assert '"/pilotage/"' in menu  # the admin menu item


def test_the_dashboard_links_coordinators_to_the_cockpit(client, coordinator, member, site):
    client.force_login(member)
    assert 'href="/pilotage/"' not in client.get("/structures/tableau-de-bord/").content.decode()
    client.force_login(coordinator)
    assert 'href="/pilotage/"' in client.get("/structures/tableau-de-bord/").content.decode()


# The weekly summary ------------------------------------------------------------------------------


def make_coordinator(**kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


def test_the_summary_goes_to_active_approved_coordinators_only(site, coordinator):
    make_coordinator(status=User.Status.APPROVED, is_active=False)
    make_coordinator(status=User.Status.PENDING)
    UserFactory(status=User.Status.APPROVED)
    team_member(site["pessac"])
    mail.outbox.clear()
    out = StringIO()
    call_command("send_programme_summary", "--date", "2010-06-30", stdout=out)
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert "sent to 1 coordinators" in out.getvalue()


def test_the_summary_lists_the_networks_to_do_and_the_late_structures(site, coordinator):
    UserFactory(status=User.Status.PENDING, display_name="Camille <b>Attente</b>")
    mail.outbox.clear()
    call_command("send_programme_summary", "--date", "2010-06-30", stdout=StringIO())
    [message] = mail.outbox
    assert message.subject.endswith("Point du programme au 30 juin 2010 : 2 structures en retard")
    body = message.body
    assert "1 compte en attente de validation" in body and "Camille <b>Attente</b>" in body
    assert "http://testserver/admin/inscriptions/" in body
    assert "Pessac" in body and "Clause d'insertion" in body and "Secret du Haillan" in body
    assert f"http://testserver/admin/pages/{site['pessac'].pk}/edit/" in body
    assert "http://testserver/pilotage/?date=2010-06-30" in body
    html = message.alternatives[0][0]
    assert "Secret du Haillan" in html and "<html" in html
    assert "Camille &lt;b&gt;Attente&lt;/b&gt;" in html and "<b>Attente" not in html


def test_the_summary_defaults_to_the_programme_date(site, coordinator):
    set_programme_date(D(2010, 5, 1))
    mail.outbox.clear()
    call_command("send_programme_summary", stdout=StringIO())
    assert "Point du programme au 1 mai 2010" in mail.outbox[0].subject


def test_the_summary_refuses_a_bad_date(site, coordinator):
    with pytest.raises(CommandError):
        call_command("send_programme_summary", "--date", "hier", stdout=StringIO())


def test_a_team_members_blocks_query_count_does_not_grow_with_content(client, site):
    user = team_member(site["pessac"])
    client.force_login(user)
    EventPageFactory(parent=site["agenda"], start=paris(D(2030, 1, 1)), structures=[site["pessac"]])
    urls = ("/admin/", "/espace-membres/")
    for url in urls:  # warm the caches (site root, content types)
        count_queries(client, url)
    small = {url: count_queries(client, url) for url in urls}
    for n in range(10):
        add_structure(site["directory"], site["blog"], n)
        ActionFactory(page=site["pessac"], due_date=D(2010, 1, 1))
        EventPageFactory(
            parent=site["agenda"], start=paris(D(2030, 1, n + 1)), structures=[site["pessac"]]
        )
    large = {url: count_queries(client, url) for url in urls}
    assert large == small
