"""Indicators over time: one indicator's chart and table, the network's progress per quarter."""

import datetime
import re
from decimal import Decimal
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import charts
from knowledge.indicator_history import indicator_history, quarter_end, quarterly_progress
from knowledge.models import Action
from knowledge.tests.factories import ActionFactory, StructurePageFactory
from knowledge.vocabularies import ActionStatus

pytestmark = pytest.mark.db_sensitive

DASHBOARD = "/structures/tableau-de-bord/"
D = datetime.date.fromisoformat


def indicator(measurements, baseline="0", target="100", name="Part de bio"):
    return (
        "indicator",
        {
            "name": name,
            "unit": "%",
            "baseline": Decimal(baseline) if baseline is not None else None,
            "target": Decimal(target),
            "measurements": [
                {"date": D(day), "value": Decimal(value)} for day, value in measurements
            ],
        },
    )


def structure(pk, *actions, illustrative=False):
    """A structure as the dashboard reads it (its actions prefetched), without the database."""
    return SimpleNamespace(
        pk=pk,
        action_plan_is_illustrative=illustrative,
        actions=SimpleNamespace(all=lambda: list(actions)),
    )


def action(*indicators, status=ActionStatus.IN_PROGRESS):
    return Action(title="Action", status=status, indicators=list(indicators))


# One indicator


def history_of(*indicators_args, **kwargs):
    return indicator_history(action(indicator(*indicators_args, **kwargs)).get_indicators()[0])


def test_the_table_lists_the_start_each_measurement_by_date_and_the_target():
    history = history_of([("2025-06-01", "40"), ("2025-01-01", "1234.5")], baseline="10")

    assert [(row["kind"], row["date"], row["text"]) for row in history["rows"]] == [
        ("baseline", None, "10\xa0%"),
        ("measurement", D("2025-01-01"), "1\xa0234,50\xa0%"),
        ("measurement", D("2025-06-01"), "40\xa0%"),
        ("target", None, "100\xa0%"),
    ]


def test_an_indicator_without_measurement_has_a_table_but_no_chart():
    history = history_of([], baseline=None)

    assert history["chart"] is None
    assert [row["kind"] for row in history["rows"]] == ["none", "target"]


def test_the_chart_places_measurements_by_date_between_the_lowest_and_highest_figure():
    history = history_of(
        [("2025-01-01", "20"), ("2025-01-11", "60"), ("2025-01-31", "40")],
        baseline="20",
        target="100",
    )
    chart = history["chart"]

    left, right = charts.LINE_LEFT, charts.LINE_LEFT + charts.LINE_PLOT_WIDTH
    top, bottom = charts.LINE_TOP, charts.LINE_TOP + charts.LINE_PLOT_HEIGHT
    xs = [dot["x"] for dot in chart["dots"]]
    assert xs[0] == left
    assert xs[1] == pytest.approx(left + charts.LINE_PLOT_WIDTH / 3, abs=0.1)  # day 10 of 30
    assert xs[2] == right
    ys = [dot["y"] for dot in chart["dots"]]
    assert ys[0] == bottom  # 20, the lowest figure (the starting value)
    assert ys[1] == pytest.approx(bottom - charts.LINE_PLOT_HEIGHT / 2)  # 60, half-way to 100
    assert [ref["kind"] for ref in chart["references"]] == ["target", "baseline"]
    assert chart["references"][0]["y"] == top  # the target, the highest figure
    assert chart["line"].count(",") == 3


def test_a_single_measurement_sits_in_the_middle():
    chart = history_of([("2025-01-01", "50")])["chart"]

    assert chart["dots"][0]["x"] == charts.LINE_LEFT + charts.LINE_PLOT_WIDTH / 2


def test_many_measurements_label_only_the_first_and_last_dates():
    days = [f"2025-0{month}-01" for month in range(1, 8)]

    chart = history_of([(day, "10") for day in days])["chart"]

    assert len(chart["x_labels"]) == 2


# The network per quarter


@pytest.fixture
def network():
    pessac = structure(
        1,
        action(
            indicator([("2025-01-15", "20"), ("2025-03-31", "40"), ("2025-04-01", "60")]),
        ),
    )
    haillan = structure(
        2,
        action(indicator([("2025-05-10", "15"), ("2025-09-01", "20")], baseline="10", target="20")),
        action(indicator([("2025-02-01", "90")]), status=ActionStatus.ABANDONED),
    )
    return [pessac, haillan]


