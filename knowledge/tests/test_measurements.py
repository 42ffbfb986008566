"""A team adds a measurement to one of its indicators: rights, validation, revisions, the page."""

import datetime
import html
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import WorkflowState

from knowledge.models import StructurePage
from knowledge.tests.factories import ActionFactory, team_member
from knowledge.vocabularies import SectionVisibility
from members.models import StructureTeam, User
from members.tests.factories import UserFactory

pytestmark = pytest.mark.db_sensitive

PAGE = "/structures/pessac/"


def indicator(name="Part de bio", measurements=(("2025-02-01", "30"),), baseline="10"):
    return (
        "indicator",
        {
            "name": name,
            "unit": "%",
            "baseline": Decimal(baseline) if baseline is not None else None,
            "target": Decimal("50"),
            "measurements": [
                {"date": datetime.date.fromisoformat(day), "value": Decimal(value)}
                for day, value in measurements
            ],
        },
    )


@pytest.fixture
def structures(pessac_and_haillan):
    return pessac_and_haillan


@pytest.fixture
def action(structures):
    pessac = structures["pessac"]
    action = ActionFactory(
        page=pessac,
        title="Cantine bio",
        start_date=datetime.date(2025, 1, 1),
        indicators=[indicator(), indicator(name="Repas végétariens", measurements=())],
    )
    # A first published revision, as the editor leaves it.
    pessac.refresh_from_db()
    pessac.save_revision().publish()
    return action


def url_for(action, position=0):
    return f"{PAGE}indicateurs/{action.pk}/{position}/mesure/"


def set_direct_publishing(structure, allowed):
    team = StructureTeam.objects.get(structure=structure)
    team.direct_publishing = allowed
    team.save()


def live_measurements(action, position=0):
    action.refresh_from_db()
    return [
        (m["date"].isoformat(), m["value"])
        for m in action.get_indicators()[position]["measurements"]
    ]


def revision_measurements(revision, action, position=0):
    page = revision.as_object()
    copy = next(a for a in page.actions.all() if a.pk == action.pk)
    return [
        (m["date"].isoformat(), m["value"]) for m in copy.get_indicators()[position]["measurements"]
    ]


def errors(response):
    return [
        html.unescape(error)
        for error in re.findall(
            r"<li>(.*?)</li>",
            response.content.decode().split('class="measurement-form"')[1].split("</form>")[0],
        )
    ]


@pytest.fixture
def team_client(client, structures):
    user = team_member(structures["pessac"])
    client.force_login(user)
    client.user = user
    return client


# Rights


def test_a_visitor_is_sent_to_the_login_page(client, action):
    response = client.get(url_for(action))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")


