"""Blocks of the knowledge base: an action's indicators and their dated measurements."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class MeasurementBlock(blocks.StructBlock):
    date = blocks.DateBlock(label=_("date"))
    value = blocks.DecimalBlock(label=_("value"), max_digits=14, decimal_places=2)

    class Meta:
        icon = "date"
        label = _("measurement")


class IndicatorBlock(blocks.StructBlock):
    """What an action is measured by: a starting value, a target and dated measurements.

    Progress runs from the baseline (zero when there is none) to the target, so an indicator
    meant to go down (sheets of paper bought, litres of fuel) works as well as one meant to go
    up (share of organic food).
    """

    name = blocks.CharBlock(label=_("indicator"), max_length=200)
    unit = blocks.CharBlock(
        label=_("unit"), max_length=40, required=False, help_text=_("e.g. %, €, tonnes")
    )
    baseline = blocks.DecimalBlock(
        label=_("starting value"), max_digits=14, decimal_places=2, required=False
    )
    target = blocks.DecimalBlock(label=_("target"), max_digits=14, decimal_places=2)
    measurements = blocks.ListBlock(MeasurementBlock(), label=_("measurements"))

    class Meta:
        icon = "table"
        label = _("indicator")

    def clean(self, value):
        value = super().clean(value)
        baseline = value.get("baseline")
        if baseline is not None and baseline == value.get("target"):
            raise StructBlockValidationError(
                block_errors={
                    "target": ValidationError(_("The target must differ from the starting value."))
                }
            )
        return value


class IndicatorsBlock(blocks.StreamBlock):
    indicator = IndicatorBlock()

    class Meta:
        label = _("indicators")


def indicator_progress(indicator):
    """Percentage (0-100) of the way from baseline to target reached by the latest measurement.

    ``None`` when the indicator has no measurement yet.
    """
    measurements = sorted(indicator["measurements"], key=lambda measurement: measurement["date"])
    if not measurements:
        return None
    baseline = indicator.get("baseline") or Decimal(0)
    target = indicator["target"]
    if target == baseline:
        return None
    share = (measurements[-1]["value"] - baseline) / (target - baseline) * 100
    return max(0, min(100, round(share)))
