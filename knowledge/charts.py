"""Small server-side SVG charts: the geometry is computed here, the templates draw it.

``knowledge/includes/chart_bars.html`` and ``chart_matrix.html`` turn these plain dicts into
inline SVG, so the charts need no script and no style attribute (the page runs under a strict
Content-Security-Policy). Colours come from CSS classes in ``knowledge/css/dashboard.css``; every
value is also written as text, so nothing relies on colour alone.
"""

from django.utils.translation import gettext

# Horizontal bar chart, in SVG user units.
BAR_LABEL_WIDTH = 230  # row labels, right-aligned against the bars
BAR_X = BAR_LABEL_WIDTH + 10
BAR_AREA = 330  # length of a full bar (the maximum)
BAR_CHART_WIDTH = BAR_X + BAR_AREA + 90  # room for the value after a full bar
BAR_ROW = 30
BAR_HEIGHT = 18
BAR_TOP = 30  # room for the tick labels
BAR_BOTTOM = 8

# Status matrix.
MATRIX_LABEL_WIDTH = 230
MATRIX_X = MATRIX_LABEL_WIDTH + 10
MATRIX_CELL = 32
MATRIX_GAP = 6
MATRIX_TOP = 30  # room for the column numbers

LABEL_LENGTH = 28
# The abbreviations French public bodies use themselves, so that long names stay distinct
# once shortened ("CC de Montfort-en-Chalosse", not "Communauté de communes de Mon…").
ABBREVIATIONS = [("Communauté de communes", "CC"), ("Communauté d'agglomération", "CA")]


def shorten(text, limit=LABEL_LENGTH):
    """``text`` made to fit a chart's row label: SVG text does not wrap.

    A parenthesised expansion is dropped ("SDIS 24 (Service…)" → "SDIS 24"), common body
    names are abbreviated, and what is still too long is cut with an ellipsis.
    """
    text = str(text)
    if len(text) > limit and " (" in text:
        text = text.split(" (")[0]
    for long, short in ABBREVIATIONS:
        if len(text) > limit and text.startswith(long):
            text = short + text[len(long) :]
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def percent(value):
    """``62 %`` in French, ``62%`` in English; an en dash when there is no value."""
    if value is None:
        return "–"
    return gettext("%(value)s%%") % {"value": value}


