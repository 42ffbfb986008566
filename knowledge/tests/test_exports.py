import csv
import datetime
import io
from decimal import Decimal
from http import HTTPStatus

import openpyxl
import pytest
import tablib
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import PageViewRestriction

from knowledge.tests.factories import ActionFactory, SectorFactory, StructurePageFactory
from knowledge.vocabularies import ActionStatus, SectionVisibility
from members.models import User
from members.tests.factories import UserFactory

URL = "/structures/pessac/plan-d-actions/{}/"


@pytest.fixture
def structure(directory):
    structure = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    ActionFactory(
        page=structure,
        title="Menus bio",
        description="Passer à 50 % de bio à la cantine.",
        sector=SectorFactory(name="Restauration collective", slug="restauration-collective"),
        owner="Service restauration",
        start_date=datetime.date(2025, 1, 15),
        due_date=datetime.date(2025, 12, 31),
        status=ActionStatus.IN_PROGRESS,
        progress=40,
        indicators=[
            (
                "indicator",
                {
                    "name": "Part de bio",
                    "unit": "%",
                    "baseline": Decimal("10"),
                    "target": Decimal("50"),
                    "measurements": [
                        {"date": datetime.date(2025, 2, 1), "value": Decimal("30")},
                    ],
                },
            )
        ],
    )
    ActionFactory(page=structure, title="Papier recyclé", status=ActionStatus.DONE, progress=100)
    return structure


@pytest.fixture
def members_only_plan(structure):
    structure.action_plan_visibility = SectionVisibility.MEMBERS
    structure.save()
    return structure


def headers():
    with translation.override("fr"):
        return gettext("Action"), gettext("Progress (%)"), gettext("Indicators")


def rows_by_title(rows):
    """``{action title: {header: value}}`` from a sheet's rows, headers first."""
    header, *lines = rows
    return {line[0]: dict(zip(header, line, strict=True)) for line in lines}


def test_csv_export_lists_the_actions_with_their_progress(client, structure):
    response = client.get(URL.format("csv"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="plan-actions-pessac.csv"'
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    rows = rows_by_title(list(csv.reader(io.StringIO(text), delimiter=";")))
    action, progress, indicators = headers()
    assert set(rows) == {"Menus bio", "Papier recyclé"}
    menus = rows["Menus bio"]
    assert menus[progress] == "40" and rows["Papier recyclé"][progress] == "100"
    assert "2025-01-15" in menus.values() and "2025-12-31" in menus.values()
    assert "Restauration collective" in menus.values()
    assert menus[indicators] == "Part de bio : 30 % / 50 % (01/02/2025)"


def test_xlsx_export_has_real_numbers_and_dates(client, structure):
    response = client.get(URL.format("xlsx"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "plan-actions-pessac.xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = rows_by_title([list(row) for row in sheet.iter_rows(values_only=True)])
    _, progress, _ = headers()
    assert rows["Menus bio"][progress] == 40
    assert rows["Papier recyclé"][progress] == 100
    assert datetime.datetime(2025, 1, 15) in rows["Menus bio"].values()


def test_ods_export_has_real_numbers_and_dates(client, structure):
    response = client.get(URL.format("ods"))

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert "plan-actions-pessac.ods" in response["Content-Disposition"]
    dataset = tablib.Dataset().load(response.content, format="ods")
    rows = rows_by_title([dataset.headers, *dataset])
    _, progress, _ = headers()
    assert rows["Menus bio"][progress] == 40
    assert rows["Papier recyclé"][progress] == 100
    assert datetime.date(2025, 1, 15) in rows["Menus bio"].values()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exports_keep_formulas_written_by_teams_as_text(client, structure, file_format):
    ActionFactory(page=structure, title='=HYPERLINK("https://exemple.fr")', progress=5)

    content = client.get(URL.format(file_format)).content

    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
        titles = [row[0] for row in rows]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        titles = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert '\'=HYPERLINK("https://exemple.fr")' in titles


def test_unknown_format_is_not_found(client, structure):
    assert client.get(URL.format("pdf")).status_code == HTTPStatus.NOT_FOUND


def test_members_only_plan_sends_visitors_to_login(client, members_only_plan):
    response = client.get(URL.format("csv"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/comptes/login/?next=" + URL.format("csv")


def test_members_only_plan_is_forbidden_to_accounts_awaiting_approval(client, members_only_plan):
    client.force_login(UserFactory(status=User.Status.PENDING))

    assert client.get(URL.format("csv")).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize("file_format", ["csv", "ods", "xlsx"])
def test_members_only_plan_is_served_to_network_members(client, members_only_plan, file_format):
    client.force_login(UserFactory(status=User.Status.APPROVED))

    response = client.get(URL.format(file_format))

    assert response.status_code == HTTPStatus.OK
    assert "private" in response["Cache-Control"]


def test_export_of_a_restricted_structure_page_follows_the_page_restriction(client, structure):
    PageViewRestriction.objects.create(page=structure, restriction_type="login")

    response = client.get(URL.format("csv"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")


def test_export_of_a_draft_structure_is_not_found(client, structure):
    structure.unpublish()

    assert client.get(URL.format("csv")).status_code == HTTPStatus.NOT_FOUND
