import datetime
import re
from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge import charts
from knowledge.dashboard import (
    commitment_table,
    completion_by_sector,
    completion_by_structure,
    dashboard_structures,
    indicator_rows,
    journey_matrix,
)
from knowledge.models import Sector
from knowledge.models.sections import rounded_mean
from knowledge.tests.factories import (
    ActionFactory,
    CommitmentRecordFactory,
    JourneyStageFactory,
    StructurePageFactory,
)
from knowledge.vocabularies import ActionStatus, JourneyStep, ProgrammeCommitment, StepStatus
from members.models import User
from members.tests.factories import UserFactory

URL = "/structures/tableau-de-bord/"


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def indicator(name, target, measurements, baseline=None, unit="%"):
    """An action's ``indicators`` entry in StreamField's raw form."""
    return {
        "type": "indicator",
        "value": {
            "name": name,
            "unit": unit,
            "baseline": baseline,
            "target": target,
            "measurements": [{"date": date, "value": value} for date, value in measurements],
        },
    }


@pytest.fixture
def network(directory):
    """Two structures with known figures; Le Haillan's action plan is illustrative."""
    catering = Sector.objects.get(slug="restauration-collective")
    office = Sector.objects.get(slug="fournitures-de-bureau")
    computing = Sector.objects.get(slug="informatique")

    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    JourneyStageFactory(
        page=pessac,
        step=JourneyStep.KICK_OFF,
        status=StepStatus.DONE,
        planned_date=datetime.date(2024, 1, 8),
        actual_date=datetime.date(2024, 1, 10),
    )
    JourneyStageFactory(
        page=pessac,
        step=JourneyStep.DOCUMENT_ANALYSIS,
        status=StepStatus.IN_PROGRESS,
        planned_date=datetime.date(2024, 2, 1),
    )
    JourneyStageFactory(page=pessac, step=JourneyStep.INTERVIEWS, status=StepStatus.UPCOMING)
    CommitmentRecordFactory(
        page=pessac, commitment=ProgrammeCommitment.TRAINING, date=datetime.date(2024, 3, 1)
    )
    CommitmentRecordFactory(
        page=pessac, commitment=ProgrammeCommitment.DELIBERATION, date=datetime.date(2024, 2, 15)
    )
    CommitmentRecordFactory(page=pessac, commitment=ProgrammeCommitment.REFERENTS, date=None)
    ActionFactory(
        page=pessac,
        title="Repas bio",
        sector=catering,
        status=ActionStatus.DONE,
        progress=100,
        indicators=[
            indicator(
                "Part de produits bio",
                target="60",
                baseline="20",
                measurements=[("2024-06-01", "40"), ("2024-01-01", "30")],
            )
        ],
    )
    ActionFactory(page=pessac, sector=catering, status=ActionStatus.IN_PROGRESS, progress=50)
    ActionFactory(page=pessac, sector=office, status=ActionStatus.ABANDONED, progress=10)
    ActionFactory(
        page=pessac,
        title="Charte achats",
        sector=None,
        status=ActionStatus.PLANNED,
        progress=0,
        indicators=[indicator("Marchés avec clause", target="12", measurements=[], unit="")],
    )

    haillan = StructurePageFactory(
        parent=directory,
        title="Le Haillan",
        slug="le-haillan",
        action_plan_is_illustrative=True,
    )
    JourneyStageFactory(
        page=haillan,
        step=JourneyStep.KICK_OFF,
        status=StepStatus.DONE,
        actual_date=datetime.date(2024, 1, 10),
    )
    CommitmentRecordFactory(
        page=haillan, commitment=ProgrammeCommitment.TRAINING, date=datetime.date(2024, 4, 2)
    )
    ActionFactory(
        page=haillan,
        title="Papier recyclé",
        sector=catering,
        status=ActionStatus.IN_PROGRESS,
        progress=30,
        indicators=[
            indicator(
                "Ramettes achetées",
                target="100",
                baseline="500",
                measurements=[("2024-05-01", "300")],
                unit="ramettes",
            )
        ],
    )
    ActionFactory(page=haillan, sector=computing, status=ActionStatus.ABANDONED, progress=80)
    return {"pessac": pessac, "haillan": haillan}


