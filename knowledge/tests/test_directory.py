import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.directory import count_by_criterion, get_cohort, get_criteria
from knowledge.map import Box, bounding_box, path_points, region_outline, shade_level
from knowledge.models import (
    Departement,
    PurchasingOrganisation,
    Sector,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
)
from knowledge.tests.factories import DepartementFactory, StructurePageFactory

SVG = "{http://www.w3.org/2000/svg}"
REGION_CODES = {"24", "33", "40", "47", "64"}


def make_structure(directory, *, sectors=(), commitments=(), **fields):
    """A structure under ``directory``; vocabulary values are given by slug (seeded rows)."""
    lookups = {
        "structure_type": StructureType,
        "departement": Departement,
        "context": TerritoryContext,
        "purchasing_organisation": PurchasingOrganisation,
    }
    for name, model in lookups.items():
        if isinstance(fields.get(name), str):
            fields[name] = model.objects.get(slug=fields[name])
    page = StructurePageFactory(parent=directory, **fields)
    if sectors or commitments:
        page.sectors.set(Sector.objects.filter(slug__in=sectors))
        page.sustainability_commitments.set(
            SustainabilityCommitment.objects.filter(slug__in=commitments)
        )
        page.save()
    return page


@pytest.fixture
def cohort(directory):
    """Three structures whose profiles differ on every criterion (Gamma gives the least)."""
    return [
        make_structure(
            directory,
            title="Alpha",
            structure_type="commune",
            departement="gironde",
            population=60_000,
            context="urbain",
            purchasing_organisation="centralisee",
            commitments=["agenda-21"],
            sectors=["energie", "textile"],
        ),
        make_structure(
            directory,
            title="Beta",
            structure_type="commune",
            departement="landes",
            population=5_000,
            context="rural",
            purchasing_organisation="mixte",
            commitments=["plan-climat"],
            sectors=["energie"],
        ),
        make_structure(
            directory,
            title="Gamma",
            structure_type="etablissement-public",
            departement="gironde",
        ),
    ]


