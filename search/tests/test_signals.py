"""The index follows the site: publish, unpublish, delete, move, privacy, files (search.signals)."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Page, PageViewRestriction

from blog.tests.factories import BlogIndexPageFactory, BlogPostPageFactory
from knowledge.demo_resources import pdf_bytes
from knowledge.models import ResourceFile, ResourceIndexPage, ResourcePage, Theme
from knowledge.tests.factories import DiagnosticItemFactory
from search import signals
from search.signals import indexing_paused
from search.tasks import sync_pages, sync_subtree
from website.tests.factories import StandardPageFactory

from .recording import PATH, RecordingBackend


@pytest.fixture
def recording(settings):
    settings.RAA_SEARCH = {"BACKEND": PATH}
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks (the tasks are immediate in the tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


class Recorded:
    """A task whose ``enqueue`` calls are written down (and still run)."""

    def __init__(self, task, calls):
        self.task, self.calls = task, calls

    def enqueue(self, **kwargs):
        self.calls.append((self.task.name, kwargs))
        return self.task.enqueue(**kwargs)


@pytest.fixture
def enqueued(monkeypatch):
    """Every task queued, by name, with its arguments."""
    calls = []
    monkeypatch.setattr(signals, "sync_pages", Recorded(sync_pages, calls))
    monkeypatch.setattr(signals, "sync_subtree", Recorded(sync_subtree, calls))
    return calls


def keys():
    return set(RecordingBackend.by_key())


def test_publishing_indexes_the_page(recording, committed, home_page):
    page = StandardPageFactory(parent=home_page, slug="a-propos", live=False)
    assert f"page:{page.pk}" not in keys()

    with committed():
        page.save_revision().publish()

    assert recording.by_key()[f"page:{page.pk}"].url == "/a-propos/"


def test_publishing_again_updates_the_entry(recording, committed, home_page):
    page = StandardPageFactory(parent=home_page, slug="a-propos")
    page.title = "Nouveau titre"

    with committed():
        page.save_revision().publish()

    assert recording.by_key()[f"page:{page.pk}"].title == "Nouveau titre"


def test_unpublishing_removes_the_page(recording, committed, home_page):
    with committed():
        page = StandardPageFactory(parent=home_page, slug="a-propos")
        page.save_revision().publish()
    assert f"page:{page.pk}" in keys()

    with committed():
        page.unpublish()

    assert f"page:{page.pk}" not in keys()


def test_deleting_a_subtree_removes_every_page_in_one_task(
    recording, committed, enqueued, home_page
):
    parent = StandardPageFactory(parent=home_page, slug="parent")
    children = [StandardPageFactory(parent=parent) for _ in range(3)]
    grandchild = StandardPageFactory(parent=children[0])
    ids = [parent.pk, *(c.pk for c in children), grandchild.pk]
    with committed():
        call_command("search_index", "--rebuild", stdout=StringIO(), stderr=StringIO())
    assert {f"page:{pk}" for pk in ids} <= keys()
    enqueued.clear()

    with committed():
        Page.objects.get(pk=parent.pk).delete()

    assert not {f"page:{pk}" for pk in ids} & keys()
    assert enqueued == [("sync_pages", {"page_ids": sorted(ids)})]


def test_moving_a_page_reindexes_its_subtree_with_new_urls(recording, committed, home_page):
    first = StandardPageFactory(parent=home_page, slug="premier")
    second = StandardPageFactory(parent=home_page, slug="second")
    child = StandardPageFactory(parent=first, slug="enfant")
    grandchild = StandardPageFactory(parent=child, slug="petit")

    with committed():
        Page.objects.get(pk=child.pk).move(second, pos="last-child")

    entries = recording.by_key()
    assert entries[f"page:{child.pk}"].url == "/second/enfant/"
    assert entries[f"page:{grandchild.pk}"].url == "/second/enfant/petit/"
    assert entries[f"page:{grandchild.pk}"].path.startswith(Page.objects.get(pk=second.pk).path)


def test_changing_a_slug_reindexes_the_pages_below(recording, committed, home_page):
    parent = StandardPageFactory(parent=home_page, slug="ancien")
    child = StandardPageFactory(parent=parent, slug="enfant")
    parent.slug = "nouveau"

    with committed():
        parent.save_revision().publish()

    assert recording.by_key()[f"page:{child.pk}"].url == "/nouveau/enfant/"


def test_a_privacy_change_reindexes_the_subtree(recording, committed, home_page):
    parent = StandardPageFactory(parent=home_page, slug="reserve")
    child = StandardPageFactory(parent=parent, slug="dessous")

    with committed():
        restriction = PageViewRestriction.objects.create(
            page=parent, restriction_type=PageViewRestriction.GROUPS
        )
    assert not recording.by_key()[f"page:{child.pk}"].public

    with committed():
        restriction.delete()
    assert recording.by_key()[f"page:{child.pk}"].public


def test_changing_a_restrictions_groups_reindexes_the_subtree(
    recording, committed, enqueued, home_page
):
    page = StandardPageFactory(parent=home_page, slug="reserve")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    enqueued.clear()

    with committed():
        restriction.groups.add(Group.objects.get(name="Coordination"))

    assert enqueued == [("sync_subtree", {"page_id": page.pk})]
    assert not recording.by_key()[f"page:{page.pk}"].public


def test_replacing_a_documents_file_reindexes_its_resources(recording, committed, home_page):
    library = home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))
    doc = get_document_model()(title="Guide")
    doc.file.save("guide.pdf", ContentFile(pdf_bytes("premiere version")), save=False)
    doc.save()
    resource = ResourcePage(slug="guide", title="Guide", summary="Un guide.")
    library.add_child(instance=resource)
    ResourceFile.objects.create(
        page=resource, label="Guide", document=doc, version_date=datetime.date(2024, 1, 1)
    )
    with committed():
        resource.save_revision().publish()
    assert "premiere version" in recording.by_key()[f"page:{resource.pk}"].body

    with committed():
        doc.file.save("guide-2.pdf", ContentFile(pdf_bytes("nouvelle version")), save=False)
        doc.save()

    assert "nouvelle version" in recording.by_key()[f"page:{resource.pk}"].body


def test_publishing_a_structure_updates_the_posts_naming_it(
    recording, committed, home_page, pessac
):
    blog = BlogIndexPageFactory(parent=home_page)
    post = BlogPostPageFactory(parent=blog, structure=pessac)
    pessac.title = "Ville de Pessac"

    with committed():
        pessac.save_revision().publish()

    assert recording.by_key()[f"page:{post.pk}"].structure.label == "Ville de Pessac"


def test_renaming_a_theme_updates_the_labels_of_its_pages(recording, committed, pessac):
    item = DiagnosticItemFactory(page=pessac, text="Peu de fournisseurs")
    item.themes.set(Theme.objects.filter(slug="sourcing"))
    item.save()
    with committed():
        pessac.save_revision().publish()
    theme = Theme.objects.get(slug="sourcing")
    theme.name = "Sourcing et connaissance des fournisseurs"

    with committed():
        theme.save()

    entry = recording.by_key()[f"page:{pessac.pk}:diagnostic"]
    assert [tag.label for tag in entry.facets["theme"]] == [theme.name]


def test_renaming_a_departement_updates_the_posts_about_its_structures(
    recording, committed, home_page, pessac
):
    post = BlogPostPageFactory(parent=BlogIndexPageFactory(parent=home_page), structure=pessac)
    departement = pessac.departement
    departement.name = "Gironde (nouveau nom)"

    with committed():
        departement.save()

    entry = recording.by_key()[f"page:{post.pk}"]
    assert [tag.label for tag in entry.facets["departement"]] == ["Gironde (nouveau nom) (33)"]


def test_an_alias_has_no_entry_of_its_own(recording, committed, home_page):
    original = StandardPageFactory(parent=home_page, slug="original")
    elsewhere = StandardPageFactory(parent=home_page, slug="ailleurs")

    with committed():
        alias = original.create_alias(parent=elsewhere)
        original.save_revision().publish()  # updates the alias too
    assert f"page:{original.pk}" in keys() and f"page:{alias.pk}" not in keys()

    call_command("search_index", "--rebuild", stdout=StringIO(), stderr=StringIO())

    assert f"page:{original.pk}" in keys() and f"page:{alias.pk}" not in keys()


def test_a_row_saved_outside_a_publication_reindexes_its_page(recording, committed, pessac):
    with committed():
        DiagnosticItemFactory(page=pessac, text="Un constat restauré")

    assert "Un constat restauré" in recording.by_key()[f"page:{pessac.pk}:diagnostic"].body


def test_one_transaction_queues_one_task_per_kind(recording, committed, enqueued, home_page):
    pages = [StandardPageFactory(parent=home_page, live=False) for _ in range(3)]

    with committed():
        for page in pages:
            page.save_revision().publish()
            page.save_revision().publish()

    assert enqueued == [("sync_pages", {"page_ids": sorted(p.pk for p in pages)})]


def test_a_rolled_back_change_leaves_the_index_right(recording, committed, home_page):
    page = StandardPageFactory(parent=home_page, slug="garde")
    with committed():
        page.save_revision().publish()

    with pytest.raises(RuntimeError), transaction.atomic():
        Page.objects.get(pk=page.pk).delete()
        raise RuntimeError
    with committed():
        StandardPageFactory(parent=home_page).save_revision().publish()

    assert f"page:{page.pk}" in keys()


def test_nothing_is_queued_while_paused(recording, committed, enqueued, home_page):
    with committed(), indexing_paused():
        page = StandardPageFactory(parent=home_page, live=False)
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
        page.delete()

    assert enqueued == [] and not signals.is_paused()


# The command ---------------------------------------------------------------------------------


def test_rebuild_command_shows_progress_on_stderr(recording, home_page):
    for _ in range(25):
        StandardPageFactory(parent=home_page)
    out, err = StringIO(), StringIO()

    call_command("search_index", "--rebuild", stdout=out, stderr=err)

    assert recording.calls[-1] == ("rebuild", 26)
    assert "10/" in err.getvalue() and "26/26 (100 %)" in err.getvalue()
    assert "rebuilt (26 entries)" in out.getvalue()


def test_update_command_indexes_one_subtree(recording, home_page):
    parent = StandardPageFactory(parent=home_page)
    child = StandardPageFactory(parent=parent)
    out = StringIO()

    call_command("search_index", "--update", str(parent.pk), stdout=out)

    assert keys() == {f"page:{parent.pk}", f"page:{child.pk}"}
    assert "2 entries" in out.getvalue()


def test_update_command_refuses_an_unknown_page(recording, db):
    with pytest.raises(CommandError, match="No page"):
        call_command("search_index", "--update", "999999", stdout=StringIO())


def test_a_page_published_with_new_privacy_is_indexed_once(
    recording, committed, enqueued, home_page
):
    page = StandardPageFactory(parent=home_page, live=False)

    with committed():
        page.save_revision().publish()
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)

    assert enqueued == [("sync_subtree", {"page_id": page.pk})]
    assert not recording.by_key()[f"page:{page.pk}"].public
