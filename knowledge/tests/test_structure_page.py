import datetime
import html
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
import wagtail_factories
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogPostPageFactory
from knowledge.models import Action, StructurePage
from knowledge.tests.factories import (
    ActionFactory,
    CommitmentRecordFactory,
    DiagnosticItemFactory,
    JourneyStageFactory,
    PurchasingOrganisationFactory,
    SectorFactory,
    StructurePageFactory,
    SustainabilityCommitmentFactory,
    TerritoryContextFactory,
    ThemeFactory,
)
from knowledge.vocabularies import (
    ActionStatus,
    DiagnosticKind,
    JourneyStep,
    ProgrammeCommitment,
    SectionVisibility,
    SizeBand,
    StepStatus,
)
from members.models import Membership, User
from members.permissions import members_only_collection
from members.tests.factories import UserFactory

URL = "/structures/pessac/"


@pytest.fixture
def structure(directory):
    return StructurePageFactory(
        parent=directory,
        title="Pessac",
        slug="pessac",
        population=64_000,
        context=TerritoryContextFactory(name="Urbain", slug="urbain"),
        purchasing_organisation=PurchasingOrganisationFactory(name="Mixte", slug="mixte"),
        sustainability_commitments=[
            SustainabilityCommitmentFactory(name="Agenda 21", slug="agenda-21"),
            SustainabilityCommitmentFactory(name="Plan Climat", slug="plan-climat"),
        ],
        sectors=[SectorFactory(name="Restauration collective", slug="restauration-collective")],
        website="https://www.pessac.fr/",
        summary="Une ville de la métropole bordelaise.",
    )


def fr(text):
    """``text`` (a lazy translation) as the French site shows it."""
    with translation.override("fr"):
        return str(text)


def text_of(response):
    assert response.status_code == HTTPStatus.OK
    return html.unescape(response.content.decode())


def section_of(markup, anchor):
    """The HTML of the page's ``<section id="anchor">``."""
    match = re.search(rf'<section[^>]* id="{anchor}".*?</section>', markup, re.DOTALL)
    assert match, f"no section {anchor}"
    return match.group(0)


def indicator(name="Part de bio", target="50", measurements=(("2025-02-01", "30"),)):
    return [
        (
            "indicator",
            {
                "name": name,
                "unit": "%",
                "baseline": Decimal("10"),
                "target": Decimal(target),
                "measurements": [
                    {"date": datetime.date.fromisoformat(day), "value": Decimal(value)}
                    for day, value in measurements
                ],
            },
        )
    ]


def test_page_shows_the_profile_facts(client, structure):
    markup = text_of(client.get(URL))

    for fact in [
        "Commune",
        "Gironde (33)",
        "64\xa0000",
        fr(SizeBand.LARGE.label),
        "Urbain",
        "Mixte",
        "Agenda 21, Plan Climat",
        "Restauration collective",
        'href="https://www.pessac.fr/"',
        "Une ville de la métropole bordelaise.",
    ]:
        assert fact in markup


def test_page_shows_the_logo_as_a_rendition(client, structure):
    structure.logo = wagtail_factories.ImageFactory(file__width=800, file__height=400)
    structure.save()

    markup = text_of(client.get(URL))

    assert re.search(r'<img [^>]*src="/media/images/[^"]*\.max-240x120\.[a-z]+"', markup)


@pytest.mark.parametrize(
    "flagged", ["profile", "journey", "commitments", "diagnostic", "action_plan"]
)
def test_illustrative_label_appears_only_where_flagged(client, structure, flagged):
    setattr(structure, f"{flagged}_is_illustrative", True)
    structure.save()
    ActionFactory(page=structure)

    markup = text_of(client.get(URL))

    assert markup.count('class="illustrative"') == 1
    anchor = {
        "profile": "profil",
        "journey": "parcours",
        "commitments": "engagements",
        "diagnostic": "diagnostic",
        "action_plan": "plan-d-actions",
    }[flagged]
    if flagged == "profile":
        assert 'class="illustrative"' in markup.split('aria-labelledby="profil-titre"')[1]
    else:
        assert 'class="illustrative"' in section_of(markup, anchor)


