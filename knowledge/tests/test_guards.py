"""Guards that a deliberate mutation once slipped past: spreadsheet formulas, the structure
page's edit form.

Each test names the rule it holds; breaking that rule in the code makes it fail.
"""

import csv
import io
import json
from http import HTTPStatus

import openpyxl
import pytest

from knowledge.models import JourneyStage
from knowledge.tests.factories import ActionFactory, StructurePageFactory
from knowledge.vocabularies import JourneyStep, ProgrammeCommitment, StepStatus, StructureSection

# Every character that makes a spreadsheet read a CSV cell as a formula (OWASP's list).
FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]
SECTIONS = StructureSection.values  # every section has its visibility setting


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


# The structure page's edit form: no step or commitment twice.


def edit_data(client, page, **rows):
    """The admin edit form's data for ``page``, with the inline lists given by ``rows``
    (``{"journey_stages": [{...}, ...]}``) and the others empty."""
    form = client.get(f"/admin/pages/{page.pk}/edit/").context["form"]
    data = {
        "title": page.title,
        "slug": page.slug,
        "structure_type": page.structure_type_id,
        "departement": page.departement_id,
        "body": json.dumps({"blocks": [], "entityMap": {}}),
        **{f"{section}_visibility": "public" for section in SECTIONS},
    }
    for formset in form.formsets.values():
        data[f"{formset.prefix}-TOTAL_FORMS"] = "0"
        data[f"{formset.prefix}-INITIAL_FORMS"] = "0"
    for prefix, forms in rows.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(forms))
        for index, values in enumerate(forms):
            for key, value in values.items():
                data[f"{prefix}-{index}-{key}"] = value
            data[f"{prefix}-{index}-ORDER"] = str(index + 1)
    return data


def test_a_journey_step_listed_twice_is_refused_in_french(client, structure, coordinator):
    client.force_login(coordinator)
    stage = {"step": JourneyStep.KICK_OFF, "status": StepStatus.UPCOMING}
    data = edit_data(client, structure, journey_stages=[stage, stage])

    response = client.post(f"/admin/pages/{structure.pk}/edit/", data)

    assert response.status_code == HTTPStatus.OK
    assert "Cette étape figure déjà dans le parcours." in response.content.decode()
    assert not JourneyStage.objects.exists()


def test_two_different_journey_steps_are_saved(client, structure, coordinator):
    client.force_login(coordinator)
    data = edit_data(
        client,
        structure,
        journey_stages=[
            {"step": JourneyStep.KICK_OFF, "status": StepStatus.UPCOMING},
            {"step": JourneyStep.DIAGNOSTIC, "status": StepStatus.UPCOMING},
        ],
    )

    response = client.post(f"/admin/pages/{structure.pk}/edit/", {**data, "action-publish": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert sorted(JourneyStage.objects.values_list("step", flat=True)) == [
        "diagnostic",
        "reunion-lancement",
    ]


def test_a_deleted_duplicate_step_does_not_count(client, structure, coordinator):
    client.force_login(coordinator)
    stage = {"step": JourneyStep.KICK_OFF, "status": StepStatus.UPCOMING}
    data = edit_data(client, structure, journey_stages=[stage, {**stage, "DELETE": "on"}])

    response = client.post(f"/admin/pages/{structure.pk}/edit/", {**data, "action-publish": "1"})

    assert response.status_code == HTTPStatus.FOUND
    assert list(JourneyStage.objects.values_list("step", flat=True)) == ["reunion-lancement"]


def test_a_commitment_listed_twice_is_refused_in_french(client, structure, coordinator):
    client.force_login(coordinator)
    record = {"commitment": ProgrammeCommitment.DELIBERATION}
    data = edit_data(client, structure, commitment_records=[record, record])

    response = client.post(f"/admin/pages/{structure.pk}/edit/", data)

    assert response.status_code == HTTPStatus.OK
    assert "Cet engagement figure déjà dans la liste." in response.content.decode()
