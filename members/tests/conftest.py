import pytest
from wagtail.documents import get_document_model
from wagtail.models import Page

from blog.models import BlogIndexPage
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import Membership, User
from members.permissions import members_only_collection, restrict_to_members
from members.tests.factories import UserFactory
from website.tests.factories import StandardPageFactory


@pytest.fixture
def structures(home_page):
    home_page.add_child(instance=BlogIndexPage(title="Blog", slug="blog"))
    directory = StructureIndexPageFactory(parent=home_page)
    return {
        "pessac": StructurePageFactory(parent=directory, title="Pessac", slug="pessac"),
        "le-haillan": StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan"),
    }


@pytest.fixture
def public_page(home_page):
    return StandardPageFactory(parent=home_page, title="Mentions légales", slug="mentions-legales")


@pytest.fixture
def members_page(home_page):
    page = StandardPageFactory(parent=home_page, title="Espace membres", slug="espace-membres")
    restrict_to_members(page)
    return page


@pytest.fixture
def members_document(db):
    from django.core.files.base import ContentFile

    collection = members_only_collection("Documents réservés")
    document = get_document_model()(title="Compte rendu réservé", collection=collection)
    document.file.save("compte-rendu.txt", ContentFile(b"confidentiel"), save=False)
    document.save()
    return document


def team_member(structure, role=Membership.Role.TEAM):
    user = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=user, structure=structure, role=role)
    return user


@pytest.fixture
def pessac_team(structures):
    return team_member(structures["pessac"])


@pytest.fixture
def pessac_referent(structures):
    return team_member(structures["pessac"], Membership.Role.STAFF_REFERENT)


@pytest.fixture
def haillan_referent(structures):
    return team_member(structures["le-haillan"], Membership.Role.ELECTED_REFERENT)


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()
