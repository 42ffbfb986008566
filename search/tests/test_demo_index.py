"""The demo builder indexes the site once, at the end, not page by page."""

from io import StringIO

import pytest
from django.core.management import call_command

from search.results import FACETS, KINDS

from .recording import PATH, RecordingBackend

MARKUP = ("**", "<p>", "</", "&amp;", "&lt;", "&nbsp;")


@pytest.fixture
def recording(settings):
    settings.RAA_SEARCH = {"BACKEND": PATH}
    RecordingBackend.reset()
    yield RecordingBackend
    RecordingBackend.reset()


def test_the_demo_is_indexed_by_one_rebuild(recording, db, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=out)

    assert [call[0] for call in recording.calls] == ["rebuild"]
    entries = list(recording.by_key().values())
    assert f"Search index rebuilt: {len(entries)} entries." in out.getvalue()
    assert {entry.kind for entry in entries} == set(KINDS)
    for entry in entries:
        assert set(entry.facets) <= set(FACETS)
        assert not any(mark in entry.body + entry.summary + entry.title for mark in MARKUP)
    by_url = {entry.url: entry for entry in entries}
    assert by_url["/mentions-legales/"].demoted and by_url["/accessibilite/"].demoted
    assert not by_url["/blog/"].demoted
    assert not by_url["/espace-membres/"].public
    assert any(entry.members_only and not entry.public for entry in entries)  # demo sections


def test_loading_the_demo_again_changes_the_index_by_a_rebuild_only(
    recording, db, django_capture_on_commit_callbacks
):
    call_command("load_demo_content", stdout=StringIO())
    first = set(recording.by_key())

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_content", stdout=StringIO())

    assert [call[0] for call in recording.calls] == ["rebuild", "rebuild"]
    assert set(recording.by_key()) == first
