"""What the site search indexes (search.indexing and each page type's ``search_entries``)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from blog.tests.factories import BlogCategoryFactory, BlogIndexPageFactory, BlogPostPageFactory
from knowledge.demo_resources import odt_bytes, pdf_bytes
from knowledge.lesson_vocabularies import BuyingStep, LegalLever, LessonKind
from knowledge.lesson_vocabularies import SustainabilityDimension as Dimension
from knowledge.models import (
    LessonIndexPage,
    LessonPage,
    ResourceFile,
    ResourceIndexPage,
    ResourcePage,
    Sector,
    Theme,
)
from knowledge.resource_access import ResourceAudience
from knowledge.tests.factories import (
    ActionFactory,
    CommitmentRecordFactory,
    DiagnosticItemFactory,
    JourneyStageFactory,
    StructureIndexPageFactory,
    StructurePageFactory,
)
from knowledge.vocabularies import SectionVisibility, StructureSection
from search.indexing import all_entries, entries_for, estimated_total, reindex_page
from search.results import FACETS, KINDS
from website.models import ContactPage
from website.tests.factories import EventIndexPageFactory, EventPageFactory, StandardPageFactory

from .recording import PATH, RecordingBackend

MARKUP = ("**", "<p>", "</", "&amp;", "&lt;", "&nbsp;")


@pytest.fixture
def recording(settings):
    settings.RAA_SEARCH = {"BACKEND": PATH}
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()


def only(entries):
    assert len(entries) == 1
    return entries[0]


def tags(entry, facet):
    return {(tag.value, tag.label) for tag in entry.facets.get(facet, [])}


def assert_plain(entry):
    for text in (entry.title, entry.summary, entry.body):
        assert not any(mark in text for mark in MARKUP), text


def assert_valid(entry):
    assert entry.kind in KINDS
    assert set(entry.facets) <= set(FACETS) - {"kind", "year"}
    assert entry.url.startswith("/")


# Posts -------------------------------------------------------------------------------------


def test_a_post_is_one_plain_text_entry_with_its_structure(home_page, pessac):
    blog = BlogIndexPageFactory(parent=home_page)
    post = BlogPostPageFactory(
        parent=blog,
        title="Bilan",
        slug="bilan",
        date=datetime.date(2024, 3, 5),
        summary="Un résumé.",
        body="Un bilan **encourageant** & _partagé_ : 3 < 4.",
        structure=pessac,
        categories=[BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")],
        tags=["cantine"],
    )

    entry = only(entries_for(post))

    assert_valid(entry)
    assert_plain(entry)
    assert (entry.key, entry.page_id, entry.path) == (f"page:{post.pk}", post.pk, post.path)
    assert (entry.kind, entry.title, entry.url) == ("post", "Bilan", "/blog/bilan/")
    assert entry.summary == "Un résumé."
    assert "Un bilan encourageant & partagé : 3 < 4." in entry.body
    assert "Vie du réseau" in entry.body and "cantine" in entry.body
    assert entry.date == datetime.date(2024, 3, 5)
    assert entry.structure.value == "pessac" and entry.structure.label == "Pessac"
    assert tags(entry, "structure") == {("pessac", "Pessac")}
    assert tags(entry, "departement") == {("gironde", "Gironde (33)")}
    assert entry.public and not entry.demoted and not entry.members_only


# Structures --------------------------------------------------------------------------------


@pytest.fixture
def structure(pessac):
    pessac.summary = "Une commune de la métropole."
    pessac.body = "<p>Pessac <b>achète</b> &amp; partage.</p>"
    pessac.diagnostic = "Les achats **durables** restent rares."
    pessac.assessment_achieved = "Une clause *sociale* dans chaque marché."
    pessac.save()
    pessac.sectors.set(Sector.objects.filter(slug="restauration-collective"))
    JourneyStageFactory(page=pessac, note="Réunion de lancement tenue en mairie")
    CommitmentRecordFactory(page=pessac, note="Délibération votée en conseil")
    item = DiagnosticItemFactory(page=pessac, text="Peu de fournisseurs locaux")
    item.themes.set(Theme.objects.filter(slug="sourcing"))
    item.save()
    ActionFactory(
        page=pessac,
        title="Former les acheteurs",
        description="Deux sessions",
        sector=Sector.objects.get(slug="informatique"),
        outcome="Vingt agents formés",
    )
    pessac.save_revision().publish()
    return pessac


def test_a_structure_has_a_profile_entry_and_one_per_section(structure):
    entries = {entry.key: entry for entry in entries_for(structure)}
    profile = entries.pop(f"page:{structure.pk}")

    assert_plain(profile)
    assert (profile.kind, profile.title, profile.url) == (
        "structure",
        "Pessac",
        "/structures/pessac/",
    )
    assert profile.summary == "Une commune de la métropole."
    assert "Pessac achète & partage." in profile.body
    assert "Commune" in profile.body and "Gironde (33)" in profile.body
    assert tags(profile, "departement") == {("gironde", "Gironde (33)")}
    assert tags(profile, "sector") == {("restauration-collective", "Restauration collective")}
    assert set(entries) == {f"page:{structure.pk}:{section}" for section in StructureSection}
    for section in StructureSection:
        entry = entries[f"page:{structure.pk}:{section}"]
        assert_valid(entry)
        assert_plain(entry)
        assert entry.kind == "section"
        assert entry.title == f"{section.label} — Pessac"
        assert entry.url == f"/structures/pessac/#{section.anchor}"
        assert entry.structure.value == "pessac"
        assert entry.path == structure.path
        assert entry.public and not entry.members_only


def test_section_texts_hold_their_rows(structure):
    entries = {entry.key.rsplit(":", 1)[-1]: entry for entry in entries_for(structure)}

    assert entries["diagnostic"].title == "Diagnostic — Pessac"
    assert "Réunion de lancement tenue en mairie" in entries["journey"].body
    assert "Délibération votée en conseil" in entries["commitments"].body
    assert "Les achats durables restent rares." in entries["diagnostic"].body
    assert "Peu de fournisseurs locaux" in entries["diagnostic"].body
    assert tags(entries["diagnostic"], "theme") == {
        ("sourcing", "Connaissance de l'offre (sourcing)")
    }
    assert "Former les acheteurs" in entries["action_plan"].body
    assert ("informatique", "Informatique") in tags(entries["action_plan"], "sector")
    assert "Une clause sociale dans chaque marché." in entries["assessment"].body
    assert "Vingt agents formés" in entries["assessment"].body
    assert "Peu de fournisseurs" not in entries["journey"].body


def test_a_members_only_section_is_marked_and_not_public(structure):
    structure.diagnostic_visibility = SectionVisibility.MEMBERS
    structure.save_revision().publish()

    entries = {entry.key.rsplit(":", 1)[-1]: entry for entry in entries_for(structure)}

    assert entries["diagnostic"].members_only and not entries["diagnostic"].public
    assert not entries["journey"].members_only and entries["journey"].public


def test_a_public_assessment_leaves_out_the_outcomes_of_a_members_only_plan(structure):
    structure.action_plan_visibility = SectionVisibility.MEMBERS
    structure.save_revision().publish()

    entries = {entry.key.rsplit(":", 1)[-1]: entry for entry in entries_for(structure)}

    assert "Vingt agents formés" not in entries["assessment"].body
    assert "Une clause sociale" in entries["assessment"].body


def test_an_empty_section_has_no_entry(pessac):
    keys = {entry.key for entry in entries_for(pessac)}

    assert keys == {f"page:{pessac.pk}"}


# Resources ---------------------------------------------------------------------------------


@pytest.fixture
def library(home_page):
    return home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))


def document(name, content, collection=None):
    doc = get_document_model()(
        title=name, collection=collection or Collection.get_first_root_node()
    )
    doc.file.save(name, ContentFile(content), save=False)
    doc.save()
    return doc


def make_resource(library, slug, files=(), **fields):
    page = ResourcePage(slug=slug, title=slug.capitalize(), summary="Un guide.", **fields)
    library.add_child(instance=page)
    for order, (label, doc, date) in enumerate(files):
        ResourceFile.objects.create(
            page=page, label=label, document=doc, version_date=date, sort_order=order
        )
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def test_a_resource_holds_the_words_of_its_current_files(library, pessac):
    old = document("guide-v1.pdf", pdf_bytes("ancienne version perimee"))
    new = document("guide-v2.pdf", pdf_bytes("Clause de restauration durable"))
    grid = document("grille.odt", odt_bytes(["Grille d'analyse des offres"]))
    resource = make_resource(
        library,
        "guide",
        body="Un **guide** pour les acheteurs.",
        files=[
            ("Guide", old, datetime.date(2024, 1, 1)),
            ("Guide", new, datetime.date(2024, 6, 1)),
            ("Grille", grid, datetime.date(2024, 1, 1)),
        ],
    )
    resource.themes.set(Theme.objects.filter(slug="sourcing"))
    resource.structures.set([pessac])
    resource.save_revision().publish()

    entry = only(entries_for(ResourcePage.objects.get(pk=resource.pk)))

    assert_valid(entry)
    assert_plain(entry)
    assert entry.kind == "resource" and entry.url == "/ressources/guide/"
    assert "Un guide pour les acheteurs." in entry.body
    assert "Clause de restauration durable" in entry.body
    assert "Grille d'analyse des offres" in entry.body
    assert "perimee" not in entry.body
    assert tags(entry, "theme") == {("sourcing", "Connaissance de l'offre (sourcing)")}
    assert tags(entry, "structure") == {("pessac", "Pessac")}
    assert entry.date == datetime.date(2024, 6, 1)  # its latest file version


def test_a_file_in_a_stricter_collection_lends_no_words(library):
    root = Collection.get_first_root_node()
    secret = root.add_child(name="Secret")
    restriction = CollectionViewRestriction.objects.create(
        collection=secret, restriction_type=CollectionViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Coordination")])
    kept = document("note.pdf", pdf_bytes("note confidentielle"), collection=secret)
    resource = make_resource(library, "note", files=[("Note", kept, datetime.date(2024, 1, 1))])

    entry = only(entries_for(ResourcePage.objects.get(pk=resource.pk)))

    assert "confidentielle" not in entry.body and entry.public


def test_a_members_resource_keeps_its_files_words_and_is_not_public(library):
    doc = document("cr.pdf", pdf_bytes("compte rendu du seminaire"))
    resource = make_resource(
        library,
        "compte-rendu",
        audience=ResourceAudience.MEMBERS,
        files=[("Compte rendu", doc, datetime.date(2024, 1, 1))],
    )

    entry = only(entries_for(ResourcePage.objects.get(pk=resource.pk)))

    # The files moved into the members' collection, as strict as the page: their words stay.
    assert "compte rendu du seminaire" in entry.body
    assert not entry.public


def test_a_broken_file_does_not_stop_its_resource(library):
    broken = document("casse.pdf", b"%PDF-1.4 garbage")
    resource = make_resource(library, "casse", files=[("Cassé", broken, datetime.date(2024, 1, 1))])

    entry = only(entries_for(ResourcePage.objects.get(pk=resource.pk)))

    assert entry.title == "Casse" and "Cassé" in entry.body


# Lessons and events ------------------------------------------------------------------------


def test_a_lesson_carries_every_facet(home_page, pessac):
    index = home_page.add_child(
        instance=LessonIndexPage(title="Enseignements", slug="enseignements")
    )
    lesson = LessonPage(
        title="Allotir la restauration",
        slug="allotir",
        summary="Des lots plus petits.",
        body="Des lots **accessibles** aux PME.",
        kind=LessonKind.objects.get(slug="levier"),
    )
    index.add_child(instance=lesson)
    lesson.themes.set(Theme.objects.filter(slug="sourcing"))
    lesson.sectors.set(Sector.objects.filter(slug="restauration-collective"))
    lesson.dimensions.set(Dimension.objects.filter(slug="social"))
    lesson.legal_levers.set(LegalLever.objects.filter(slug="marche-reserve"))
    lesson.buying_steps.set(BuyingStep.objects.filter(slug="sourcing"))
    lesson.structures.set([pessac])
    lesson.save_revision().publish()

    entry = only(entries_for(LessonPage.objects.get(pk=lesson.pk)))

    assert_valid(entry)
    assert_plain(entry)
    assert entry.kind == "lesson" and entry.url == "/enseignements/allotir/"
    assert "Des lots accessibles aux PME." in entry.body
    assert tags(entry, "lesson_kind") == {("levier", "Levier")}
    assert tags(entry, "theme") == {("sourcing", "Connaissance de l'offre (sourcing)")}
    assert tags(entry, "sector") == {("restauration-collective", "Restauration collective")}
    assert tags(entry, "dimension") == {("social", "Social")}
    assert tags(entry, "legal_lever") == {("marche-reserve", "Marché réservé")}
    assert tags(entry, "buying_step") == {("sourcing", "Sourcing")}
    assert tags(entry, "structure") == {("pessac", "Pessac")}
    assert entry.structure.value == "pessac"


def test_an_event_is_dated_by_its_start_in_the_site_time_zone(home_page, pessac):
    agenda = EventIndexPageFactory(parent=home_page)
    start = datetime.datetime(2025, 1, 31, 23, 30, tzinfo=datetime.UTC)  # 1 February in Paris
    event = EventPageFactory(
        parent=agenda,
        title="Journée régionale",
        slug="journee",
        start=start,
        end=start + datetime.timedelta(hours=2),
        place="Hôtel de Région, Bordeaux",
        description="<p>Ordre du jour&nbsp;: <b>restitution</b>.</p>",
        structures=[pessac],
    )

    entry = only(entries_for(event))

    assert_valid(entry)
    assert_plain(entry)
    assert (entry.kind, entry.url) == ("event", "/agenda/journee/")
    assert entry.date == datetime.date(2025, 2, 1)
    assert "restitution" in entry.body and entry.summary == "Hôtel de Région, Bordeaux"
    assert tags(entry, "structure") == {("pessac", "Pessac")}


# Other pages -------------------------------------------------------------------------------


def test_other_pages_get_a_plain_entry_from_their_search_fields(home_page):
    page = StandardPageFactory(
        parent=home_page,
        title="Le programme",
        slug="programme",
        body="<h2>Objectifs</h2><p>Des achats <b>responsables</b>&nbsp;&amp; locaux.</p>",
        search_description="Ce que fait le réseau.",
    )

    entry = only(entries_for(page))

    assert_valid(entry)
    assert_plain(entry)
    assert (entry.kind, entry.title, entry.url) == ("page", "Le programme", "/programme/")
    assert entry.summary == "Ce que fait le réseau."
    assert "Objectifs Des achats responsables" in entry.body and "locaux" in entry.body
    assert not entry.demoted


@pytest.mark.parametrize("slug", ["mentions-legales", "accessibilite"])
def test_legal_pages_are_demoted(home_page, slug):
    page = StandardPageFactory(parent=home_page, slug=slug)

    assert only(entries_for(page)).demoted


def test_the_contact_page_is_demoted(home_page):
    page = home_page.add_child(instance=ContactPage(title="Contact", slug="nous-ecrire"))

    entry = only(entries_for(page))

    assert entry.demoted and entry.kind == "page"


def test_listing_pages_are_pages(home_page):
    blog = BlogIndexPageFactory(parent=home_page, introduction="<p>Les nouvelles.</p>")

    entry = only(entries_for(blog))

    assert (entry.kind, entry.url) == ("page", "/blog/") and "Les nouvelles." in entry.body


def test_a_restricted_page_and_what_is_below_it_are_not_public(home_page):
    parent = StandardPageFactory(parent=home_page, slug="reserve")
    child = StandardPageFactory(parent=parent, slug="dessous")
    PageViewRestriction.objects.create(page=parent, restriction_type=PageViewRestriction.LOGIN)

    assert not only(entries_for(parent)).public
    assert not only(entries_for(Page.objects.get(pk=child.pk))).public


def test_the_root_unpublished_and_out_of_site_pages_have_no_entry(home_page):
    draft = StandardPageFactory(parent=home_page, slug="brouillon", live=False)
    outside = StandardPageFactory(parent=Page.get_first_root_node(), slug="ailleurs")

    assert entries_for(Page.get_first_root_node()) == []
    assert entries_for(draft) == []
    assert entries_for(outside) == []
    assert entries_for(None) == []


# The whole site ----------------------------------------------------------------------------


def build_site(home_page, count):
    """``count`` of each page type, with rows and relations."""
    blog = BlogIndexPage_(home_page)
    directory = Page.objects.filter(slug="structures").first() or StructureIndexPageFactory(
        parent=home_page
    )
    agenda = Page.objects.filter(slug="agenda").first() or EventIndexPageFactory(parent=home_page)
    lesson_index = LessonIndexPage.objects.first() or home_page.add_child(
        instance=LessonIndexPage(title="Enseignements", slug="enseignements")
    )
    library = ResourceIndexPage.objects.first() or home_page.add_child(
        instance=ResourceIndexPage(title="Ressources", slug="ressources")
    )
    for _ in range(count):
        structure = StructurePageFactory(parent=directory)
        item = DiagnosticItemFactory(page=structure)
        item.themes.set(Theme.objects.all()[:2])
        item.save()
        ActionFactory(page=structure, sector=Sector.objects.first())
        JourneyStageFactory(page=structure, note="Étape")
        structure.sectors.set(Sector.objects.all()[:2])
        BlogPostPageFactory(parent=blog, structure=structure, tags=["a", "b"])
        EventPageFactory(parent=agenda.specific, structures=[structure])
        StandardPageFactory(parent=home_page)
        lesson = LessonPage(
            title="Enseignement",
            slug=f"enseignement-{structure.pk}",
            summary="Résumé.",
            kind=LessonKind.objects.first(),
        )
        lesson_index.add_child(instance=lesson)
        lesson.themes.set(Theme.objects.all()[:2])
        lesson.structures.set([structure])
        lesson.save_revision().publish()
        doc = document(f"fiche-{structure.pk}.odt", odt_bytes(["Contenu de la fiche"]))
        resource = make_resource(
            library,
            f"fiche-{structure.pk}",
            files=[("Fiche", doc, datetime.date(2024, 1, 1))],
            audience=ResourceAudience.MEMBERS,  # files in a restricted collection
        )
        resource.structures.set([structure])
        resource.themes.set(Theme.objects.all()[:2])
        resource.save_revision().publish()


def BlogIndexPage_(home_page):  # noqa: N802
    return Page.objects.filter(slug="blog").first() or BlogIndexPageFactory(parent=home_page)


def count_queries(batch_size):
    with CaptureQueriesContext(connection) as queries:
        entries = list(all_entries(batch_size=batch_size))
    return len(queries), entries


def test_all_entries_reads_a_batch_in_a_fixed_number_of_queries(home_page):
    build_site(home_page, 3)
    count_queries(batch_size=500)  # content types and the site's root paths get cached
    small, entries = count_queries(batch_size=500)
    assert {entry.kind for entry in entries} == set(KINDS)

    build_site(home_page, 12)
    large, entries = count_queries(batch_size=500)

    assert large == small
    assert len({entry.key for entry in entries}) == len(entries)
    resources = [entry for entry in entries if entry.kind == "resource"]
    assert len(resources) == 15 and all("Contenu de la fiche" in entry.body for entry in resources)


def test_all_entries_goes_through_every_page_in_batches(home_page):
    build_site(home_page, 4)
    once = {entry.key for entry in all_entries(batch_size=1000)}

    batched = [entry.key for entry in all_entries(batch_size=3)]

    assert sorted(batched) == sorted(once)
    assert estimated_total() >= len(once)


def test_a_page_that_fails_is_left_out_of_a_rebuild(home_page, monkeypatch, caplog):
    build_site(home_page, 1)
    monkeypatch.setattr("blog.models.BlogPostPage.search_entries", lambda self: 1 / 0, raising=True)

    kinds = {entry.kind for entry in all_entries()}

    assert "post" not in kinds and "structure" in kinds
    assert "Could not index page" in caplog.text


def test_reindex_page_writes_then_forgets_a_page(recording, home_page):
    page = StandardPageFactory(parent=home_page, slug="a-propos")
    reindex_page(page.pk)
    assert recording.by_key()[f"page:{page.pk}"].title == page.title

    page.unpublish()
    reindex_page(page.pk)
    assert f"page:{page.pk}" not in recording.by_key()

    page.delete()
    reindex_page(page.pk)
    assert ("remove", (page.pk,)) in recording.calls