def test_each_quarter_counts_the_latest_measurement_up_to_its_last_day(network):
    trend = quarterly_progress(network, today=D("2025-08-20"))

    assert [
        (row["label"], row["average"], row["measured"], row["structure_count"])
        for row in trend["rows"]
    ] == [
        # 31 March counts in Q1 (40 %), 1 April in Q2; the abandoned action is left out.
        ("T1 2025", 40, 1, 1),
        # Q2: 60 % and (15 - 10) / (20 - 10) = 50 %; the September measurement is after today.
        ("T2 2025", 55, 2, 2),
    ]
    assert trend["latest"] == D("2025-05-10")


def test_quarters_without_a_new_measurement_carry_the_latest_one(network):
    trend = quarterly_progress(network, today=D("2026-01-05"))

    assert [(row["label"], row["average"]) for row in trend["rows"]] == [
        ("T1 2025", 40),
        ("T2 2025", 55),
        ("T3 2025", 80),  # 20 reached the target: 100 %
    ]


def test_only_the_latest_quarters_are_kept():
    measurements = [
        (f"{year}-{month:02d}-15", "50") for year in (2020, 2021, 2022) for month in (2, 5, 8, 11)
    ]
    network = [structure(1, action(indicator(measurements)))]

    trend = quarterly_progress(network, today=D("2023-01-01"), limit=4)

    assert [row["label"] for row in trend["rows"]] == ["T1 2022", "T2 2022", "T3 2022", "T4 2022"]


def test_a_network_without_measurement_has_no_trend():
    trend = quarterly_progress([structure(1, action(indicator([])))], today=D("2025-01-01"))

    assert trend == {"rows": [], "chart": None, "illustrative": False, "latest": None}


@pytest.mark.parametrize(
    ("year", "quarter", "end"),
    [
        (2024, 1, "2024-03-31"),
        (2024, 2, "2024-06-30"),
        (2024, 3, "2024-09-30"),
        (2024, 4, "2024-12-31"),
    ],
)
def test_quarters_end_on_their_last_day(year, quarter, end):
    assert quarter_end(year, quarter) == D(end)


def test_the_trend_chart_draws_one_dot_per_quarter_on_a_percent_scale(network):
    chart = quarterly_progress(network, today=D("2026-01-05"))["chart"]

    bottom = charts.LINE_TOP + charts.LINE_PLOT_HEIGHT
    assert [dot["y"] for dot in chart["dots"]] == [
        pytest.approx(bottom - charts.LINE_PLOT_HEIGHT * share) for share in (0.40, 0.55, 0.80)
    ]
    assert [tick["text"] for tick in chart["y_ticks"]] == [
        "0\xa0%",
        "25\xa0%",
        "50\xa0%",
        "75\xa0%",
        "100\xa0%",
    ]


# The dashboard


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.mark.django_db
def test_the_dashboard_shows_the_quarters_as_a_chart_and_a_table(member_client, directory):
    pessac = StructurePageFactory(parent=directory, title="Pessac")
    ActionFactory(page=pessac, indicators=[indicator([("2024-02-10", "30"), ("2024-04-01", "50")])])

    html = member_client.get(DASHBOARD).content.decode()

    section = html.split('id="progression"')[1].split("</section>")[0]
    assert 'role="img"' in section
    assert "Avancement moyen des indicateurs par trimestre" in section
    table = section.split("<caption")[1]
    rows = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table)
    ]
    assert rows[4:] == ["T1 2024", "30\xa0%", "1", "1", "T2 2024", "50\xa0%", "1", "1"]


@pytest.mark.django_db
def test_the_dashboard_says_when_nothing_was_measured(member_client, directory):
    StructurePageFactory(parent=directory, title="Pessac")

    html = member_client.get(DASHBOARD).content.decode()

    assert "Aucun indicateur n'a encore été mesuré." in html


def queries_for(client):
    client.get(DASHBOARD)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(DASHBOARD).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.django_db
def test_dashboard_queries_do_not_grow_with_structures_actions_and_measurements(
    member_client, directory
):
    first = StructurePageFactory(parent=directory)
    ActionFactory(page=first, indicators=[indicator([("2024-02-10", "30")])])
    few = queries_for(member_client)

    for _ in range(6):
        page = StructurePageFactory(parent=directory)
        for _ in range(4):
            measurements = [
                ((D("2022-01-01") + datetime.timedelta(days=20 * n)).isoformat(), str(n))
                for n in range(30)
            ]
            ActionFactory(page=page, indicators=[indicator(measurements) for _ in range(2)])
    many = queries_for(member_client)

    assert many == few
