"""Site search finds what a structure shares publicly; its members-only sections only for
network members."""

import pytest

from knowledge.models import Action, DiagnosticItem
from knowledge.vocabularies import DiagnosticKind, SectionVisibility
from members.models import User
from members.tests.factories import UserFactory


def share(structure, visibility):
    structure.diagnostic = "Les achats de **mobilier** passent par un groupement."
    structure.diagnostic_items = [
        DiagnosticItem(kind=DiagnosticKind.OBSTACLE, text="Offre de compostage méconnue.")
    ]
    structure.actions = [Action(title="Acheter des composteurs collectifs")]
    structure.diagnostic_visibility = visibility
    structure.action_plan_visibility = visibility
    structure.save_revision().publish()


@pytest.mark.parametrize("word", ["mobilier", "compostage", "composteurs"])
def test_public_sections_are_found_by_site_search(client, pessac, commit, word):
    share(pessac, SectionVisibility.PUBLIC)
    commit()

    assert "/structures/pessac/" in client.get("/recherche/", {"q": word}).content.decode()


@pytest.mark.parametrize("word", ["mobilier", "compostage", "composteurs"])
def test_members_only_sections_are_found_by_members_only(client, pessac, commit, member, word):
    share(pessac, SectionVisibility.MEMBERS)
    commit()
    client.force_login(UserFactory(status=User.Status.PENDING))

    assert "/structures/pessac/" not in client.get("/recherche/", {"q": word}).content.decode()
    client.force_login(member)
    assert "/structures/pessac/#" in client.get("/recherche/", {"q": word}).content.decode()
