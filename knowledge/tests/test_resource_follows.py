"""Following a theme or a sector to hear of new resources on it."""

import pytest
from django.core import mail

from core.followables import registry
from follows.models import Follow
from knowledge.models import ResourceIndexPage, ResourcePage
from knowledge.resource_access import ResourceAudience
from knowledge.tests.factories import SectorFactory, ThemeFactory
from members.models import Membership, User
from members.tests.factories import UserFactory


@pytest.fixture
def library(home_page):
    return home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))


def publish(library, slug, themes=(), sectors=(), **fields):
    page = ResourcePage(title=slug.capitalize(), slug=slug, summary="Résumé", **fields)
    page.live = False
    library.add_child(instance=page)
    page.themes.set(themes)
    page.sectors.set(sectors)
    page.save_revision().publish()
    return page


def follower(kind, target, frequency=Follow.Frequency.INSTANT):
    user = UserFactory(status=User.Status.APPROVED)
    Follow.objects.create(user=user, kind=kind, target_id=target.pk, frequency=frequency)
    return user


def test_themes_and_sectors_are_followable():
    assert registry.get("theme").model.__name__ == "Theme"
    assert registry.get("sector").model.__name__ == "Sector"


def test_a_resource_concerns_its_themes_and_sectors(library):
    theme, sector = ThemeFactory(), SectorFactory()
    page = publish(library, "guide", themes=[theme], sectors=[sector])
    assert ("theme", theme.pk) in registry.targets_of_page(page)
    assert ("sector", sector.pk) in registry.targets_of_page(page)


def test_theme_follower_hears_of_a_new_resource(library, django_capture_on_commit_callbacks):
    theme = ThemeFactory(name="Énergie", slug="energie")
    user = follower("theme", theme)
    with django_capture_on_commit_callbacks(execute=True):
        publish(library, "guide-energie", themes=[theme])
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "Guide-energie" in mail.outbox[0].body


def test_only_readers_of_a_team_resource_hear_of_it(
    library, pessac, django_capture_on_commit_callbacks
):
    sector = SectorFactory(name="Textile", slug="textile")
    outsider = follower("sector", sector)
    insider = follower("sector", sector)
    Membership.objects.create(user=insider, structure=pessac, role=Membership.Role.TEAM)
    pending = UserFactory(status=User.Status.PENDING)
    Follow.objects.create(
        user=pending, kind="sector", target_id=sector.pk, frequency=Follow.Frequency.INSTANT
    )
    with django_capture_on_commit_callbacks(execute=True):
        publish(
            library,
            "interne",
            sectors=[sector],
            audience=ResourceAudience.TEAM,
            team_structure=pessac,
        )
    recipients = [message.to for message in mail.outbox]
    assert recipients == [[insider.email]]
    assert outsider.email not in str(recipients)
