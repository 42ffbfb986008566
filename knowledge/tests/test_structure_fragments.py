"""A structure's page body kept as a fragment (core.fragments, knowledge.experience): each reader
gets what their rights and their team's allow, nothing of another person's, and the next view
after a change shows it.

The cache is on here (it is off for the other tests); see website/tests/test_fragment_cache.py
for why the caches are emptied around each test and transactions are not seen.
"""

import datetime
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
import wagtail_factories
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import GroupPagePermission

from core.roles import MEMBERS_GROUP
from follows.models import Follow
from knowledge.tests.factories import (
    ActionFactory,
    DiagnosticItemFactory,
    JourneyStageFactory,
    SectorFactory,
    team_member,
)
from knowledge.vocabularies import JourneyStep, SectionVisibility
from members.models import StructureTeam, User
from members.tests.factories import UserFactory

pytestmark = [pytest.mark.usefixtures("fragment_cache"), pytest.mark.db_sensitive]

PAGE = "/structures/pessac/"
ADD_MEASUREMENT = "Ajouter une mesure"
HANDOUTS = "Cocher les listes indicatives"


def indicator(name="Part de bio", measurements=(("2025-02-01", "30"),)):
    return (
        "indicator",
        {
            "name": name,
            "unit": "%",
            "baseline": Decimal("10"),
            "target": Decimal("50"),
            "measurements": [
                {"date": datetime.date.fromisoformat(day), "value": Decimal(value)}
                for day, value in measurements
            ],
        },
    )


@pytest.fixture
def pessac(pessac_and_haillan):
    """Pessac with an action plan for members only, one action and its indicator, published
    once as an editor leaves it."""
    pessac = pessac_and_haillan["pessac"]
    pessac.action_plan_visibility = SectionVisibility.MEMBERS
    pessac.save()
    ActionFactory(page=pessac, title="Cantine bio", indicators=[indicator()])
    pessac.refresh_from_db()
    pessac.save_revision().publish()
    return pessac


def client_of(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_of(client):
    response = client.get(PAGE)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def body_of(markup):
    """The kept part: below the page's heading (and its follow form), to the article's end."""
    header = markup.split('<header class="page-header structure__header">', 1)[1]
    return header.split("</header>", 1)[1].split("</article>", 1)[0]


def member_like(user):
    """Another approved member with exactly ``user``'s groups."""
    other = UserFactory(status=User.Status.APPROVED)
    other.groups.set(user.groups.all())
    assert set(other.groups.all()) == set(user.groups.all())
    return other


def test_the_team_sees_its_parts_and_nobody_with_other_groups_gets_them_from_the_cache(
    pessac, pessac_and_haillan, coordinator
):
    # Everyone's account first: creating one is a change, which makes every fragment stale.
    team = client_of(team_member(pessac))
    others = {
        "member": client_of(UserFactory(status=User.Status.APPROVED)),
        "other team": client_of(team_member(pessac_and_haillan["le-haillan"])),
        "pending": client_of(UserFactory(status=User.Status.PENDING)),
        "visitor": client_of(),
    }
    coordination = client_of(coordinator)
    kept_for_team = page_of(team)
    assert ADD_MEASUREMENT in kept_for_team and HANDOUTS in kept_for_team
    assert "Cantine bio" in kept_for_team

    for who, client in others.items():
        for _ in range(2):  # filling their own fragment, then served from it
            markup = page_of(client)
            assert ADD_MEASUREMENT not in markup, who
            assert HANDOUTS not in markup, who
            assert ("Cantine bio" in markup) == (who in ("member", "other team")), who

    # The team's own fragment is still theirs, and the coordination gets the links too.
    assert ADD_MEASUREMENT in page_of(team)
    assert ADD_MEASUREMENT in page_of(coordination)


def test_two_readers_with_the_same_groups_share_the_body_but_not_their_token_nor_follow(
    pessac, member
):
    Follow.objects.create(
        user=member, kind="structure", target_id=pessac.pk, frequency=Follow.Frequency.DAILY
    )
    first_client, second_client = client_of(member), client_of(member_like(member))
    first = page_of(first_client)

    with CaptureQueriesContext(connection) as queries:
        second = page_of(second_client)

    assert body_of(second) == body_of(first)
    # Served kept: neither the actions nor the journey were read for the second reader.
    assert not any("knowledge_action" in query["sql"] for query in queries.captured_queries)
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', m) for m in (first, second)]
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]
    assert "Vous suivez ceci" in first
    assert "Vous suivez ceci" not in second


