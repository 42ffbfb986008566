"""Guards that a deliberate mutation once slipped past: spreadsheet formulas, the structure
page's edit form.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

import csv
import io
from http import HTTPStatus

import openpyxl
import pytest

from knowledge.tests.factories import ActionFactory, StructurePageFactory

# Every character that makes a spreadsheet read a CSV cell as a formula (OWASP's list).
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.fixture
def structure(directory):
    return StructurePageFactory(parent=directory, title="Pessac", slug="pessac")


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_csv_export_neutralises_every_formula_start_in_every_text_column(client, structure, start):
    ActionFactory(
        page=structure,
        title=f"{start}1+1",
        description=f"{start}cmd|' /C calc'!A0",
        owner=f"{start}SUM(A1:A2)",
        progress=5,
    )

    response = client.get("/structures/pessac/plan-d-actions/csv/")

    assert response.status_code == HTTPStatus.OK
    header, row = csv_rows(response)
    assert row[header.index("Action")] == f"'{start}1+1"
    assert row[header.index("Description")] == f"'{start}cmd|' /C calc'!A0"
    assert row[header.index("Pilote")] == f"'{start}SUM(A1:A2)"


def test_csv_export_leaves_ordinary_text_and_numbers_alone(client, structure):
    ActionFactory(page=structure, title="Menus bio", owner="Service achats", progress=40)

    header, row = csv_rows(client.get("/structures/pessac/plan-d-actions/csv/"))

    assert row[header.index("Action")] == "Menus bio"
    assert row[header.index("Pilote")] == "Service achats"
    assert row[header.index("Avancement (%)")] == "40"


def test_xlsx_export_keeps_an_equals_sign_as_text(client, structure):
    ActionFactory(page=structure, title="=1+1", progress=5)

    response = client.get("/structures/pessac/plan-d-actions/xlsx/")

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
