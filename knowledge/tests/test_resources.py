"""Resources: pages, files and versions, audiences, the filtered listing, structure and home."""

import datetime
import re
from html import unescape
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction

from knowledge.demo_resources import csv_bytes, pdf_bytes
from knowledge.models import ResourceFile, ResourceIndexPage, ResourcePage
from knowledge.resource_access import ResourceAudience
from knowledge.tests.factories import SectorFactory, StructurePageFactory, ThemeFactory
from members.models import Membership, User
from members.tests.factories import UserFactory


@pytest.fixture
def library(home_page):
    return home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))


@pytest.fixture
def le_haillan(pessac):
    return StructurePageFactory(parent=pessac.get_parent(), title="Le Haillan", slug="le-haillan")


def team_member(structure):
    user = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=user, structure=structure, role=Membership.Role.TEAM)
    return user


def document(name="fiche.pdf", content=None, title="Fiche"):
    doc = get_document_model()(title=title)
    doc.file.save(name, ContentFile(content or pdf_bytes("fiche")), save=False)
    doc.save()
    return doc


def make_resource(library, slug, files=(), themes=(), sectors=(), structures=(), **fields):
    fields.setdefault("title", slug.replace("-", " ").capitalize())
    fields.setdefault("summary", f"Résumé de {slug}")
    page = ResourcePage(slug=slug, **fields)
    library.add_child(instance=page)
    page.themes.set(themes)
    page.sectors.set(sectors)
    page.structures.set(structures)
    page.save()
    for order, (label, doc, date, note) in enumerate(files):
        ResourceFile.objects.create(
            page=page,
            label=label,
            document=doc,
            version_date=date,
            change_note=note,
            sort_order=order,
        )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


# Pages, files and versions ---------------------------------------------------------------


def test_resource_library_accepts_resource_pages(library):
    assert ResourcePage.can_create_at(library)
    assert "knowledge.ResourcePage" in ResourceIndexPage.subpage_types


def test_resource_page_shows_files_with_type_size_and_sanitised_body(client, library):
    content = pdf_bytes("guide")
    make_resource(
        library,
        "guide",
        body="## Mode d'emploi\n\n<script>alert(1)</script> **gras**",
        files=[("Le guide", document("guide.pdf", content), datetime.date(2024, 3, 1), "")],
    )
    response = client.get("/ressources/guide/")
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in response.content.decode()
    html = unescape(response.content.decode())
    assert "<strong>gras</strong>" in html
    assert "Le guide" in html
    assert f"(PDF, {filesizeformat(len(content))})" in html


