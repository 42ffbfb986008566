"""Indicators over time: one indicator's measurements as a chart and a table (the structure's
page), and the network's progress per quarter (the dashboard).

Plain functions over ``Action.get_indicators()`` and prefetched actions: they make no query of
their own, so they are tested against known data and cost nothing per structure.
"""

import datetime

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format
from django.utils.translation import gettext

from knowledge import charts
from knowledge.blocks import indicator_progress
from knowledge.models.sections import rounded_mean
from knowledge.vocabularies import ActionStatus

# The dashboard shows the last three years: older quarters add width, not insight.
QUARTER_LIMIT = 12
# Dates written under an indicator's chart: every one up to this many, else the first and last.
DATE_LABEL_LIMIT = 4
REFERENCE_LABEL_LENGTH = 16


def figure(value, unit=""):
    """A figure as the page writes it: ``1 234,5 t`` in French."""
    text = floatformat(value, "-2g")
    return f"{text}\u00a0{unit}" if unit else text


def indicator_history(indicator):
    """What the structure's page draws for one indicator (a ``get_indicators()`` dict).

    ``rows`` are the table's lines in order: the starting value (when there is one), each
    measurement by date (a ``none`` line when there is none yet), the target; ``chart`` is the
    line chart's geometry, ``None`` without a measurement (the table then says so).
    """
    unit = indicator["unit"]
    baseline, target = indicator["baseline"], indicator["target"]
    measurements = indicator["measurements"]
    rows = []
    if baseline is not None:
        rows.append({"kind": "baseline", "date": None, "value": baseline})
    rows += [
        {"kind": "measurement", "date": item["date"], "value": item["value"]}
        for item in measurements
    ]
    for row in rows:
        row["text"] = figure(row["value"], unit)
    if not measurements:
        rows.append({"kind": "none", "date": None, "value": None, "text": ""})
    rows.append({"kind": "target", "date": None, "value": target, "text": figure(target, unit)})
    chart = None
    if measurements:
        values = [item["value"] for item in measurements] + [target]
        if baseline is not None:
            values.append(baseline)
        low, high = min(values), max(values)
        if low == high:
            low, high = low - 1, high + 1
        first, last = measurements[0]["date"], measurements[-1]["date"]
        days = (last - first).days
        points = []
        for item in measurements:
            position = 0.5 if days == 0 else (item["date"] - first).days / days
            label = date_format(item["date"], "SHORT_DATE_FORMAT")
            points.append(
                {
                    "position": position,
                    "value": item["value"],
                    "label": label,
                    "text": gettext("%(date)s: %(value)s")
                    % {"date": label, "value": figure(item["value"], unit)},
                }
            )
        x_labels = None
        if len(points) > DATE_LABEL_LIMIT:
            x_labels = [(points[0]["position"], points[0]["label"])]
            x_labels.append((points[-1]["position"], points[-1]["label"]))
        references = [(target, reference_text(gettext("Target"), target, unit), "target")]
        if baseline is not None:
            references.append(
                (baseline, reference_text(gettext("Start"), baseline, unit), "baseline")
            )
        chart = charts.line_chart(
            points,
            low,
            high,
            y_ticks=[(low, figure(low)), (high, figure(high))],
            references=references,
            x_labels=x_labels,
        )
    return {"rows": rows, "chart": chart}


def reference_text(label, value, unit):
    return charts.shorten(f"{label} {figure(value, unit)}", REFERENCE_LABEL_LENGTH)


def quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def next_quarter(year, quarter):
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def quarter_end(year, quarter):
    next_year, next_number = next_quarter(year, quarter)
    return datetime.date(next_year, 3 * next_number - 2, 1) - datetime.timedelta(days=1)


def quarter_label(year, quarter):
    return gettext("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year}


def quarterly_progress(structures, today, limit=QUARTER_LIMIT):
    """The network's indicators quarter by quarter, up to the quarter of ``today``.

    For each quarter, every indicator of an action that is not abandoned counts with its
    progress at the quarter's last day (from its latest measurement dated on or before it; see
    ``indicator_progress``); ``average`` is the rounded mean over the indicators measured by then
    (``None`` before the first measurement), ``measured`` their number and ``structure_count``
    the number of structures they belong to. Quarters run from the first measurement's to the
    latest's (nothing changes after it), the last ``limit`` of them; measurements dated after
    ``today`` are left out. ``latest`` is the date of the latest measurement.
    ``structures`` come with their actions prefetched.
    """
    indicators = []
    illustrative = False
    for structure in structures:
        for action in structure.actions.all():
            if action.status == ActionStatus.ABANDONED:
                continue
            for indicator in action.get_indicators():
                measurements = [m for m in indicator["measurements"] if m["date"] <= today]
                if measurements:
                    indicators.append((structure.pk, indicator, measurements))
                    illustrative = illustrative or structure.action_plan_is_illustrative
    if not indicators:
        return {"rows": [], "chart": None, "illustrative": False, "latest": None}
    first = min(measurements[0]["date"] for _pk, _indicator, measurements in indicators)
    last = max(measurements[-1]["date"] for _pk, _indicator, measurements in indicators)
    quarters = [quarter_of(first)]
    while quarters[-1] != quarter_of(last):
        quarters.append(next_quarter(*quarters[-1]))
    rows = []
    for year, quarter in quarters[-limit:]:
        end = quarter_end(year, quarter)
        progresses, structure_ids = [], set()
        for structure_id, indicator, measurements in indicators:
            known = [m for m in measurements if m["date"] <= end]
            if not known:
                continue
            progress = indicator_progress({**indicator, "measurements": known})
            if progress is None:
                continue
            progresses.append(progress)
            structure_ids.add(structure_id)
        average = rounded_mean(progresses)
        rows.append(
            {
                "label": quarter_label(year, quarter),
                "year": year,
                "quarter": quarter,
                "end": end,
                "average": average,
                "average_text": charts.percent(average),
                "measured": len(progresses),
                "structure_count": len(structure_ids),
            }
        )
    return {
        "rows": rows,
        "chart": quarterly_chart(rows),
        "illustrative": illustrative,
        "latest": last,
    }


def quarterly_chart(rows):
    count = len(rows)
    points = [
        {
            "position": 0.5 if count == 1 else index / (count - 1),
            "value": row["average"],
            "label": row["label"],
            "text": gettext("%(quarter)s: %(value)s")
            % {"quarter": row["label"], "value": row["average_text"]},
        }
        for index, row in enumerate(rows)
        if row["average"] is not None
    ]
    step = max(1, -(-count // 6))  # six labels at most under the axis
    x_labels = [
        (point["position"], point["label"])
        for index, point in enumerate(points)
        if (len(points) - 1 - index) % step == 0  # counted back from the latest quarter
    ]
    return charts.line_chart(
        points,
        0,
        100,
        y_ticks=[(value, charts.percent(value)) for value in (0, 25, 50, 75, 100)],
        x_labels=x_labels,
    )