def structures_for(directory, user, rf):
    request = rf.get(URL)
    request.user = user
    return dashboard_structures(directory, request)


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def table_cells(table):
    """``{row heading without its illustrative mark: [cell texts]}`` of ``table``'s body."""
    cells = {}
    for row in table.tbody.find_all("tr"):
        heading = row.th.a or row.th
        cells[next(heading.stripped_strings)] = [
            td.get_text(strip=True) for td in row.find_all("td")
        ]
    return cells


# Access


def test_dashboard_sends_anonymous_visitors_to_the_login_page(client, directory):
    response = client.get(URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/comptes/login/?next={URL}"


@pytest.mark.parametrize("status", [User.Status.PENDING, User.Status.REFUSED])
def test_dashboard_refuses_accounts_that_are_not_network_members(client, directory, status):
    client.force_login(UserFactory(status=status))

    response = client.get(URL)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "knowledge/dashboard.html" not in [template.name for template in response.templates]


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_dashboard_is_open_to_members_and_coordinators(client, directory, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(URL)

    assert response.status_code == HTTPStatus.OK
    assert "knowledge/dashboard.html" in [template.name for template in response.templates]


def test_dashboard_without_structures_says_so(member_client, directory):
    html = member_client.get(URL).content.decode()

    assert "<svg" not in html
    assert 'class="empty"' in html


# Figures


def test_journey_matrix_gives_each_steps_status_in_programme_order(directory, network, member, rf):
    matrix = journey_matrix(structures_for(directory, member, rf))

    haillan, pessac = matrix["rows"]  # by title
    assert pessac["structure"] == network["pessac"]
    assert [cell["step"] for cell in pessac["cells"]] == list(JourneyStep)
    assert [cell["status"] for cell in pessac["cells"]] == [
        StepStatus.DONE,
        StepStatus.IN_PROGRESS,
        StepStatus.UPCOMING,
        *[None] * 5,
    ]
    assert pessac["cells"][0]["stage"].actual_date == datetime.date(2024, 1, 10)
    assert [step["done_count"] for step in matrix["steps"]] == [2, 0, 0, 0, 0, 0, 0, 0]
    assert [step["number"] for step in matrix["steps"]] == list(range(1, 9))
    assert matrix["illustrative"] is False


def test_commitment_table_counts_commitments_with_a_date(directory, network, member, rf):
    table = commitment_table(structures_for(directory, member, rf))

    haillan, pessac = table["rows"]
    assert (pessac["met"], pessac["total"]) == (2, 7)
    assert haillan["met"] == 1
    dates = {cell["commitment"]: cell["date"] for cell in pessac["cells"]}
    assert dates[ProgrammeCommitment.DELIBERATION] == datetime.date(2024, 2, 15)
    assert dates[ProgrammeCommitment.REFERENTS] is None
    met = {row["value"]: row["met_count"] for row in table["commitments"]}
    assert met[ProgrammeCommitment.TRAINING] == 2
    assert met[ProgrammeCommitment.DELIBERATION] == 1
    assert met[ProgrammeCommitment.REFERENTS] == 0


def test_completion_by_structure_leaves_abandoned_actions_out_of_the_average(
    directory, network, member, rf
):
    haillan, pessac = completion_by_structure(structures_for(directory, member, rf))

    assert pessac["average"] == 50  # (100 + 50 + 0) / 3; the abandoned 10 is left out
    assert pessac["total"] == 4
    assert pessac["by_status"] == {
        ActionStatus.PLANNED: 1,
        ActionStatus.IN_PROGRESS: 1,
        ActionStatus.DONE: 1,
        ActionStatus.ABANDONED: 1,
    }
    assert haillan["average"] == 30
    assert haillan["illustrative"] is True


def test_completion_by_sector_groups_every_structures_actions(directory, network, member, rf):
    rows = completion_by_sector(structures_for(directory, member, rf))

    by_label = {row["label"]: row for row in rows}
    catering = by_label["Restauration collective"]
    assert catering["average"] == 60  # (100 + 50 + 30) / 3
    assert catering["structure_count"] == 2
    assert catering["by_status"][ActionStatus.IN_PROGRESS] == 2
    assert catering["illustrative"] is True
    assert by_label["Fournitures de bureau"]["average"] is None  # only an abandoned action
    assert by_label["Fournitures de bureau"]["illustrative"] is False
    assert rows[-1]["sector"] is None
    assert rows[-1]["label"] == "Sans secteur"
    assert rows[-1]["average"] == 0


def test_indicator_rows_list_every_indicator_with_its_latest_measurement(
    directory, network, member, rf
):
    rows = indicator_rows(structures_for(directory, member, rf))

    assert [(row["structure"].title, row["name"]) for row in rows] == [
        ("Le Haillan", "Ramettes achetées"),
        ("Pessac", "Part de produits bio"),
        ("Pessac", "Marchés avec clause"),
    ]
    paper, organic, clauses = rows
    assert paper["progress"] == 50  # from 500 down to 300, on the way to 100
    assert organic["progress"] == 50  # from 20 up to 40, on the way to 60
    assert str(organic["latest"]["value"]) == "40"
    assert organic["action"].title == "Repas bio"
    assert clauses["latest"] is None
    assert clauses["progress"] is None


def test_mean_rounds_half_up():
    assert rounded_mean([]) is None
    assert rounded_mean([1, 2]) == 2
    assert rounded_mean([100, 50, 25]) == 58


def test_bar_chart_scales_bars_to_the_maximum():
    chart = charts.bar_chart(
        [
            {
                "label": "Un nom de structure bien trop long pour l'axe",
                "value": 7,
                "value_text": "7",
            },
            {"label": "Rien", "value": None, "value_text": "–"},
        ],
        maximum=7,
        ticks=range(8),
        tick_text=str,
    )

    full, empty = chart["rows"]
    assert full["bar_width"] == charts.BAR_AREA
    assert full["label"].endswith("…")
    assert len(full["label"]) == charts.LABEL_LENGTH
    assert full["full_label"] == "Un nom de structure bien trop long pour l'axe"
    assert empty["has_bar"] is False
    assert len(chart["ticks"]) == 8


# The page


def test_dashboard_tables_show_the_figures(member_client, network):
    html = soup(member_client.get(URL))

    completion = table_cells(html.find(id="plans-d-actions").find("table"))
    # average, number of actions, then planned / in progress / done / abandoned
    assert completion["Pessac"] == ["50\xa0%", "4", "1", "1", "1", "1"]
    assert completion["Le Haillan"][:2] == ["30\xa0%", "2"]

    sectors = table_cells(html.find(id="secteurs").find("table"))
    # structures, average, number of actions
    assert sectors["Restauration collective"][:3] == ["2", "60\xa0%", "3"]
    assert sectors["Sans secteur"][:3] == ["1", "0\xa0%", "1"]

    commitments = html.find(id="engagements").find("table")
    pessac_row = commitments.tbody.find("a", string="Pessac").find_parent("tr")
    assert "2 sur 7" in pessac_row.get_text()
    assert "15/02/2024" in pessac_row.get_text()

    journey = html.find(id="parcours").find("table")
    pessac_row = journey.tbody.find("a", string="Pessac").find_parent("tr")
    first_step = pessac_row.find_all("td")[0].get_text(" ", strip=True)
    assert "10/01/2024" in first_step
    assert "08/01/2024" in first_step

    indicators = html.find(id="indicateurs").find("table").get_text(" ", strip=True)
    assert "Part de produits bio" in indicators
    assert "300\xa0ramettes" in indicators


def test_dashboard_describes_charts_and_tables_accessibly(member_client, network):
    html = soup(member_client.get(URL))

    svgs = html.find_all("svg")
    charts_drawn = [svg for svg in svgs if svg.get("role") == "img"]
    # Journey, commitments, by structure, by sector, progress per quarter.
    assert len(charts_drawn) == 5
    for svg in charts_drawn:
        labelled_by = svg["aria-labelledby"].split()
        assert svg.find("title", recursive=False)["id"] == labelled_by[0]
        assert svg.find("title", recursive=False).get_text(strip=True)
        assert svg.find("desc", recursive=False)["id"] == labelled_by[1]
    for svg in svgs:
        assert svg.get("role") == "img" or svg.get("aria-hidden") == "true"
    for table in html.find_all("table"):
        assert table.caption.get_text(strip=True)
        assert all(th.get("scope") in {"col", "row"} for th in table.find_all("th"))


def test_dashboard_obeys_the_content_security_policy(member_client, network):
    html = member_client.get(URL).content.decode()

    assert "style=" not in html
    assert "<script" not in html
    assert 'href="/static/knowledge/css/dashboard.css"' in html
    # French number formatting must not reach SVG coordinates.
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', html)


def test_dashboard_flags_illustrative_data_section_by_section(member_client, network):
    html = soup(member_client.get(URL))

    assert html.find(id="parcours").find(class_="dashboard-note") is None
    assert html.find(id="engagements").find(class_="dashboard-note") is None
    for section in ["plans-d-actions", "secteurs", "indicateurs"]:
        assert html.find(id=section).find(class_="dashboard-note") is not None
    labels = [text.get_text() for text in html.find(id="chart-completion").select(".chart__label")]
    assert labels == ["Le Haillan *", "Pessac"]


def test_dashboard_links_each_structure_to_its_page(member_client, network):
    html = soup(member_client.get(URL))

    assert html.find(id="parcours").find("a", href="/structures/pessac/")
    assert html.find("a", href="/structures/", string="Retour à l'annuaire des structures")


def test_dashboard_leaves_out_drafts_and_structures_the_user_cannot_see(
    client, member, coordinator, directory
):
    StructurePageFactory(parent=directory, title="Pessac")
    StructurePageFactory(parent=directory, title="Brouillon de Bègles", live=False)
    members_only = StructurePageFactory(parent=directory, title="Réservée aux connectés")
    PageViewRestriction.objects.create(page=members_only, restriction_type="login")
    staff_only = StructurePageFactory(parent=directory, title="Réservée à la coordination")
    restriction = PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Coordination")])

    client.force_login(member)
    seen_by_member = client.get(URL).content.decode()
    client.force_login(coordinator)
    seen_by_coordinator = client.get(URL).content.decode()

    assert "Pessac" in seen_by_member
    assert "Réservée aux connectés" in seen_by_member
    assert "Brouillon de Bègles" not in seen_by_member
    assert "Réservée à la coordination" not in seen_by_member
    assert "Réservée à la coordination" in seen_by_coordinator
    assert "Brouillon de Bègles" not in seen_by_coordinator


def add_structures(directory, count, sectors):
    for _ in range(count):
        structure = StructurePageFactory(parent=directory)
        JourneyStageFactory(page=structure, step=JourneyStep.KICK_OFF, status=StepStatus.DONE)
        JourneyStageFactory(page=structure, step=JourneyStep.INTERVIEWS)
        CommitmentRecordFactory(
            page=structure, commitment=ProgrammeCommitment.TRAINING, date=datetime.date.today()
        )
        for number, sector in enumerate(sectors):
            ActionFactory(
                page=structure,
                sector=sector,
                progress=number * 10,
                indicators=[indicator("Indicateur", "10", [("2024-01-01", "5")])],
            )


def queries_for(client):
    """Queries of a warm request (the first one fills per-process caches: site, content types)."""
    client.get(URL)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == HTTPStatus.OK
    return len(captured)


def test_dashboard_queries_do_not_grow_with_the_number_of_structures(member_client, directory):
    sectors = [*Sector.objects.all()[:3], None]
    add_structures(directory, 2, sectors)
    few = queries_for(member_client)

    add_structures(directory, 10, sectors)
    many = queries_for(member_client)

    assert many == few


def test_the_directory_links_members_to_the_dashboard_and_visitors_not(client, directory):
    assert "/structures/tableau-de-bord/" not in client.get("/structures/").content.decode()

    client.force_login(UserFactory(status=User.Status.APPROVED))

    assert "/structures/tableau-de-bord/" in client.get("/structures/").content.decode()


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Pessac", "Pessac"),
        ("SDIS 24 (Service départemental d'incendie et de secours de la Dordogne)", "SDIS 24"),
        ("Communauté de communes de Montfort-en-Chalosse", "CC de Montfort-en-Chalosse"),
        ("Communauté de communes du Pays de Coutras", "CC du Pays de Coutras"),
    ],
)
def test_chart_labels_keep_long_structure_names_distinct(name, label):
    assert charts.shorten(name) == label


def test_french_labels_keep_the_space_before_their_colon(member_client, directory):
    structure = StructurePageFactory(parent=directory, title="Pessac")
    CommitmentRecordFactory(
        page=structure, commitment=ProgrammeCommitment.DELIBERATION, date=datetime.date(2010, 2, 1)
    )
    ActionFactory(page=structure, progress=40)

    html = member_client.get(URL).content.decode()

    assert "Faire délibérer le conseil sur ces engagements : tenu par 1 structure" in html
    assert "Pessac : 40" in html
