"""The members' hub at /espace-membres/: what it shows to whom, in bounded queries."""

from html import unescape
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from core.roles import COORDINATORS_GROUP
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import Membership, User
from members.permissions import members_only_collection, restrict_to_members
from members.tests.factories import UserFactory
from website.models import MembersAreaPage
from website.tests.factories import EventIndexPageFactory, EventPageFactory


@pytest.fixture
def site(home_page):
    hub = MembersAreaPage(title="Espace membres", slug="espace-membres")
    home_page.add_child(instance=hub)
    restrict_to_members(hub)
    directory = StructureIndexPageFactory(parent=home_page, slug="structures")
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    blog = BlogIndexPageFactory(parent=home_page)
    agenda = EventIndexPageFactory(parent=home_page)
    return {"hub": hub, "pessac": pessac, "blog": blog, "agenda": agenda}


def members_post(blog, title):
    post = BlogPostPageFactory(parent=blog, title=title)
    restrict_to_members(post)
    return post


def coordinators_post(blog, title):
    post = BlogPostPageFactory(parent=blog, title=title)
    restriction = PageViewRestriction.objects.create(
        page=post, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=COORDINATORS_GROUP)])
    return post


def document(collection, title):
    doc = get_document_model()(title=title, collection=collection)
    doc.file.save("note.txt", ContentFile(b"texte"), save=False)
    doc.save()
    return doc


def coordinators_collection(name):
    collection = Collection.get_first_root_node().add_child(name=name)
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name=COORDINATORS_GROUP)])
    return collection


def test_the_hub_gathers_what_a_team_member_comes_back_for(client, site):
    person = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=person, structure=site["pessac"])
    members_post(site["blog"], "Compte rendu réservé")
    coordinators_post(site["blog"], "Note de la coordination")
    BlogPostPageFactory(parent=site["blog"], title="Billet public")
    document(members_only_collection("Réservé"), "Trame d'entretien réservée")
    document(coordinators_collection("Coordination"), "Budget confidentiel")
    EventPageFactory(parent=site["agenda"], title="Réunion inter-structures")
    client.force_login(person)

    response = client.get("/espace-membres/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Pessac" in html and f"/admin/pages/{site['pessac'].pk}/edit/" in html
    assert "/structures/tableau-de-bord/" in html
    assert 'href="/membres/"' in html and 'href="/membres/moi/abonnements/"' in html
    assert "Compte rendu réservé" in html and "Trame d&#x27;entretien réservée" in html
    assert "Réunion inter-structures" in html
    assert "Billet public" not in html  # members-only posts only
    assert "Note de la coordination" not in html and "Budget confidentiel" not in html


def test_a_member_outside_any_team_has_no_edit_link(client, site, member):
    client.force_login(member)

    html = unescape(client.get("/espace-membres/").content.decode())

    assert "/admin/pages/" not in html
    assert "Vous ne faites partie de l'équipe projet d'aucune structure" in html


def test_the_hub_refuses_pending_accounts_and_sends_visitors_to_log_in(client, site, pending_user):
    assert client.get("/espace-membres/").status_code == HTTPStatus.FOUND
    client.force_login(pending_user)
    assert client.get("/espace-membres/").status_code == HTTPStatus.FORBIDDEN


def test_the_hub_stays_members_only_without_its_restriction(client, site, pending_user):
    PageViewRestriction.objects.filter(page=site["hub"]).delete()

    assert client.get("/espace-membres/").status_code == HTTPStatus.FOUND
    client.force_login(pending_user)
    response = client.get("/espace-membres/")
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Votre compte attend l" in response.content.decode()


def hub_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/espace-membres/").status_code == HTTPStatus.OK
    return len(queries)


def test_hub_queries_do_not_grow_with_content(client, site):
    person = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=person, structure=site["pessac"])
    collection = members_only_collection("Réservé")
    members_post(site["blog"], "Premier billet réservé")
    coordinators_post(site["blog"], "Première note")
    document(collection, "Premier document")
    document(coordinators_collection("Première coordination"), "Premier budget")
    EventPageFactory(parent=site["agenda"])
    client.force_login(person)
    hub_queries(client)  # warm the caches (site root paths, content types)
    small = hub_queries(client)

    for n in range(20):
        members_post(site["blog"], f"Billet réservé {n}")
        coordinators_post(site["blog"], f"Note {n}")
        document(collection, f"Document {n}")
        document(coordinators_collection(f"Coordination {n}"), f"Budget {n}")
        EventPageFactory(parent=site["agenda"])

    assert hub_queries(client) == small