def test_page_without_illustrative_data_has_no_label(client, structure):
    assert 'class="illustrative"' not in text_of(client.get(URL))


@pytest.fixture
def members_only_sections(structure):
    for section in ["journey", "commitments", "diagnostic", "action_plan"]:
        setattr(structure, f"{section}_visibility", SectionVisibility.MEMBERS)
    structure.diagnostic = "Un **état des lieux** confidentiel."
    structure.save()
    JourneyStageFactory(page=structure, note="Étape confidentielle")
    CommitmentRecordFactory(page=structure, note="Engagement confidentiel")
    DiagnosticItemFactory(page=structure, text="Frein confidentiel")
    ActionFactory(page=structure, title="Action confidentielle", progress=40)
    return structure


SECRETS = [
    "Étape confidentielle",
    "Engagement confidentiel",
    "état des lieux",
    "Frein confidentiel",
    "Action confidentielle",
    "plan-d-actions/csv/",
]


@pytest.mark.parametrize("reader", ["visitor", "pending"])
def test_members_only_sections_are_absent_for_non_members(
    client, members_only_sections, pending_user, reader
):
    if reader == "pending":
        client.force_login(pending_user)

    markup = text_of(client.get(URL))

    for secret in SECRETS:
        assert secret not in markup
    assert markup.count('class="members-only-notice"') == 4
    notice = section_of(markup, "diagnostic").split('class="members-only-notice"')[1]
    assert (f'href="/comptes/login/?next={URL}"' in notice) == (reader == "visitor")


def test_members_only_sections_are_shown_to_network_members(client, members_only_sections, member):
    client.force_login(member)

    markup = text_of(client.get(URL))

    for secret in SECRETS:
        assert secret in markup
    assert 'class="members-only-notice"' not in markup


def test_journey_follows_the_programme_order_not_the_editing_order(client, structure):
    JourneyStageFactory(page=structure, step=JourneyStep.REGIONAL_DAY, sort_order=0)
    JourneyStageFactory(
        page=structure,
        step=JourneyStep.KICK_OFF,
        sort_order=1,
        status=StepStatus.DONE,
        planned_date=datetime.date(2025, 3, 10),
        actual_date=datetime.date(2025, 3, 14),
        note="Lancement à Bordeaux",
    )
    JourneyStageFactory(
        page=structure, step=JourneyStep.DIAGNOSTIC, sort_order=2, status=StepStatus.IN_PROGRESS
    )

    journey = section_of(text_of(client.get(URL)), "parcours")

    positions = [
        journey.index(fr(step.label))
        for step in [JourneyStep.KICK_OFF, JourneyStep.DIAGNOSTIC, JourneyStep.REGIONAL_DAY]
    ]
    assert positions == sorted(positions)
    assert journey.count('class="timeline__step') == len(JourneyStep)
    assert journey.count("timeline__step--non-planifie") == len(JourneyStep) - 3
    assert "status--termine" in journey and "status--en-cours" in journey
    assert "10 mars 2025" in journey and "14 mars 2025" in journey
    assert "Lancement à Bordeaux" in journey


def test_commitments_list_all_seven_as_met_or_to_do(client, structure):
    CommitmentRecordFactory(
        page=structure,
        commitment=ProgrammeCommitment.DELIBERATION,
        date=datetime.date(2025, 1, 20),
        evidence_link="https://www.pessac.fr/deliberation",
    )
    CommitmentRecordFactory(page=structure, commitment=ProgrammeCommitment.TRAINING)

    commitments = section_of(text_of(client.get(URL)), "engagements")

    assert commitments.count('class="checklist__item ') == len(ProgrammeCommitment) == 7
    assert commitments.count("checklist__item--fait") == 1
    assert commitments.count("checklist__item--a-faire") == 6
    for commitment in ProgrammeCommitment:
        assert fr(commitment.label) in commitments
    assert "20 janvier 2025" in commitments
    assert 'href="https://www.pessac.fr/deliberation"' in commitments