def bar_chart(items, maximum=100, ticks=None, tick_text=percent):
    """Geometry of a horizontal bar chart.

    ``items`` are dicts with ``label`` (drawn shortened; the full text goes in the row's
    ``<title>``), ``value`` (``None`` draws no bar) and ``value_text`` (written after the bar).
    ``ticks`` are the values marked on the axis (quarters of ``maximum`` by default).
    """
    if ticks is None:
        ticks = [maximum * quarter // 4 for quarter in range(5)]
    rows = []
    for index, item in enumerate(items):
        value = item["value"]
        top = BAR_TOP + index * BAR_ROW
        length = 0 if not value else round(BAR_AREA * min(value, maximum) / maximum, 1)
        rows.append(
            {
                "label": shorten(item["label"]),
                "full_label": str(item["label"]),
                "value_text": item["value_text"],
                "y": top + (BAR_ROW - BAR_HEIGHT) // 2,
                "text_y": top + BAR_ROW // 2 + 5,
                "bar_width": length,
                "value_x": BAR_X + length + 6,
                "has_bar": bool(length),
            }
        )
    height = BAR_TOP + len(rows) * BAR_ROW + BAR_BOTTOM
    return {
        "width": BAR_CHART_WIDTH,
        "height": height,
        "label_x": BAR_LABEL_WIDTH,
        "bar_x": BAR_X,
        "bar_area": BAR_AREA,
        "bar_height": BAR_HEIGHT,
        "axis_top": BAR_TOP - 6,
        "axis_bottom": height - BAR_BOTTOM,
        "ticks": [
            {"x": round(BAR_X + BAR_AREA * tick / maximum, 1), "text": tick_text(tick)}
            for tick in ticks
        ],
        "rows": rows,
    }


def matrix_chart(rows, column_count):
    """Geometry of a grid of status cells: one row per item, one column per step.

    ``rows`` are dicts with ``label`` and ``cells``, each cell a dict with ``status`` (a CSS
    modifier), ``symbol`` (the text drawn in the cell) and ``text`` (the cell's ``<title>``).
    Columns are headed by their number, 1 to ``column_count``.
    """
    pitch = MATRIX_CELL + MATRIX_GAP
    drawn = []
    for row_index, row in enumerate(rows):
        top = MATRIX_TOP + row_index * pitch
        drawn.append(
            {
                "label": shorten(row["label"]),
                "full_label": str(row["label"]),
                "text_y": top + MATRIX_CELL // 2 + 5,
                "cells": [
                    {
                        **cell,
                        "x": MATRIX_X + column * pitch,
                        "y": top,
                        "text_x": MATRIX_X + column * pitch + MATRIX_CELL // 2,
                        "text_y": top + MATRIX_CELL // 2 + 6,
                    }
                    for column, cell in enumerate(row["cells"])
                ],
            }
        )
    return {
        "width": MATRIX_X + column_count * pitch,
        "height": MATRIX_TOP + len(rows) * pitch,
        "label_x": MATRIX_LABEL_WIDTH,
        "cell": MATRIX_CELL,
        "columns": [
            {"number": number, "x": MATRIX_X + (number - 1) * pitch + MATRIX_CELL // 2}
            for number in range(1, column_count + 1)
        ],
        "column_y": MATRIX_TOP - 10,
        "rows": drawn,
    }


def progress_bar(value, width=120, height=12):
    """Geometry of a small decorative bar for a percentage shown as text beside it."""
    length = 0 if not value else round(width * min(value, 100) / 100, 1)
    return {"width": width, "height": height, "length": length}


# Line chart (an indicator's measurements over time, the network's progress per quarter).
LINE_LEFT = 70  # room for the value labels
LINE_PLOT_WIDTH = 380
LINE_RIGHT = 110  # room for the reference lines' labels
LINE_TOP = 14
LINE_PLOT_HEIGHT = 150
LINE_BOTTOM = 36  # room for the date labels


def line_chart(points, low, high, y_ticks, references=(), x_labels=None):
    """Geometry of a line chart with dots at its points.

    ``points`` are dicts with ``position`` (0 to 1 along the time axis), ``value`` (between
    ``low`` and ``high``) and ``text`` (the dot's ``<title>``). ``y_ticks`` are ``(value,
    text)`` pairs marked on the value axis; ``references`` are ``(value, text, kind)``
    horizontal lines (the starting value, the target), ``kind`` a CSS modifier; ``x_labels``
    are ``(position, text)`` pairs under the axis (each point's ``label`` when ``None``).
    """
    span = (high - low) or 1

    def x_of(position):
        return round(LINE_LEFT + LINE_PLOT_WIDTH * float(position), 1)

    def y_of(value):
        share = (float(value) - float(low)) / float(span)
        return round(LINE_TOP + LINE_PLOT_HEIGHT * (1 - share), 1)

    dots = [
        {"x": x_of(point["position"]), "y": y_of(point["value"]), "text": point["text"]}
        for point in points
    ]
    if x_labels is None:
        x_labels = [(point["position"], point.get("label", "")) for point in points]
    bottom = LINE_TOP + LINE_PLOT_HEIGHT
    return {
        "width": LINE_LEFT + LINE_PLOT_WIDTH + LINE_RIGHT,
        "height": bottom + LINE_BOTTOM,
        "left": LINE_LEFT,
        "right": LINE_LEFT + LINE_PLOT_WIDTH,
        "top": LINE_TOP,
        "bottom": bottom,
        "label_y": bottom + 20,
        "dots": dots,
        "line": " ".join(f"{dot['x']},{dot['y']}" for dot in dots),
        "y_ticks": [
            {"y": y_of(value), "text_y": y_of(value) + 4, "text": text} for value, text in y_ticks
        ],
        "references": [
            {
                "y": y_of(value),
                "text_y": y_of(value) + 4,
                "text": text,
                "kind": kind,
                "text_x": LINE_LEFT + LINE_PLOT_WIDTH + 6,
            }
            for value, text, kind in references
        ],
        "x_labels": [{"x": x_of(position), "text": text} for position, text in x_labels],
    }