def test_the_pages_owner_may_edit_through_add_alone_and_keeps_that_to_themselves(pessac):
    # Wagtail lets a page's owner edit it with an "add" permission alone: what the body shows
    # for them is theirs, not their groups'.
    GroupPagePermission.objects.create(
        group=Group.objects.get(name=MEMBERS_GROUP),
        page=pessac,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="add_page"
        ),
    )
    owner = UserFactory(status=User.Status.APPROVED)
    pessac.owner = owner
    pessac.save()
    owner_client, other_client = client_of(owner), client_of(member_like(owner))

    assert ADD_MEASUREMENT in page_of(owner_client)
    assert ADD_MEASUREMENT not in page_of(other_client)
    assert ADD_MEASUREMENT in page_of(owner_client)


def test_a_new_measurement_and_an_edited_action_show_at_once(pessac, member):
    reader, team = client_of(member), client_of(team_member(pessac))
    team_record = StructureTeam.objects.get(structure=pessac)
    team_record.direct_publishing = True
    team_record.save()
    assert "35,5" not in page_of(reader)
    assert "35,5" not in page_of(team)

    action = pessac.actions.get()
    response = team.post(
        f"{PAGE}indicateurs/{action.pk}/0/mesure/", {"date": "2025-03-15", "value": "35,5"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "35,5" in page_of(reader)
    assert "35,5" in page_of(team)

    pessac.refresh_from_db()
    actions = list(pessac.actions.all())
    actions[0].title = "Cantine bio et locale"
    pessac.actions = actions
    pessac.save_revision().publish()
    assert "Cantine bio et locale" in page_of(reader)
    assert "Cantine bio et locale" in page_of(team)


def test_the_logo_is_kept_and_shown_to_every_reader(pessac, member):
    pessac.logo = wagtail_factories.ImageFactory(file__width=800, file__height=400)
    pessac.save()
    logo = re.compile(r'<img [^>]*src="/media/images/[^"]*\.max-240x120\.[a-z]+"')
    visitor, reader = client_of(), client_of(member)
    assert logo.search(page_of(visitor))
    assert logo.search(page_of(reader))

    with CaptureQueriesContext(connection) as queries:
        assert logo.search(page_of(reader))
    # Kept: neither the image nor its rendition was read.
    assert not any("wagtailimages" in query["sql"] for query in queries.captured_queries)


def test_a_preview_neither_uses_nor_fills_the_kept_body(pessac):
    visitor = client_of()
    assert "Diagnostic en cours de rédaction" not in page_of(visitor)  # kept for visitors

    pessac.diagnostic = "Diagnostic en cours de rédaction"
    preview = pessac.make_preview_request()

    assert preview.status_code == HTTPStatus.OK
    assert "Diagnostic en cours de rédaction" in preview.content.decode()
    assert "Diagnostic en cours de rédaction" not in page_of(visitor)


def queries_for(client):
    with CaptureQueriesContext(connection) as captured:
        page_of(client)
    return len(captured)


def add_content(pessac, actions, steps, items):
    for _ in range(actions):
        ActionFactory(page=pessac, sector=SectorFactory(), progress=30, indicators=[indicator()])
    for step in steps:
        JourneyStageFactory(page=pessac, step=step)
    for _ in range(items):
        DiagnosticItemFactory(page=pessac)


@pytest.mark.parametrize("reader", ["visitor", "member", "team"])
def test_queries_do_not_grow_with_the_content_kept_or_not(pessac, member, reader):
    user = {"visitor": None, "member": member, "team": team_member(pessac)}[reader]
    client = client_of(user)
    page_of(client)  # per-process caches: site, content types
    counts = {}
    for size, (actions, steps, items) in {
        "small": (1, list(JourneyStep)[:1], 1),
        "large": (20, list(JourneyStep)[1:], 12),
    }.items():
        add_content(pessac, actions, steps, items)  # any change: the next view renders afresh
        counts[size] = (queries_for(client), queries_for(client))

    assert counts["large"] == counts["small"]
    fresh, kept = counts["large"]
    assert kept <= fresh - 8  # the sections' rows, lessons, team, posts and resources