def listed(client, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return [structure.title for structure in response.context["structures"]]


def map_svg(html):
    """The directory map's ``<svg>`` element, parsed."""
    start = html.index('<svg class="directory-map__svg"')
    end = html.index("</svg>", start) + len("</svg>")
    return ET.fromstring(html[start:end])


def map_areas(html):
    """``{code: (href, title, classes)}`` for each département drawn on the map."""
    return {
        link.get("data-code"): (link.get("href"), link.find(f"{SVG}title").text, link.get("class"))
        for link in map_svg(html).iter(f"{SVG}a")
    }


def queries_for(client, url):
    """Queries of a warm request (the first one fills per-process caches: site, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


# Filters


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=etablissement-public", ["Gamma"]),
        ("taille=moins-de-10000", ["Beta"]),
        ("taille=50000-100000", ["Alpha"]),
        ("contexte=urbain", ["Alpha"]),
        ("departement=landes", ["Beta"]),
        ("engagement=plan-climat", ["Beta"]),
        ("organisation=centralisee", ["Alpha"]),
        ("secteur=textile", ["Alpha"]),
    ],
)
def test_each_criterion_filters_the_directory(client, cohort, query, expected):
    assert listed(client, f"/structures/?{query}") == expected


def test_without_filters_the_directory_lists_the_whole_cohort(client, cohort):
    assert listed(client, "/structures/") == ["Alpha", "Beta", "Gamma"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=commune&departement=gironde", ["Alpha"]),
        ("departement=gironde&secteur=energie", ["Alpha"]),
        ("type=commune&taille=moins-de-10000&engagement=plan-climat", ["Beta"]),
        ("type=commune&contexte=periurbain", []),
    ],
)
def test_criteria_combine_with_and(client, cohort, query, expected):
    assert listed(client, f"/structures/?{query}") == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("secteur=textile&secteur=energie", ["Alpha", "Beta"]),
        ("secteur=textile&secteur=vehicules", ["Alpha"]),
        ("engagement=agenda-21&engagement=plan-climat", ["Alpha", "Beta"]),
    ],
)
def test_values_of_one_multiple_criterion_combine_with_or(client, cohort, query, expected):
    assert listed(client, f"/structures/?{query}") == expected


@pytest.mark.parametrize(
    ("population", "band", "listed_in_band"),
    [
        (9_999, "moins-de-10000", True),
        (10_000, "moins-de-10000", False),
        (10_000, "10000-50000", True),
        (100_000, "plus-de-100000", True),
        (None, "moins-de-10000", False),
    ],
)
def test_size_band_filter_follows_the_band_bounds(
    client, directory, population, band, listed_in_band
):
    make_structure(directory, title="Mesurée", population=population)

    assert listed(client, f"/structures/?taille={band}") == (["Mesurée"] if listed_in_band else [])


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("type=inconnu", "type"),
        ("departement=33", "departement"),
        ("taille=12", "taille"),
        ("secteur=energie&secteur=inconnu", "secteur"),
        ("engagement=%3Cscript%3E", "engagement"),
        ("contexte=" + "x" * 5000, "contexte"),
    ],
)
def test_unknown_value_is_reported_on_its_field_and_lists_nothing(client, cohort, query, field):
    response = client.get(f"/structures/?{query}")

    assert response.status_code == HTTPStatus.OK
    assert list(response.context["filter_form"].errors) == [field]
    assert response.context["structures"] == []
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert f'id="id_{field}_error"' in html
    assert "<script>" not in html


@pytest.mark.parametrize(
    "query", ["type=", "secteur=", "page=2&utm_source=lettre", "type=commune&type=pays"]
)
def test_empty_repeated_or_unrelated_parameters_never_fail(client, cohort, query):
    response = client.get(f"/structures/?{query}")

    assert response.status_code == HTTPStatus.OK
    assert not response.context["filter_form"].errors


def test_every_filter_field_has_a_label_or_legend(client, cohort):
    response = client.get("/structures/")
    html = response.content.decode()

    for name, field in response.context["filter_form"].fields.items():
        if field.widget.allow_multiple_selected:
            assert f'for="id_{name}_0"' in html
            assert str(field.label) in html
        else:
            assert f'<label class="field__label" for="id_{name}">' in html


def test_active_filters_show_a_link_without_each_one_and_a_reset_link(client, cohort):
    html = client.get("/structures/?type=commune&secteur=energie&secteur=textile").content.decode()

    assert 'href="/structures/?secteur=energie&amp;secteur=textile"' in html
    assert 'href="/structures/?type=commune&amp;secteur=textile"' in html
    assert 'href="/structures/?type=commune&amp;secteur=energie"' in html
    assert 'href="/structures/"' in html


def test_filtered_count_reports_matches_out_of_the_cohort(client, cohort):
    response = client.get("/structures/?type=commune")

    assert len(response.context["structures"]) == 2
    assert response.context["cohort_size"] == 3


# Diversity panel


def counts_by_slug(structures):
    return {
        entry["criterion"].key: (
            {option.slug: count for option, count in entry["counts"]},
            entry["unspecified"],
        )
        for entry in count_by_criterion(structures, get_criteria())
    }


def test_diversity_counts_every_value_of_every_criterion_zeros_included(cohort, directory):
    counts = counts_by_slug(get_cohort(directory))

    types, _ = counts["type"]
    assert types["commune"] == 2
    assert types["etablissement-public"] == 1
    assert types["pays"] == 0
    assert counts["taille"] == (
        {"moins-de-10000": 1, "10000-50000": 0, "50000-100000": 1, "plus-de-100000": 0},
        1,
    )
    assert counts["contexte"] == ({"urbain": 1, "periurbain": 0, "rural": 1}, 1)
    assert counts["departement"] == (
        {"dordogne": 0, "gironde": 2, "landes": 1, "lot-et-garonne": 0, "pyrenees-atlantiques": 0},
        0,
    )
    assert counts["engagement"] == (
        {"agenda-21": 1, "plan-climat": 1, "demarche-interne": 0},
        1,
    )
    assert counts["organisation"] == ({"centralisee": 1, "decentralisee": 0, "mixte": 1}, 1)
    sectors, no_sector = counts["secteur"]
    assert sectors["energie"] == 2  # a structure counts under each of its sectors
    assert sectors["textile"] == 1
    assert sectors["vehicules"] == 0
    assert set(sectors) == set(Sector.objects.values_list("slug", flat=True))
    assert no_sector == 1


def test_diversity_counts_of_no_structure_are_all_zero(db):
    counts = counts_by_slug([])

    assert all(not any(values.values()) and not none for values, none in counts.values())
    assert counts["departement"][0].keys() == {
        "dordogne",
        "gironde",
        "landes",
        "lot-et-garonne",
        "pyrenees-atlantiques",
    }


def test_diversity_panel_links_every_value_to_its_filter_even_at_zero(client, cohort):
    response = client.get("/structures/?type=commune")
    html = response.content.decode()

    for entry in response.context["diversity"]:
        for row in entry["rows"]:
            assert f'href="{row["url"]}"'.replace("&", "&amp;") in html
    assert 'href="/structures/?contexte=periurbain"' in html
    assert 'href="/structures/?secteur=vehicules"' in html
    # The panel counts the whole cohort, not the filtered list.
    contexts = next(e for e in response.context["diversity"] if e["key"] == "contexte")
    assert [row["count"] for row in contexts["rows"]] == [1, 0, 1]


def test_diversity_count_matches_what_its_link_lists(client, cohort):
    response = client.get("/structures/")

    for entry in response.context["diversity"]:
        for row in entry["rows"]:
            assert len(listed(client, row["url"])) == row["count"], row["url"]


# Map


def test_map_draws_each_departement_of_the_region_with_its_count_and_link(client, cohort):
    areas = map_areas(client.get("/structures/").content.decode())

    assert set(areas) == REGION_CODES
    href, title, classes = areas["33"]
    assert href == "/structures/?departement=gironde"
    assert re.search(r"\bGironde\b.*\b2\b", title)
    assert "directory-map__area--4" in classes.split()
    href, title, classes = areas["40"]
    assert href == "/structures/?departement=landes"
    assert re.search(r"\b1\b", title)
    assert "directory-map__area--2" in classes.split()
    for code in ("24", "47", "64"):
        assert re.search(r"\b0\b", areas[code][1])
        assert "directory-map__area--0" in areas[code][2].split()


def test_map_has_a_text_alternative_and_a_table_of_counts(client, cohort):
    html = client.get("/structures/").content.decode()
    svg = map_svg(html)

    assert svg.get("aria-labelledby") == svg.find(f"{SVG}title").get("id")
    assert svg.get("aria-describedby") == svg.find(f"{SVG}desc").get("id")
    assert svg.find(f"{SVG}title").text.strip()
    table = html[html.index('<table class="table directory-map__table"') :]
    table = table[: table.index("</table>")]
    assert re.search(r'departement=gironde">Gironde \(33\)</a></th><td[^>]*>2<', table)
    assert re.search(r'departement=dordogne">Dordogne \(24\)</a></th><td[^>]*>0<', table)


def test_directory_page_has_no_inline_style_or_script(client, cohort):
    html = client.get("/structures/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]

    assert "style=" not in main
    assert "<script" not in main
    assert "style" not in ET.tostring(map_svg(html)).decode()


def test_map_skips_a_departement_missing_from_the_boundary_file(client, directory):
    DepartementFactory(code="99", slug="atlantide", name="Atlantide")
    make_structure(directory, title="Ys", departement="atlantide")

    html = client.get("/structures/").content.decode()

    assert set(map_areas(html)) == REGION_CODES
    assert 'href="/structures/?departement=atlantide">Atlantide (99)</a>' in html
    assert listed(client, "/structures/?departement=atlantide") == ["Ys"]


def test_map_draws_a_departement_added_by_coordinators(client, directory):
    DepartementFactory(code="17", slug="charente-maritime", name="Charente-Maritime")

    areas = map_areas(client.get("/structures/").content.decode())

    assert set(areas) == REGION_CODES | {"17"}
    assert areas["17"][0] == "/structures/?departement=charente-maritime"


def test_region_outline_frames_every_shape_and_ignores_unknown_codes():
    outline = region_outline(("24", "33", "40", "47", "64", "zz"))
    left, top, width, height = map(float, outline.view_box.split())

    assert [shape.code for shape in outline.shapes] == ["24", "33", "40", "47", "64"]
    for shape in outline.shapes:
        assert left <= shape.box.left < shape.box.right <= left + width
        assert top <= shape.box.top < shape.box.bottom <= top + height
        assert shape.box.left < shape.label_x < shape.box.right
        assert shape.box.top < shape.label_y < shape.box.bottom
    assert region_outline(("zz",)) is None
    assert region_outline(()) is None


def test_path_points_follow_relative_and_absolute_commands():
    subpaths = path_points("m 10,10 5,0 0,5 z M 100 100 L 110 100 c 1 1 2 2 3 3 h -20 v -10 Z")

    assert [(x, y) for x, y, _ in subpaths[0]] == [(10, 10), (15, 10), (15, 15)]
    assert subpaths[1][-3:] == [(113, 103, True), (93, 103, True), (93, 93, True)]
    assert bounding_box(subpaths) == Box(10, 10, 113, 103)
    assert path_points("m 1 1 l 2") == [[(1, 1, True)]]  # malformed: stops, does not fail


@pytest.mark.parametrize(
    ("count", "highest", "level"),
    [(0, 5, 0), (1, 5, 1), (3, 5, 3), (5, 5, 4), (0, 0, 0), (2, 2, 4)],
)
def test_shade_level_grows_with_the_count(count, highest, level):
    assert shade_level(count, highest) == level


# What is not public stays out


def test_members_only_and_draft_structures_are_left_out_of_cards_counts_and_map(client, directory):
    make_structure(directory, title="Publique", departement="gironde")
    hidden = make_structure(
        directory, title="Réservée", departement="pyrenees-atlantiques", sectors=["vehicules"]
    )
    PageViewRestriction.objects.create(page=hidden, restriction_type="login")
    make_structure(
        directory,
        title="Brouillon",
        departement="lot-et-garonne",
        sectors=["vehicules"],
        live=False,
    )

    response = client.get("/structures/")
    html = response.content.decode()

    assert [s.title for s in response.context["structures"]] == ["Publique"]
    assert "Réservée" not in html
    assert "Brouillon" not in html
    assert response.context["cohort_size"] == 1
    sectors = next(e for e in response.context["diversity"] if e["key"] == "secteur")
    assert all(row["count"] == 0 for row in sectors["rows"])
    areas = map_areas(html)
    assert re.search(r"\b0\b", areas["64"][1])
    assert re.search(r"\b0\b", areas["47"][1])
    assert listed(client, "/structures/?departement=pyrenees-atlantiques") == []


# Queries


@pytest.mark.parametrize(
    "url",
    [
        "/structures/",
        "/structures/?type=commune&secteur=energie&secteur=textile&engagement=agenda-21",
        "/structures/?departement=inconnu",
    ],
)
def test_directory_queries_do_not_grow_with_the_number_of_structures(client, directory, url):
    def add(count):
        for _ in range(count):
            make_structure(
                directory,
                population=20_000,
                context="rural",
                purchasing_organisation="mixte",
                sectors=["energie", "textile"],
                commitments=["agenda-21"],
            )

    add(3)
    few = queries_for(client, url)

    add(20)
    many = queries_for(client, url)

    assert many == few


# Pages of cards


def test_the_directory_shows_its_cards_a_page_at_a_time_and_counts_them_all(client, directory):
    for number in range(30):
        make_structure(directory, title=f"Structure {number:02}", departement="gironde")

    first = client.get("/structures/")
    second = client.get("/structures/?page=2")

    titles = [f"Structure {n:02}" for n in range(30)]
    assert [s.title for s in first.context["structures"]] == titles[:24]
    assert [s.title for s in second.context["structures"]] == titles[24:]
    html = first.content.decode()
    assert "30 structures" in html
    assert 'href="?page=2"' in html and 'rel="next"' in html
    assert "Page 1 sur 2" in html
    # the map and the diversity panel still count every structure, on every page
    counted = [row["count"] for row in first.context["departement_rows"] if row["count"]]
    assert counted == [30]
    assert second.context["departement_rows"] == first.context["departement_rows"]


def test_a_filtered_directory_keeps_its_filters_from_page_to_page(client, directory):
    for number in range(26):
        make_structure(directory, title=f"Ville {number:02}", structure_type="commune")
    make_structure(directory, title="SDIS", structure_type="etablissement-public")

    html = client.get("/structures/?type=commune").content.decode()

    assert 'href="?type=commune&amp;page=2"' in html
    assert listed(client, "/structures/?type=commune&page=2") == ["Ville 24", "Ville 25"]


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "%C2%B2", "999"])
def test_odd_pages_of_the_directory_never_fail(client, directory, page):
    make_structure(directory, title="Alpha")

    assert listed(client, f"/structures/?page={page}") == ["Alpha"]
