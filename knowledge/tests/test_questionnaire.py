"""The detailed questionnaire: a team's draft and submission, the coordination's comparison."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.models import (
    Answer,
    Question,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireSection,
)
from knowledge.tests.factories import StructurePageFactory, team_member
from members.models import User
from members.tests.factories import UserFactory

URL = "/structures/pessac/questionnaire/"
COMPARE = "/structures/questionnaire/"


@pytest.fixture
def structures(pessac_and_haillan):
    return pessac_and_haillan


@pytest.fixture
def questions(db):
    return [
        Question.objects.create(
            section=QuestionnaireSection.APPROACH,
            kind=QuestionKind.YES_NO,
            text="Avez-vous un Agenda 21 ?",
            sort_order=1,
        ),
        Question.objects.create(
            section=QuestionnaireSection.ORGANISATION,
            kind=QuestionKind.CHOICE,
            text="Organisation des achats ?",
            choices="Centralisée\nDécentralisée",
            sort_order=2,
        ),
        Question.objects.create(
            section=QuestionnaireSection.STAKES,
            kind=QuestionKind.TEXT,
            text="Secteur prioritaire ?",
            sort_order=3,
        ),
    ]


def answers(questions, *values, action="save"):
    data = {"action": action}
    for question, value in zip(questions, values, strict=True):
        data[f"q{question.pk}"] = value
    return data


def test_a_draft_is_saved_and_found_again(client, structures, questions):
    client.force_login(team_member(structures["pessac"]))
    response = client.post(URL, answers(questions, "yes", "", "=HYPERLINK(1)"))
    assert response.status_code == 302
    saved = QuestionnaireResponse.objects.get(structure=structures["pessac"])
    assert saved.status == QuestionnaireResponse.Status.DRAFT
    assert dict(saved.answers.values_list("question__text", "value")) == {
        "Avez-vous un Agenda 21 ?": "yes",
        "Secteur prioritaire ?": "=HYPERLINK(1)",
    }
    page = client.get(URL)
    assert {"private", "no-store"} <= set(page["Cache-Control"].replace(" ", "").split(","))
    html = page.content.decode()
    assert "Brouillon, dernier enregistrement le" in html
    yes = re.search(rf'<input[^>]*name="q{questions[0].pk}"[^>]*value="yes"[^>]*>', html)
    assert yes and "checked" in yes.group(0)
    assert "=HYPERLINK(1)</textarea>" in html


def test_submitting_needs_every_answer_then_locks_the_questionnaire(client, structures, questions):
    user = team_member(structures["pessac"])
    client.force_login(user)
    incomplete = client.post(URL, answers(questions, "yes", "", "", action="submit"))
    assert incomplete.status_code == 200
    assert "Répondez à cette question avant de soumettre." in incomplete.content.decode()
    assert QuestionnaireResponse.objects.get().status == "draft"

    complete = client.post(
        URL, answers(questions, "no", "Centralisée", "Restauration", action="submit")
    )
    assert complete.status_code == 302
    saved = QuestionnaireResponse.objects.get()
    assert saved.status == "submitted" and saved.submitted_by == user

    again = client.post(URL, answers(questions, "yes", "Décentralisée", "Autre", action="submit"))
    assert again.status_code == 409
    assert "déjà été soumis" in again.content.decode()
    assert Answer.objects.get(question=questions[2]).value == "Restauration"
    read = client.get(URL).content.decode()
    assert "Restauration" in read and "Non" in read  # the yes/no answer in words
    assert "Rouvrir le questionnaire" not in read  # only coordinators reopen


def test_a_coordinator_reopens_a_submitted_questionnaire(
    client, structures, questions, coordinator
):
    QuestionnaireResponse.objects.create(structure=structures["pessac"], status="submitted")
    team = team_member(structures["pessac"])
    client.force_login(team)
    assert client.post(URL + "rouvrir/").status_code == 403
    assert QuestionnaireResponse.objects.get().status == "submitted"

    client.force_login(coordinator)
    assert "Rouvrir le questionnaire" in client.get(URL).content.decode()
    response = client.post(URL + "rouvrir/")
    assert response.status_code == 302 and response["Location"] == URL
    reopened = QuestionnaireResponse.objects.get()
    assert reopened.status == "draft" and reopened.reopened_at is not None
    assert client.get(URL + "rouvrir/").status_code == 405


def test_an_unknown_choice_is_refused(client, structures, questions):
    client.force_login(team_member(structures["pessac"]))
    response = client.post(URL, answers(questions, "peut-être", "Ailleurs", ""))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide." in response.content.decode()
    assert not Answer.objects.exists()


@pytest.mark.parametrize("who", ["other_team", "member", "pending"])
def test_no_one_else_sees_or_changes_the_answers(client, structures, questions, who):
    draft = QuestionnaireResponse.objects.create(structure=structures["pessac"])
    Answer.objects.create(response=draft, question=questions[2], value="Secret de Pessac")
    user = {
        "other_team": lambda: team_member(structures["le-haillan"]),
        "member": lambda: UserFactory(status=User.Status.APPROVED),
        "pending": lambda: UserFactory(status=User.Status.PENDING),
    }[who]()
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, answers(questions, "yes", "", "x")).status_code == 403
    assert client.get(COMPARE).status_code == 403
    assert client.get(COMPARE + "csv/").status_code == 403
    assert Answer.objects.get().value == "Secret de Pessac"
    assert "Secret de Pessac" not in client.get("/structures/pessac/").content.decode()


def test_visitors_are_sent_to_the_login_page(client, structures, questions):
    for url in [URL, COMPARE, COMPARE + "xlsx/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/login/?next=")


def test_coordinators_compare_answers_question_by_question(
    client, structures, questions, coordinator
):
    pessac = QuestionnaireResponse.objects.create(
        structure=structures["pessac"], status="submitted"
    )
    Answer.objects.create(response=pessac, question=questions[0], value="yes")
    Answer.objects.create(response=pessac, question=questions[2], value="Restauration")
    haillan = QuestionnaireResponse.objects.create(structure=structures["le-haillan"])
    Answer.objects.create(response=haillan, question=questions[2], value="Fournitures")
    client.force_login(coordinator)

    html = client.get(COMPARE).content.decode()
    third = html.split("3. Secteur prioritaire ?")[1]
    assert third.index("Le Haillan") < third.index("Fournitures") < third.index("Pessac")
    assert third.index("Pessac") < third.index("Restauration")
    first = html.split("1. Avez-vous un Agenda 21 ?")[1].split("</table>")[0]
    assert "Oui" in first and "Aucune réponse" in first
    assert "(brouillon)" in first  # Le Haillan's draft is marked

    csv = client.get(COMPARE + "csv/")
    assert {"private", "no-store"} <= set(csv["Cache-Control"].replace(" ", "").split(","))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Partie;Question;Le Haillan;Pessac"
    assert lines[3].endswith(";Fournitures;Restauration")
    assert "Oui" in lines[1]
    for file_format in ["ods", "xlsx"]:
        assert client.get(COMPARE + file_format + "/").status_code == 200
    assert client.get(COMPARE + "pdf/").status_code == 404


def test_the_comparison_export_neutralises_formulas(client, structures, questions, coordinator):
    draft = QuestionnaireResponse.objects.create(structure=structures["pessac"])
    Answer.objects.create(response=draft, question=questions[2], value="=HYPERLINK(1)")
    client.force_login(coordinator)
    lines = client.get(COMPARE + "csv/").content.decode("utf-8-sig").splitlines()
    assert lines[3].endswith(";'=HYPERLINK(1)")


def test_the_comparison_costs_the_same_queries_with_more_structures(
    client, structures, questions, coordinator
):
    client.force_login(coordinator)
    client.get(COMPARE)
    with CaptureQueriesContext(connection) as few:
        client.get(COMPARE)
    directory = structures["pessac"].get_parent()
    for n in range(4):
        structure = StructurePageFactory(parent=directory, title=f"S{n}", slug=f"s{n}")
        response = QuestionnaireResponse.objects.create(structure=structure)
        Answer.objects.create(response=response, question=questions[2], value=f"réponse {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(COMPARE)
    assert len(many) == len(few)


def test_one_questionnaire_per_structure(structures):
    from django.db import IntegrityError, transaction

    QuestionnaireResponse.objects.create(structure=structures["pessac"])
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionnaireResponse.objects.create(structure=structures["pessac"])