@pytest.fixture
def members_document(db):
    document = get_document_model()(
        title="Délibération réservée", collection=members_only_collection("Réservé")
    )
    document.file.save("deliberation.txt", ContentFile(b"texte"), save=False)
    document.save()
    return document


def test_evidence_in_a_members_only_collection_is_linked_for_members_only(
    client, structure, members_document, member
):
    CommitmentRecordFactory(
        page=structure, date=datetime.date(2025, 1, 20), evidence_document=members_document
    )

    assert "Délibération réservée" not in text_of(client.get(URL))
    client.force_login(member)
    assert "Délibération réservée" in text_of(client.get(URL))


def test_diagnostic_shows_its_text_then_obstacles_and_levers_with_themes(client, structure):
    structure.diagnostic = "La commande publique est **centralisée**."
    structure.save()
    obstacle = DiagnosticItemFactory(page=structure, text="Peu de temps pour les agents")
    obstacle.themes.set([ThemeFactory(name="Formation", slug="formation")])
    obstacle.save()
    DiagnosticItemFactory(page=structure, kind=DiagnosticKind.LEVER, text="Des élus engagés")

    diagnostic = section_of(text_of(client.get(URL)), "diagnostic")

    assert "<strong>centralisée</strong>" in diagnostic
    obstacles, levers = diagnostic.split("diagnostic__list--leviers")
    assert "Peu de temps pour les agents" in obstacles and "Formation" in obstacles
    assert "Des élus engagés" in levers


def test_action_plan_table_shows_progress_as_text_and_export_links(client, structure):
    ActionFactory(
        page=structure,
        title="Menus bio",
        sector=SectorFactory(name="Restauration collective", slug="restauration-collective"),
        owner="Service restauration",
        start_date=datetime.date(2025, 1, 15),
        due_date=datetime.date(2025, 12, 31),
        status=ActionStatus.IN_PROGRESS,
        progress=40,
        indicators=indicator(),
    )
    ActionFactory(page=structure, title="Papier recyclé", status=ActionStatus.DONE, progress=100)

    plan = section_of(text_of(client.get(URL)), "plan-d-actions")

    plan_table = plan.split('class="table action-plan"')[1].split("</table>")[0]
    assert "<caption" in plan_table and plan_table.count('<th scope="col">') == 7
    assert '<th scope="row"><a href="#action-1">Menus bio</a></th>' in plan
    assert "Service restauration" in plan and "15 janvier 2025" in plan
    assert 'value="40"' in plan and "40\xa0%" in plan and "100\xa0%" in plan
    assert "70" in plan.split('class="section-summary"')[1].split("</p>")[0]
    # The indicator: latest value, its date, the target and its progress (30 is half of 10 → 50).
    assert "Part de bio" in plan and "30 %" in plan and "50 %" in plan
    assert "1 février 2025" in plan
    for file_format in ["csv", "ods", "xlsx"]:
        assert f'href="{URL}plan-d-actions/{file_format}/"' in plan


@pytest.fixture
def team(structure):
    def join(role, visibility, status=User.Status.APPROVED, **names):
        person = UserFactory(status=status, profile_visibility=visibility, **names)
        Membership.objects.create(user=person, structure=structure, role=role)
        return person

    return {
        "public": join(
            Membership.Role.ELECTED_REFERENT, User.Visibility.PUBLIC, display_name="Élue Publique"
        ),
        "private": join(
            Membership.Role.TEAM, User.Visibility.MEMBERS, display_name="Agent Discret"
        ),
        "pending": join(
            Membership.Role.TEAM,
            User.Visibility.PUBLIC,
            status=User.Status.PENDING,
            display_name="Pas Encore",
        ),
    }


def test_visitors_see_only_public_team_profiles_and_a_count_of_the_others(client, team):
    markup = text_of(client.get(URL))

    assert f'<a href="{team["public"].get_absolute_url()}">Élue Publique</a>' in markup
    assert "Agent Discret" not in markup
    assert "Pas Encore" not in markup
    hidden = markup.split('class="structure-team__hidden"')[1].split("</p>")[0]
    assert "1" in hidden