def test_new_version_keeps_the_url_and_lists_earlier_ones_newest_first(client, library):
    old = document("v1.csv", csv_bytes([("a", "b")]), "v1")
    new = document("v2.csv", csv_bytes([("a", "b"), ("c", "d")]), "v2")
    page = make_resource(
        library,
        "liste",
        files=[
            ("Liste", old, datetime.date(2024, 1, 10), ""),
            ("Liste", new, datetime.date(2024, 2, 20), "Deux lignes ajoutées"),
        ],
    )
    assert page.url == "/ressources/liste/"
    html = unescape(client.get(page.url).content.decode())
    assert html.index(new.url) < html.index(old.url)
    assert "Deux lignes ajoutées" in html
    assert "10 janvier 2024" in html
    assert "1 version précédente" in html
    # The attachment's own address always leads to its newest version.
    response = client.get("/ressources/liste/fichiers/liste/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == new.url
    assert client.get("/ressources/liste/fichiers/inconnu/").status_code == HTTPStatus.NOT_FOUND


def test_two_versions_on_the_same_day_are_refused_in_the_admin(library, admin_client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    doc = document()
    data = nested_form_data(
        {
            "title": "Doublon",
            "slug": "doublon",
            "kind": "autre",
            "audience": "public",
            "summary": "Résumé",
            "body": "",
            "files": inline_formset(
                [
                    {"label": "Fiche", "document": doc.pk, "version_date": "2024-01-01"},
                    {"label": "fiche", "document": doc.pk, "version_date": "2024-01-01"},
                ]
            ),
        }
    )
    response = admin_client.post(f"/admin/pages/add/knowledge/resourcepage/{library.pk}/", data)
    assert response.status_code == HTTPStatus.OK
    assert "Ce fichier a déjà une version à cette date" in unescape(response.content.decode())
    assert not ResourcePage.objects.filter(slug="doublon").exists()


# Audiences ------------------------------------------------------------------------------


def test_members_resource_and_its_files_are_kept_from_visitors(client, library, member):
    doc = document("reserve.pdf")
    page = make_resource(
        library,
        "reserve",
        audience=ResourceAudience.MEMBERS,
        files=[("Réservé", doc, datetime.date(2024, 1, 1), "")],
    )
    doc.refresh_from_db()
    assert doc.collection.name == "Ressources réservées aux membres"
    assert PageViewRestriction.objects.filter(page=page).exists()

    page_response = client.get(page.url)
    assert page_response.status_code == HTTPStatus.FOUND
    assert page_response["Location"].startswith("/comptes/login/")
    doc_response = client.get(doc.url)
    assert doc_response.status_code == HTTPStatus.FOUND
    assert "/login/" in doc_response["Location"]

    client.force_login(member)
    assert client.get(page.url).status_code == HTTPStatus.OK
    assert client.get(doc.url).status_code == HTTPStatus.OK


def test_team_resource_is_kept_from_another_structures_team(client, library, pessac, le_haillan):
    doc = document("interne.pdf")
    page = make_resource(
        library,
        "interne",
        audience=ResourceAudience.TEAM,
        team_structure=pessac,
        structures=[pessac],
        files=[("Interne", doc, datetime.date(2024, 1, 1), "")],
    )
    outsider = team_member(le_haillan)
    client.force_login(outsider)
    # Signed in: refused with a 403, not sent to the login page (which would send back).
    assert client.get(page.url).status_code == HTTPStatus.FORBIDDEN
    assert client.get(doc.url).status_code == HTTPStatus.FORBIDDEN
    listing = client.get("/ressources/").content.decode()
    assert "Interne" not in listing
    assert "Structure (1)" not in listing  # no count reveals it
    assert client.get("/ressources/?structure=pessac").context["resource_count"] == 0

    client.force_login(team_member(pessac))
    assert client.get(page.url).status_code == HTTPStatus.OK
    assert client.get(doc.url).status_code == HTTPStatus.OK
    assert client.get("/ressources/?structure=pessac").context["resource_count"] == 1


def test_back_to_public_lifts_the_restriction_it_set(client, library):
    page = make_resource(library, "bientot-public", audience=ResourceAudience.MEMBERS)
    page.audience = ResourceAudience.PUBLIC
    page.save_revision().publish()
    assert not PageViewRestriction.objects.filter(page=page).exists()
    assert client.get(page.url).status_code == HTTPStatus.OK


def test_team_resource_needs_its_structure_in_the_admin(library, admin_client):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    data = nested_form_data(
        {
            "title": "Sans équipe",
            "slug": "sans-equipe",
            "kind": "autre",
            "audience": "team",
            "summary": "Résumé",
            "body": "",
            "files": inline_formset([]),
        }
    )
    response = admin_client.post(f"/admin/pages/add/knowledge/resourcepage/{library.pk}/", data)
    assert "Choisissez la structure" in unescape(response.content.decode())
    assert not ResourcePage.objects.filter(slug="sans-equipe").exists()


# Listing --------------------------------------------------------------------------------


@pytest.fixture
def catalogue(library, pessac):
    energy = ThemeFactory(name="Énergie", slug="energie")
    social = ThemeFactory(name="Clauses sociales", slug="clauses-sociales")
    catering = SectorFactory(name="Restauration", slug="restauration")
    make_resource(library, "guide-a", kind="guide-entretien", themes=[energy])
    make_resource(library, "guide-b", kind="guide-entretien", themes=[social], sectors=[catering])
    make_resource(library, "modele-c", kind="modele", themes=[energy], structures=[pessac])
    make_resource(
        library, "reserve-d", kind="modele", themes=[energy], audience=ResourceAudience.MEMBERS
    )
    return {"energy": energy, "social": social, "catering": catering}


def option_labels(response, field):
    return [label for _value, label in response.context["filter_form"].fields[field].choices]


def test_listing_counts_each_value_against_known_data(client, catalogue):
    response = client.get("/ressources/")
    assert response.context["resource_count"] == 3
    assert "Guide d'entretien (2)" in option_labels(response, "type")
    assert "Modèle ou clause type (1)" in option_labels(response, "type")
    assert "Énergie (2)" in option_labels(response, "theme")
    assert "Restauration (1)" in option_labels(response, "secteur")
    assert option_labels(response, "structure") == ["Indifférent", "Pessac (1)"]
    # A value that would list nothing is not offered.
    assert not [label for label in option_labels(response, "type") if label.startswith("Compte")]


def test_a_value_listing_nothing_is_offered_only_when_chosen(client, catalogue, pessac):
    StructurePageFactory(parent=pessac.get_parent(), title="Talence", slug="talence")

    plain = unescape(client.get("/ressources/").content.decode())
    chosen = client.get("/ressources/?type=compte-rendu")

    assert 'value="talence"' not in plain and 'value="compte-rendu"' not in plain
    assert chosen.context["resource_count"] == 0
    assert not chosen.context["filter_form"].errors
    assert "Compte rendu (0)" in option_labels(chosen, "type")
    assert "Guide d'entretien (2)" in option_labels(chosen, "type")  # the other kinds, instead
    # No resource of that kind: no theme nor structure would list anything with it.
    assert option_labels(chosen, "theme") == ["Indifférent"]
    assert option_labels(chosen, "structure") == ["Indifférent"]
    assert re.search(r'<option value="compte-rendu" selected>', chosen.content.decode())


def test_members_see_members_resources_in_list_and_counts(client, catalogue, member):
    client.force_login(member)
    response = client.get("/ressources/")
    assert response.context["resource_count"] == 4
    assert "Énergie (3)" in option_labels(response, "theme")
    assert "Reserve d" in unescape(response.content.decode())


def test_filters_combine_and_counts_follow_the_other_filters(client, catalogue):
    response = client.get("/ressources/?type=guide-entretien&theme=energie")
    titles = [page.title for page in response.context["resources"].object_list]
    assert titles == ["Guide a"]
    # With the kind chosen, a theme's count is the guides on that theme.
    assert "Énergie (1)" in option_labels(response, "theme")
    assert "Clauses sociales (1)" in option_labels(response, "theme")
    # With the theme chosen, a kind's count is the resources on energy of that kind.
    assert "Modèle ou clause type (1)" in option_labels(response, "type")


@pytest.mark.parametrize("query", ["type=inconnu", "theme=nope", "secteur=x&theme=energie"])
def test_unknown_value_lists_nothing_and_says_so_in_french(client, catalogue, query):
    response = client.get(f"/ressources/?{query}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["resource_count"] == 0
    html = unescape(response.content.decode())
    assert "Aucune ressource n'est listée tant qu'un filtre contient une valeur inconnue." in html


@pytest.mark.parametrize("page_number", ["999", "abc", "-1", "0"])
def test_out_of_range_pages_never_fail(client, catalogue, page_number):
    response = client.get(f"/ressources/?page={page_number}")
    assert response.status_code == HTTPStatus.OK


def test_pagination_keeps_the_filters(client, library):
    theme = ThemeFactory(name="Énergie", slug="energie")
    for number in range(14):
        make_resource(library, f"r-{number:02d}", themes=[theme])
    response = client.get("/ressources/?theme=energie&page=2")
    assert len(response.context["resources"].object_list) == 2
    assert 'href="?theme=energie&amp;page=1"' in response.content.decode()


def test_follow_button_on_a_theme_filter_view(client, catalogue, member):
    client.force_login(member)
    html = client.get("/ressources/?theme=energie").content.decode()
    assert 'value="theme"' in html
    assert f'value="{catalogue["energy"].pk}"' in html


def test_listing_queries_do_not_grow_with_resources(client, library, pessac, member):
    theme = ThemeFactory(name="Énergie", slug="energie")
    sector = SectorFactory(name="Textile", slug="textile")

    def add(count, start):
        for number in range(start, start + count):
            make_resource(
                library,
                f"res-{number:03d}",
                themes=[theme],
                sectors=[sector],
                structures=[pessac],
                audience=[ResourceAudience.PUBLIC, ResourceAudience.MEMBERS][number % 2],
                files=[("Fiche", document(f"f{number}.pdf"), datetime.date(2024, 1, 1), "")],
            )
        make_resource(
            library,
            f"team-{start}",
            audience=ResourceAudience.TEAM,
            team_structure=pessac,
            themes=[theme],
        )

    client.force_login(member)
    add(2, 0)
    client.get("/ressources/?theme=energie")  # caches warmed (site, content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/ressources/?theme=energie").status_code == HTTPStatus.OK
    add(20, 100)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/ressources/?theme=energie").status_code == HTTPStatus.OK
    assert len(many) == len(few)


# Structure page and home page -----------------------------------------------------------


def test_structure_page_lists_the_resources_its_reader_may_see(client, library, pessac):
    make_resource(library, "public-pessac", title="Fiche publique Pessac", structures=[pessac])
    make_resource(
        library,
        "reserve-pessac",
        title="Fiche réservée Pessac",
        structures=[pessac],
        audience=ResourceAudience.MEMBERS,
    )
    html = client.get(pessac.url).content.decode()
    assert "Fiche publique Pessac" in html
    assert "Fiche réservée Pessac" not in html


def test_home_page_shows_the_latest_resources_the_reader_may_see(client, library, member):
    make_resource(library, "publique", title="Ressource publique")
    make_resource(
        library, "membres", title="Ressource des membres", audience=ResourceAudience.MEMBERS
    )
    html = client.get("/").content.decode()
    assert "Ressource publique" in html
    assert "Ressource des membres" not in html
    client.force_login(member)
    assert "Ressource des membres" in client.get("/").content.decode()


def test_home_and_structure_page_queries_do_not_grow_with_resources(client, library, pessac):
    def add(count, start):
        for number in range(start, start + count):
            make_resource(library, f"h-{number:03d}", structures=[pessac])

    add(1, 0)
    client.get("/")  # caches warmed (site, content types)
    client.get(pessac.url)
    with CaptureQueriesContext(connection) as home_few:
        client.get("/")
    with CaptureQueriesContext(connection) as structure_few:
        client.get(pessac.url)
    add(10, 100)
    with CaptureQueriesContext(connection) as home_many:
        client.get("/")
    with CaptureQueriesContext(connection) as structure_many:
        client.get(pessac.url)
    assert len(home_many) == len(home_few)
    assert len(structure_many) == len(structure_few)


def test_resource_page_queries_do_not_grow_with_versions(client, library):
    page = make_resource(
        library, "versions", files=[("Fiche", document(), datetime.date(2024, 1, 1), "")]
    )
    client.get(page.url)  # caches warmed (site, content types)
    with CaptureQueriesContext(connection) as few:
        client.get(page.url)
    for day in range(2, 12):
        ResourceFile.objects.create(
            page=page, label="Fiche", document=document(), version_date=datetime.date(2024, 1, day)
        )
    with CaptureQueriesContext(connection) as many:
        client.get(page.url)
    assert len(many) == len(few)


def test_search_leaves_out_resources_the_reader_may_not_see(
    client, library, pessac, le_haillan, commit
):
    make_resource(
        library,
        "interne-search",
        title="Compte rendu zeugma",
        team_structure=pessac,
        audience=ResourceAudience.TEAM,
    )
    make_resource(library, "public-search", title="Guide zeugma")
    commit()
    found = client.get("/recherche/?q=zeugma").content.decode()
    assert "Guide zeugma" in found
    assert "Compte rendu zeugma" not in found
    client.force_login(team_member(le_haillan))
    assert "Compte rendu zeugma" not in client.get("/recherche/?q=zeugma").content.decode()
    client.force_login(team_member(pessac))
    assert "Compte rendu zeugma" in client.get("/recherche/?q=zeugma").content.decode()


def test_a_draft_does_not_change_who_reads_the_live_resource(client, library):
    page = make_resource(library, "brouillon", audience=ResourceAudience.MEMBERS)
    page.audience = ResourceAudience.PUBLIC
    page.save_revision()  # submitted, not published
    assert PageViewRestriction.objects.filter(page=page).exists()
    assert client.get(page.url).status_code == HTTPStatus.FOUND
