"""The dashboard and the directory kept as fragments (core.fragments): each reader gets what
their rights allow, and the next view after a change shows it.

The cache is on here (it is off for the other tests); see website/tests/test_fragment_cache.py
for why the caches are emptied around each test and transactions are not seen.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from knowledge.directory import FILTER_KEYS, get_criteria
from knowledge.tests.factories import StructurePageFactory
from members.models import COORDINATORS_GROUP

DASHBOARD = "/structures/tableau-de-bord/"


pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py


@pytest.fixture
def structures(directory):
    StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    staff_only = StructurePageFactory(parent=directory, title="Réservée à la coordination")
    restriction = PageViewRestriction.objects.create(
        page=staff_only, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=COORDINATORS_GROUP)])
    return directory


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_member_and_coordinator_take_turns_each_sees_their_own_dashboard(
    client, member, coordinator, structures
):
    assert "Réservée à la coordination" not in page(client, member, DASHBOARD)
    assert "Réservée à la coordination" in page(client, coordinator, DASHBOARD)
    # Kept just before for the coordinator: never served to the member.
    assert "Réservée à la coordination" not in page(client, member, DASHBOARD)
    assert "Réservée à la coordination" in page(client, coordinator, DASHBOARD)


def test_the_kept_dashboard_is_served_without_its_queries(client, member, structures):
    client.force_login(member)
    with CaptureQueriesContext(connection) as cold:
        first = client.get(DASHBOARD).content
    with CaptureQueriesContext(connection) as warm:
        assert client.get(DASHBOARD).content == first
    # Not the structures, their journeys, commitments and actions (four queries at least).
    assert len(warm) <= len(cold) - 4


def test_a_structure_published_or_renamed_shows_on_the_next_view(client, member, structures):
    assert "Mérignac" not in page(client, member, DASHBOARD)
    assert "Mérignac" not in page(client, member, "/structures/")
    merignac = StructurePageFactory(parent=structures, title="Mérignac")
    assert "Mérignac" in page(client, member, DASHBOARD)
    assert "Mérignac" in page(client, member, "/structures/")
    merignac.title = "Mérignac-Centre"
    merignac.save_revision().publish()
    assert "Mérignac-Centre" in page(client, member, DASHBOARD)
    assert "Mérignac-Centre" in page(client, member, "/structures/")


def test_each_filter_has_its_own_directory_and_the_dashboard_link_stays_the_readers(
    client, member, structures
):
    everything = page(client, member, "/structures/")
    assert "Pessac" in everything
    assert "tableau-de-bord" in everything
    filtered = page(client, member, "/structures/?type=inconnu")
    assert "Pessac" not in filtered.split('id="directory-results-title"')[1].split("</section>")[0]
    client.logout()
    visitor = client.get("/structures/").content.decode()
    assert "Pessac" in visitor
    assert "tableau-de-bord" not in visitor  # the member's link is not in the kept fragment


def test_the_fragment_reads_every_filter(db):
    assert {criterion.key for criterion in get_criteria()} == set(FILTER_KEYS)