def test_members_see_the_whole_approved_team(client, team, member):
    client.force_login(member)

    markup = text_of(client.get(URL))

    assert f'<a href="{team["private"].get_absolute_url()}">Agent Discret</a>' in markup
    assert "Élue Publique" in markup
    assert "Pas Encore" not in markup
    assert "structure-team__hidden" not in markup


def test_latest_posts_are_the_three_newest_visible_ones_with_a_link_to_all(client, structure, blog):
    for day in range(1, 5):
        BlogPostPageFactory(
            parent=blog,
            structure=structure,
            title=f"Billet {day}",
            date=datetime.date(2025, 1, day),
        )
    restricted = BlogPostPageFactory(
        parent=blog, structure=structure, title="Billet réservé", date=datetime.date(2025, 2, 1)
    )
    PageViewRestriction.objects.create(page=restricted, restriction_type="login")
    BlogPostPageFactory(parent=blog, title="Billet sans rapport", date=datetime.date(2025, 3, 1))

    markup = text_of(client.get(URL))

    assert "Billet réservé" not in markup and "Billet sans rapport" not in markup
    assert "Billet 1" not in markup
    assert markup.index("Billet 4") < markup.index("Billet 3") < markup.index("Billet 2")
    assert 'href="/blog/structure/pessac/"' in markup


def queries_for(client, url):
    """Queries of a warm request (the first one fills per-process caches: site, content types)."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


def fill(structure, actions, items, themes):
    for _ in range(actions):
        ActionFactory(
            page=structure,
            sector=SectorFactory(),
            progress=30,
            indicators=indicator(),
        )
    for number in range(items):
        item = DiagnosticItemFactory(
            page=structure, kind=[DiagnosticKind.OBSTACLE, DiagnosticKind.LEVER][number % 2]
        )
        item.themes.set(themes)
        item.save()


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_page_queries_do_not_grow_with_the_content(client, structure, member, blog, reader):
    if reader == "member":
        client.force_login(member)
    structure.action_plan_visibility = SectionVisibility.MEMBERS
    structure.save()
    themes = [ThemeFactory(), ThemeFactory()]
    for step in list(JourneyStep)[:2]:
        JourneyStageFactory(page=structure, step=step)
    CommitmentRecordFactory(page=structure, date=datetime.date(2025, 1, 1))
    BlogPostPageFactory(parent=blog, structure=structure)
    fill(structure, actions=2, items=3, themes=themes)
    few = queries_for(client, URL)

    for step in list(JourneyStep)[2:]:
        JourneyStageFactory(page=structure, step=step)
    for commitment in list(ProgrammeCommitment)[1:]:
        CommitmentRecordFactory(page=structure, commitment=commitment)
    for _ in range(3):
        BlogPostPageFactory(parent=blog, structure=structure)
    fill(structure, actions=23, items=5, themes=themes)
    many = queries_for(client, URL)

    assert many == few


def test_preview_of_a_new_structure_shows_its_unsaved_action_plan(directory, structure):
    new = StructurePage(
        title="Nouvelle structure",
        slug="nouvelle-structure",
        structure_type=structure.structure_type,
        departement=structure.departement,
        actions=[Action(title="Action en préparation", progress=10)],
    )
    new.depth = directory.depth + 1
    new.path = directory.get_last_child()._inc_path()
    new.set_url_path(directory)

    response = new.make_preview_request()

    assert response.status_code == HTTPStatus.OK
    markup = html.unescape(response.content.decode())
    assert "Action en préparation" in markup and "10\xa0%" in markup


def test_page_and_dashboard_round_the_average_progress_alike(client, directory, member):
    structure = StructurePageFactory(parent=directory, title="Arrondi", slug="arrondi")
    ActionFactory(page=structure, status=ActionStatus.IN_PROGRESS, progress=40)
    ActionFactory(page=structure, status=ActionStatus.IN_PROGRESS, progress=45)
    client.force_login(member)

    page_html = client.get("/structures/arrondi/").content.decode()
    dashboard_html = client.get("/structures/tableau-de-bord/").content.decode()

    assert "43\u00a0%" in page_html
    assert "43\u00a0%" in dashboard_html
