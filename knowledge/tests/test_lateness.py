"""The lateness rules (``knowledge.lateness``) against known dates."""

import datetime

import pytest
from django.utils import timezone, translation

from knowledge.lateness import (
    LateKind,
    add_months,
    late_items,
    structures_with_late_items,
)
from knowledge.models import (
    HandoutItem,
    HandoutList,
    HandoutProgress,
    QuestionnaireResponse,
)
from knowledge.tests.factories import ActionFactory, JourneyStageFactory, StructurePageFactory
from knowledge.vocabularies import ActionStatus, JourneyStep, StepStatus

pytestmark = pytest.mark.db_sensitive

D = datetime.date


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


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


def items_of(structure, as_of, kind=None):
    found = late_items([structure], as_of)[structure.pk]
    return [item for item in found if kind is None or item.kind == kind]


@pytest.fixture
def structure(directory):
    return StructurePageFactory(parent=directory, title="Pessac", slug="pessac")


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2010, 1, 15), 6, D(2010, 7, 15)),
        (D(2009, 8, 31), 6, D(2010, 2, 28)),
        (D(2010, 6, 30), -6, D(2009, 12, 30)),
        (D(2010, 3, 31), -1, D(2010, 2, 28)),
        (D(2011, 11, 30), 3, D(2012, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_a_step_is_late_the_day_after_its_planned_date(structure):
    JourneyStageFactory(
        page=structure,
        step=JourneyStep.INTERVIEWS,
        planned_date=D(2010, 3, 1),
        status=StepStatus.IN_PROGRESS,
    )
    assert items_of(structure, D(2010, 3, 1)) == []  # due today is not late
    [item] = items_of(structure, D(2010, 3, 2))
    assert item.kind == LateKind.STEP
    assert item.label == "Entretiens avec les élus et les directeurs"
    assert item.since == D(2010, 3, 1)
    assert item.days_late(D(2010, 3, 11)) == 10
    assert item.kind_label == "Étape du parcours"
    assert item.detail == "en cours"


def test_a_done_step_is_not_late(structure):
    JourneyStageFactory(
        page=structure,
        step=JourneyStep.KICK_OFF,
        planned_date=D(2010, 1, 8),
        actual_date=D(2010, 1, 20),
        status=StepStatus.DONE,
    )
    assert items_of(structure, D(2010, 6, 30)) == []


def test_a_step_that_took_place_after_the_day_looked_from_was_late_on_that_day(structure):
    JourneyStageFactory(
        page=structure,
        step=JourneyStep.KICK_OFF,
        planned_date=D(2010, 1, 8),
        actual_date=D(2010, 1, 20),
        status=StepStatus.DONE,
    )
    [item] = items_of(structure, D(2010, 1, 15))
    assert item.since == D(2010, 1, 8)
    assert items_of(structure, D(2010, 1, 20)) == []


def test_an_action_is_late_after_its_due_date_unless_done_or_abandoned(structure):
    late = ActionFactory(
        page=structure, title="Clause d'insertion", due_date=D(2010, 4, 30), progress=40
    )
    ActionFactory(page=structure, due_date=D(2010, 1, 31), status=ActionStatus.DONE)
    ActionFactory(page=structure, due_date=D(2010, 1, 31), status=ActionStatus.ABANDONED)
    ActionFactory(page=structure, due_date=None)
    assert items_of(structure, D(2010, 4, 30)) == []
    [item] = items_of(structure, D(2010, 5, 1))
    assert (item.kind, item.label, item.since) == (LateKind.ACTION, late.title, D(2010, 4, 30))
    assert item.detail == "réalisée à 40 %"


def test_an_indicator_goes_stale_after_six_months_without_a_measurement(structure):
    ActionFactory(
        page=structure,
        title="Repas bio",
        status=ActionStatus.IN_PROGRESS,
        start_date=D(2009, 1, 5),
        indicators=[indicator("Part de bio", [D(2009, 6, 1), D(2010, 1, 15)])],
    )
    assert items_of(structure, D(2010, 7, 15), LateKind.INDICATOR) == []
    [item] = items_of(structure, D(2010, 7, 16), LateKind.INDICATOR)
    assert item.label == "Part de bio (Repas bio)"
    assert item.since == D(2010, 7, 15)
    assert item.detail == "dernière mesure le 15 janvier 2010"
    # A measurement taken after the day looked from does not count on that day.
    [item] = items_of(structure, D(2010, 1, 10), LateKind.INDICATOR)
    assert item.since == D(2009, 12, 1)


def test_the_stale_delay_is_a_parameter(structure):
    ActionFactory(
        page=structure,
        status=ActionStatus.IN_PROGRESS,
        indicators=[indicator("Part de bio", [D(2010, 1, 15)])],
    )
    as_of = D(2010, 3, 1)
    assert late_items([structure], as_of)[structure.pk] == []
    [item] = late_items([structure], as_of, stale_months=1)[structure.pk]
    assert item.since == D(2010, 2, 15)


def test_an_indicator_never_measured_is_stale_six_months_after_the_action_started(structure):
    ActionFactory(
        page=structure,
        status=ActionStatus.PLANNED,
        start_date=D(2010, 1, 4),
        indicators=[indicator("Tonnes évitées", [])],
    )
    assert items_of(structure, D(2010, 7, 4)) == []
    [item] = items_of(structure, D(2010, 7, 5))
    assert item.detail == "jamais mesuré depuis le début de l’action le 4 janvier 2010"


def test_indicators_of_finished_actions_or_without_any_date_are_not_stale(structure):
    ActionFactory(
        page=structure,
        status=ActionStatus.DONE,
        indicators=[indicator("Part de bio", [D(2008, 1, 15)])],
    )
    ActionFactory(page=structure, start_date=None, indicators=[indicator("Sans date", [])])
    assert items_of(structure, D(2010, 6, 30)) == []


@pytest.fixture
def handout_items(db):
    documents = [
        HandoutItem.objects.create(handout_list=HandoutList.KEY_DOCUMENTS, title=f"Doc {n}")
        for n in range(3)
    ]
    interviews = [
        HandoutItem.objects.create(handout_list=HandoutList.INTERVIEWS, title=f"Entretien {n}")
        for n in range(2)
    ]
    return documents, interviews


def test_handouts_are_due_by_the_planned_date_of_the_step_they_serve(structure, handout_items):
    documents, interviews = handout_items
    JourneyStageFactory(
        page=structure, step=JourneyStep.DOCUMENT_ANALYSIS, planned_date=D(2010, 2, 1)
    )
    JourneyStageFactory(page=structure, step=JourneyStep.INTERVIEWS, planned_date=D(2010, 3, 1))
    HandoutProgress.objects.create(structure=structure, item=documents[0], done=True)
    HandoutProgress.objects.create(
        structure=structure, item=documents[1], done=True, date=D(2010, 5, 1)
    )
    HandoutProgress.objects.create(structure=structure, item=interviews[0], done=False)

    assert items_of(structure, D(2010, 2, 1), LateKind.HANDOUT) == []
    [item] = items_of(structure, D(2010, 2, 2), LateKind.HANDOUT)
    assert (item.label, item.since) == ("Documents clés", D(2010, 2, 1))
    # The second document was gathered on 1 May: not yet on 2 February.
    assert item.detail == "1 document rassemblé sur 3"
    assert [i.detail for i in items_of(structure, D(2010, 5, 2), LateKind.HANDOUT)] == [
        "2 documents rassemblés sur 3",
        "0 entretien réalisé sur 2",
    ]


def test_a_complete_handout_is_not_late(structure, handout_items):
    documents, _interviews = handout_items
    JourneyStageFactory(
        page=structure, step=JourneyStep.DOCUMENT_ANALYSIS, planned_date=D(2010, 2, 1)
    )
    for item in documents:
        HandoutProgress.objects.create(structure=structure, item=item, done=True)
    assert items_of(structure, D(2010, 6, 30), LateKind.HANDOUT) == []


def test_without_a_planned_step_a_handout_has_no_due_date(structure, handout_items):
    assert items_of(structure, D(2010, 6, 30)) == []


def test_the_questionnaire_is_due_by_the_diagnostic(structure):
    JourneyStageFactory(page=structure, step=JourneyStep.DIAGNOSTIC, planned_date=D(2010, 4, 1))
    response = QuestionnaireResponse.objects.create(structure=structure)
    assert items_of(structure, D(2010, 4, 1)) == []
    [item] = items_of(structure, D(2010, 4, 2), LateKind.QUESTIONNAIRE)
    assert (item.since, item.detail) == (D(2010, 4, 1), "non envoyé")

    response.status = QuestionnaireResponse.Status.SUBMITTED
    response.submitted_at = timezone.make_aware(datetime.datetime(2010, 4, 20, 10))
    response.save()
    assert items_of(structure, D(2010, 4, 21), LateKind.QUESTIONNAIRE) == []
    assert len(items_of(structure, D(2010, 4, 19), LateKind.QUESTIONNAIRE)) == 1


def test_items_are_listed_oldest_first_and_per_structure(directory):
    pessac = StructurePageFactory(parent=directory, title="Pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan")
    ActionFactory(page=pessac, title="Récente", due_date=D(2010, 5, 1))
    ActionFactory(page=pessac, title="Ancienne", due_date=D(2010, 2, 1))
    found = late_items([pessac, haillan], D(2010, 6, 30))
    assert [item.label for item in found[pessac.pk]] == ["Ancienne", "Récente"]
    assert found[haillan.pk] == []


def test_structures_with_late_items_lists_live_structures_in_title_order(directory):
    pessac = StructurePageFactory(parent=directory, title="Pessac")
    StructurePageFactory(parent=directory, title="Brouillon", live=False)
    haillan = StructurePageFactory(parent=directory, title="Le Haillan")
    ActionFactory(page=haillan, due_date=D(2010, 5, 1))
    structures = structures_with_late_items(D(2010, 6, 30))
    assert [s.title for s in structures] == ["Le Haillan", "Pessac"]
    assert len(structures[0].late) == 1 and structures[1].late == []
    assert pessac.pk in {s.pk for s in structures}


def build_structure(directory, n):
    structure = StructurePageFactory(parent=directory)
    for step in (JourneyStep.DOCUMENT_ANALYSIS, JourneyStep.INTERVIEWS, JourneyStep.DIAGNOSTIC):
        JourneyStageFactory(page=structure, step=step, planned_date=D(2010, 2, n % 27 + 1))
    for _ in range(3):
        ActionFactory(
            page=structure,
            due_date=D(2010, 3, 1),
            start_date=D(2009, 1, 1),
            indicators=[indicator("Part", [D(2009, 6, 1)])],
        )
    return structure


def test_query_count_does_not_grow_with_structures(
    directory, handout_items, django_assert_num_queries
):
    for n in range(2):
        build_structure(directory, n)
    with django_assert_num_queries(6):
        small = structures_with_late_items(D(2010, 6, 30))
    for n in range(2, 22):
        build_structure(directory, n)
    with django_assert_num_queries(6):
        large = structures_with_late_items(D(2010, 6, 30))
    assert len(small) == 2 and len(large) == 22
    # Three steps, three actions, their three indicators, two lists, the questionnaire.
    assert all(len(s.late) == 3 + 3 + 3 + 2 + 1 for s in large)
