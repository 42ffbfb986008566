"""The assessment (bilan): a structure page's fifth section, public or for members, edited by
the structure's team; and teams writing lessons learned."""

from html import unescape
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge.models import LessonIndexPage, LessonKind, LessonPage
from knowledge.tests.factories import ActionFactory, DiagnosticItemFactory, StructurePageFactory
from knowledge.vocabularies import ActionStatus, SectionVisibility, StructureSection
from members.models import Membership, User
from members.tests.factories import UserFactory

URL = "/structures/pessac/"


@pytest.fixture
def structure(directory):
    structure = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    ActionFactory(
        page=structure,
        title="Papier recyclé",
        status=ActionStatus.DONE,
        progress=100,
        outcome="Objectif dépassé en six mois.",
    )
    structure.assessment_achieved = "Les **premières clauses** sont en place."
    structure.assessment_shortfalls = "Le sourcing a commencé trop tard."
    structure.assessment_next_steps = "Étendre aux travaux."
    structure.assessment_network_lessons = "Associer les élus. <script>alert(1)</script>"
    structure.save()
    return structure


def html_of(response):
    assert response.status_code == HTTPStatus.OK
    return unescape(response.content.decode())


def test_assessment_is_the_fifth_section_anchored_bilan():
    assert list(StructureSection)[4] == StructureSection.ASSESSMENT
    assert StructureSection.ASSESSMENT.anchor == "bilan"


def test_public_assessment_shows_its_texts_and_each_actions_outcome(client, structure):
    response = client.get(URL)
    html = html_of(response)

    assert 'id="bilan"' in html
    assert 'href="#bilan"' in html  # in the page's table of contents
    assert "<strong>premières clauses</strong>" in html
    for text in ["Le sourcing a commencé trop tard.", "Étendre aux travaux.", "Associer les élus."]:
        assert text in html
    assert "Objectif dépassé en six mois." in html
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("reader", ["visitor", "pending"])
def test_members_only_assessment_is_absent_for_non_members(client, structure, pending_user, reader):
    structure.assessment_visibility = SectionVisibility.MEMBERS
    structure.save()
    if reader == "pending":
        client.force_login(pending_user)

    html = html_of(client.get(URL))

    assert "Le sourcing a commencé trop tard." not in html
    assert "Objectif dépassé en six mois." not in html
    assert 'id="bilan"' in html  # the section says it is for members


def test_members_only_assessment_is_shown_to_members(client, structure, member):
    structure.assessment_visibility = SectionVisibility.MEMBERS
    structure.save()
    client.force_login(member)

    html = html_of(client.get(URL))

    assert "Le sourcing a commencé trop tard." in html


def test_public_assessment_keeps_a_members_only_plan_for_members(client, structure, member):
    structure.action_plan_visibility = SectionVisibility.MEMBERS
    structure.save()

    visitor = html_of(client.get(URL))
    client.force_login(member)
    as_member = html_of(client.get(URL))

    assert "Le sourcing a commencé trop tard." in visitor
    assert "Papier recyclé" not in visitor
    assert "Objectif dépassé en six mois." not in visitor
    assert "Objectif dépassé en six mois." in as_member


def test_illustrative_assessment_is_labelled(client, structure):
    structure.assessment_is_illustrative = True
    structure.save()

    html = html_of(client.get(URL))
    section = html[html.index('id="bilan"') :]

    assert 'class="illustrative"' in section


def test_search_text_holds_the_assessment_only_when_public(structure):
    assert "trop tard" in structure.public_sections_text()

    structure.assessment_visibility = SectionVisibility.MEMBERS

    assert "trop tard" not in structure.public_sections_text()


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def add_lessons(index, structure, count):
    kind = LessonKind.objects.get(slug="levier")
    for _ in range(count):
        lesson = LessonPage(title="Enseignement", summary="Résumé", kind=kind)
        index.add_child(instance=lesson)
        item = DiagnosticItemFactory(page=structure)
        action = ActionFactory(page=structure)
        lesson.structures.set([structure])
        lesson.assessments.set([structure])
        lesson.diagnostic_items.set([item])
        lesson.actions.set([action])
        lesson.save_revision().publish()


def test_structure_page_queries_do_not_grow_with_lessons(client, structure, lessons, member):
    client.force_login(member)
    add_lessons(lessons, structure, 2)
    few = queries_for(client, URL)

    add_lessons(lessons, structure, 15)
    many = queries_for(client, URL)

    assert many == few


def team_member(structure):
    user = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=user, structure=structure, role=Membership.Role.TEAM)
    return User.objects.get(pk=user.pk)


def test_team_edits_the_assessment_in_its_own_tab(client, pessac):
    client.force_login(team_member(pessac))

    html = html_of(client.get(f"/admin/pages/{pessac.pk}/edit/"))

    assert ">Bilan<" in html or "Bilan\n" in html
    assert 'name="assessment_achieved"' in html
    assert 'name="assessment_visibility"' in html


@pytest.mark.parametrize("structure_saved_again", [True, False])
def test_a_team_may_write_a_lesson(client, home_page, pessac, structure_saved_again):
    member = team_member(pessac)
    lessons = home_page.add_child(instance=LessonIndexPage(title="Enseignements"))
    if structure_saved_again:  # as well as when the index is created
        pessac.save()
    client.force_login(member)

    response = client.get(f"/admin/pages/add/knowledge/lessonpage/{lessons.pk}/")

    assert response.status_code == HTTPStatus.OK
    assert 'name="legal_levers"' in response.content.decode()