@pytest.mark.parametrize("who", ["member", "other_team", "pending"])
def test_a_member_outside_the_team_is_refused(client, structures, action, who):
    user = {
        "member": lambda: UserFactory(status=User.Status.APPROVED),
        "other_team": lambda: team_member(structures["le-haillan"]),
        "pending": lambda: UserFactory(status=User.Status.PENDING),
    }[who]()
    client.force_login(user)

    assert client.get(url_for(action)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(url_for(action), {"date": "2025-03-01", "value": "35"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert live_measurements(action) == [("2025-02-01", Decimal("30"))]


def test_the_team_and_coordinators_see_the_form(client, team_client, coordinator, action):
    assert team_client.get(url_for(action)).status_code == HTTPStatus.OK
    other = Client()
    other.force_login(coordinator)
    response = other.get(url_for(action))
    assert response.status_code == HTTPStatus.OK
    assert 'for="id_date"' in response.content.decode()
    assert 'for="id_value"' in response.content.decode()


def test_an_unknown_indicator_is_not_found(team_client, action):
    assert team_client.get(url_for(action, 2)).status_code == HTTPStatus.NOT_FOUND
    assert team_client.get(f"{PAGE}indicateurs/999999/0/mesure/").status_code == 404


def test_the_form_needs_the_csrf_token(structures, action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(team_member(structures["pessac"]))

    response = client.post(url_for(action), {"date": "2025-03-01", "value": "35"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert live_measurements(action) == [("2025-02-01", Decimal("30"))]


# Validation


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"date": "2025-03-01", "value": "beaucoup"}, "Saisissez un nombre, par exemple 12,5."),
        ({"date": "2025-03-01", "value": "NaN"}, "Saisissez un nombre, par exemple 12,5."),
        ({"date": "2025-03-01", "value": ""}, "Indiquez la valeur mesurée."),
        ({"date": "", "value": "35"}, "Indiquez la date de la mesure."),
        (
            {"date": "31 février", "value": "35"},
            "Saisissez une date valide, par exemple 31/03/2025.",
        ),
        ({"date": "2099-01-01", "value": "35"}, "La date ne peut pas être dans le futur."),
        (
            {"date": "2024-12-31", "value": "35"},
            "La date ne peut pas précéder le début de l'action (1 janvier 2025).",
        ),
        (
            {"date": "2025-02-01", "value": "35"},
            "Cet indicateur a déjà une mesure à cette date.",
        ),
    ],
)
def test_bad_input_is_refused_in_french_and_changes_nothing(team_client, action, data, message):
    pessac = StructurePage.objects.get(slug="pessac")
    revisions = pessac.revisions.count()

    response = team_client.post(url_for(action), data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in errors(response)
    field = "value" if "nombre" in message or "valeur" in message else "date"
    tag = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', response.content.decode())[0]
    assert 'aria-invalid="true"' in tag and f"id_{field}_error" in tag
    assert live_measurements(action) == [("2025-02-01", Decimal("30"))]
    assert pessac.revisions.count() == revisions


def test_tomorrow_is_refused_and_today_accepted(team_client, structures, action):
    set_direct_publishing(structures["pessac"], True)
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)

    refused = team_client.post(url_for(action), {"date": tomorrow.isoformat(), "value": "1"})
    accepted = team_client.post(url_for(action), {"date": today.isoformat(), "value": "1"})

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert accepted.status_code == HTTPStatus.FOUND
    assert live_measurements(action)[-1] == (today.isoformat(), Decimal("1"))


# Saving through revisions, with the rights the user has


def test_a_team_with_direct_publishing_publishes_the_measurement(team_client, structures, action):
    set_direct_publishing(structures["pessac"], True)

    response = team_client.post(url_for(action), {"date": "2025-03-15", "value": "35,5"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{PAGE}#indicateur-{action.pk}-0"
    assert live_measurements(action) == [
        ("2025-02-01", Decimal("30")),
        ("2025-03-15", Decimal("35.5")),
    ]
    pessac = StructurePage.objects.get(slug="pessac")
    assert not pessac.has_unpublished_changes
    assert pessac.live_revision.user == team_client.user
    page = team_client.get(PAGE).content.decode()
    assert "Mesure publiée." in page
    assert "35,5" in page


def test_a_team_without_publishing_submits_the_measurement_for_moderation(
    team_client, structures, action
):
    set_direct_publishing(structures["pessac"], False)

    response = team_client.post(url_for(action), {"date": "2025-03-15", "value": "35"})

    assert response.status_code == HTTPStatus.FOUND
    assert live_measurements(action) == [("2025-02-01", Decimal("30"))]
    pessac = StructurePage.objects.get(slug="pessac")
    state = pessac.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert revision_measurements(pessac.get_latest_revision(), action)[-1] == (
        "2025-03-15",
        Decimal("35.00"),
    )
    assert "soumise à la coordination" in team_client.get(PAGE).content.decode()

    # While in moderation the page is locked for the team, as in the editor.
    revisions = pessac.revisions.count()
    refused = team_client.post(url_for(action, 1), {"date": "2025-03-20", "value": "12"})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "en attente de validation par la coordination" in errors(refused)[0]
    assert pessac.revisions.count() == revisions


def test_a_reviewer_adds_the_measurement_to_the_changes_in_moderation(
    team_client, client, coordinator, structures, action
):
    set_direct_publishing(structures["pessac"], False)
    team_client.post(url_for(action), {"date": "2025-03-15", "value": "35"})
    pessac = StructurePage.objects.get(slug="pessac")
    state = pessac.current_workflow_state
    client.force_login(coordinator)

    response = client.post(url_for(action, 1), {"date": "2025-03-20", "value": "12"})

    assert response.status_code == HTTPStatus.FOUND
    pessac.refresh_from_db()
    assert pessac.current_workflow_state.pk == state.pk  # still in moderation
    assert live_measurements(action, 1) == []
    state.current_task_state.approve(user=coordinator)  # approving publishes both
    assert live_measurements(action)[-1] == ("2025-03-15", Decimal("35"))
    assert live_measurements(action, 1) == [("2025-03-20", Decimal("12"))]


def test_a_publisher_with_a_pending_draft_gets_the_measurement_in_both(
    client, coordinator, structures, action
):
    pessac = StructurePage.objects.get(slug="pessac")
    pessac.summary = "Brouillon en cours"
    pessac.save_revision()
    client.force_login(coordinator)

    response = client.post(url_for(action), {"date": "2025-03-15", "value": "35"})

    assert response.status_code == HTTPStatus.FOUND
    assert live_measurements(action)[-1] == ("2025-03-15", Decimal("35"))
    pessac = StructurePage.objects.get(slug="pessac")
    assert pessac.summary != "Brouillon en cours"  # the draft was not published
    assert pessac.has_unpublished_changes
    draft = pessac.get_latest_revision()
    assert draft.as_object().summary == "Brouillon en cours"
    assert revision_measurements(draft, action)[-1] == ("2025-03-15", Decimal("35.00"))


def test_a_team_that_cannot_publish_is_refused_over_a_pending_draft(
    team_client, structures, action
):
    set_direct_publishing(structures["pessac"], False)
    pessac = StructurePage.objects.get(slug="pessac")
    pessac.summary = "Brouillon en cours"
    pessac.save_revision()
    revisions = pessac.revisions.count()

    response = team_client.post(url_for(action), {"date": "2025-03-15", "value": "35"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "modifications non publiées" in errors(response)[0]
    assert pessac.revisions.count() == revisions
    assert pessac.current_workflow_state is None


def test_a_page_without_revisions_gets_its_first_one(team_client, structures):
    pessac = structures["pessac"]
    set_direct_publishing(pessac, True)
    action = ActionFactory(page=pessac, indicators=[indicator()])

    team_client.post(url_for(action), {"date": "2025-03-15", "value": "35"})

    assert live_measurements(action)[-1] == ("2025-03-15", Decimal("35"))


def test_legacy_measurements_are_kept_when_one_is_added(team_client, structures):
    pessac = structures["pessac"]
    set_direct_publishing(pessac, True)
    # As the demo and older editors stored them: the list block's plain values, no ids.
    action = ActionFactory(
        page=pessac,
        indicators='[{"type": "indicator", "value": {"name": "Bio", "unit": "%", '
        '"baseline": "5", "target": "20", "measurements": [{"date": "2025-01-10", '
        '"value": "5"}]}}]',
    )

    team_client.post(url_for(action), {"date": "2025-03-15", "value": "8"})

    assert live_measurements(action) == [
        ("2025-01-10", Decimal("5")),
        ("2025-03-15", Decimal("8")),
    ]


# The structure page


def test_the_page_draws_each_indicator_with_a_table_of_the_same_figures(client, member, action):
    client.force_login(member)
    html = client.get(PAGE).content.decode()

    anchor = f"indicateur-{action.pk}-0"
    assert f'<svg id="{anchor}-graphique" class="chart chart--line"' in html
    assert 'role="img"' in html
    assert f'<title id="{anchor}-graphique-title">Mesures de « Part de bio » dans le temps' in html
    table = html.split(f'<caption id="{anchor}-tableau">')[1].split("</table>")[0]
    cells = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)
    ]
    assert cells[3:] == [
        "Valeur de départ", "—", "10\xa0%",
        "Mesure", "1 février 2025", "30\xa0%",
        "Cible", "—", "50\xa0%",
    ]  # fmt: skip
    # No measurement yet: the table says so and no chart is drawn.
    assert f'id="indicateur-{action.pk}-1-graphique"' not in html
    assert "aucune pour l'instant" in html.split(f'id="indicateur-{action.pk}-1-tableau"')[1]


@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("visitor", False),
        ("member", False),
        ("other_team", False),
        ("team", True),
        ("coordinator", True),
    ],
)
def test_the_add_link_is_shown_to_the_team_and_coordinators_only(
    client, structures, coordinator, action, who, shown
):
    user = {
        "visitor": lambda: None,
        "member": lambda: UserFactory(status=User.Status.APPROVED),
        "other_team": lambda: team_member(structures["le-haillan"]),
        "team": lambda: team_member(structures["pessac"]),
        "coordinator": lambda: coordinator,
    }[who]()
    if user:
        client.force_login(user)

    html = client.get(PAGE).content.decode()

    assert (url_for(action) in html) is shown


def test_a_members_only_plan_shows_no_figures_to_visitors(client, structures, action):
    pessac = StructurePage.objects.get(slug="pessac")
    pessac.action_plan_visibility = SectionVisibility.MEMBERS
    pessac.save_revision().publish()

    html = client.get(PAGE).content.decode()

    assert "Part de bio" not in html
    assert "chart--line" not in html


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def many_measurements(count):
    start = datetime.date(2024, 1, 1)
    return [((start + datetime.timedelta(days=3 * n)).isoformat(), str(n)) for n in range(count)]


def test_page_queries_do_not_grow_with_indicators_and_measurements(team_client, structures):
    pessac = structures["pessac"]
    ActionFactory(page=pessac, indicators=[indicator()])
    few = queries_for(team_client, PAGE)

    for _ in range(8):
        ActionFactory(
            page=pessac,
            indicators=[indicator(measurements=many_measurements(30)) for _ in range(3)],
        )
    many = queries_for(team_client, PAGE)

    assert many == few


def test_form_queries_do_not_grow_with_measurements(team_client, structures):
    pessac = structures["pessac"]
    small = ActionFactory(page=pessac, indicators=[indicator()])
    large = ActionFactory(page=pessac, indicators=[indicator(measurements=many_measurements(60))])

    assert queries_for(team_client, url_for(large)) == queries_for(team_client, url_for(small))


def test_a_structure_without_indicators_has_no_add_link(client, structures):
    client.force_login(team_member(structures["pessac"]))
    ActionFactory(page=structures["pessac"], indicators=[])

    assert "/mesure/" not in client.get(PAGE).content.decode()
