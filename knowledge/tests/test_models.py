from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from wagtail.blocks import StructValue

from knowledge.blocks import IndicatorBlock, MeasurementBlock, indicator_progress
from knowledge.models import (
    Action,
    Departement,
    JourneyStage,
    Sector,
    StructureType,
    TerritoryContext,
    Theme,
)
from knowledge.vocabularies import ActionStatus, JourneyStep, SizeBand, StepStatus


def messages(error):
    return [message for messages in error.message_dict.values() for message in messages]


@pytest.mark.django_db
def test_migrations_seed_every_vocabulary_with_french_entries():
    codes = list(Departement.objects.values_list("code", flat=True))
    assert codes == ["24", "33", "40", "47", "64"]
    assert "Établissement public" in StructureType.objects.values_list("name", flat=True)
    assert set(TerritoryContext.objects.values_list("slug", flat=True)) == {
        "urbain",
        "periurbain",
        "rural",
    }
    assert Sector.objects.filter(name="Restauration collective").exists()
    assert Theme.objects.count() >= 5


def test_an_action_due_before_it_starts_is_refused_in_french():
    action = Action(title="Papier recyclé", start_date=date(2010, 5, 1), due_date=date(2010, 4, 1))

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        action.clean()

    assert messages(error.value) == ["La date d'échéance ne peut pas précéder la date de début."]


@pytest.mark.parametrize("progress", [101, 250])
def test_progress_above_one_hundred_is_refused(progress):
    action = Action(title="Papier recyclé", progress=progress)

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        action.clean_fields(exclude=["page", "indicators"])

    assert "progress" in error.value.message_dict
    assert "100" in error.value.message_dict["progress"][0]


def test_an_actual_date_before_the_planned_one_is_fine():
    stage = JourneyStage(
        step=JourneyStep.DIAGNOSTIC,
        planned_date=date(2010, 4, 1),
        actual_date=date(2010, 3, 20),
        status=StepStatus.DONE,
    )

    stage.clean()


def test_a_step_marked_done_needs_the_date_it_took_place():
    stage = JourneyStage(step=JourneyStep.SEMINAR, status=StepStatus.DONE)

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        stage.clean()

    assert "actual_date" in error.value.message_dict


def indicator_data(**overrides):
    return {
        "name": "Part de produits bio",
        "unit": "%",
        "baseline": "5",
        "target": "20",
        "measurements": [{"date": "2010-06-30", "value": "8"}],
        **overrides,
    }


@pytest.mark.parametrize("value", ["beaucoup", "12,5,3", ""])
def test_an_indicator_value_that_is_not_a_number_is_refused_in_french(value):
    block = MeasurementBlock()
    # What the editor's form hands over: the text as typed.
    typed = StructValue(block, [("date", date(2010, 6, 30)), ("value", value)])

    with translation.override("fr"), pytest.raises(ValidationError) as error:
        block.clean(typed)

    assert "value" in error.value.block_errors


def test_an_indicator_whose_target_equals_its_start_is_refused():
    block = IndicatorBlock()

    with pytest.raises(ValidationError):
        block.clean(block.to_python(indicator_data(baseline="20", target="20")))


@pytest.mark.parametrize(
    ("baseline", "target", "latest", "expected"),
    [
        ("5", "20", "8", 20),  # going up: 3 of the 15 points to gain
        ("1000", "200", "600", 50),  # going down: half the way
        ("0", "50", "80", 100),  # beyond the target: capped
        ("10", "80", "5", 0),  # worse than the start: floored
    ],
)
def test_indicator_progress_runs_from_the_start_to_the_target(baseline, target, latest, expected):
    block = IndicatorBlock()
    value = block.to_python(
        indicator_data(
            baseline=baseline,
            target=target,
            measurements=[
                {"date": "2010-01-01", "value": baseline},
                {"date": "2010-06-30", "value": latest},
            ],
        )
    )

    assert indicator_progress(value) == expected


def test_indicator_progress_uses_the_latest_measurement_whatever_their_order():
    value = IndicatorBlock().to_python(
        indicator_data(
            measurements=[
                {"date": "2010-06-30", "value": "20"},
                {"date": "2010-01-01", "value": "5"},
            ]
        )
    )

    assert indicator_progress(value) == 100


def test_an_indicator_without_measurement_has_no_progress():
    value = IndicatorBlock().to_python(indicator_data(measurements=[]))

    assert indicator_progress(value) is None


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (None, None),
        (9_999, SizeBand.SMALL),
        (10_000, SizeBand.MEDIUM),
        (57_000, SizeBand.LARGE),
        (410_000, SizeBand.VERY_LARGE),
    ],
)
def test_size_band_follows_the_population(population, band):
    assert SizeBand.for_population(population) == band


def test_decimal_indicator_values_keep_their_precision():
    value = IndicatorBlock().to_python(
        indicator_data(measurements=[{"date": "2010-06-30", "value": "12.75"}])
    )

    assert value["measurements"][0]["value"] == Decimal("12.75")


def test_a_done_action_counts_as_complete():
    action = Action(title="Papier recyclé", status=ActionStatus.DONE, progress=60)

    action.clean()

    assert action.progress == 100
