"""`manage.py backup` and `manage.py restore`: the restore drill and bad archives.

The demo content is built once for the module in a database of its own (a copy of the test
database: SQLite's backup API, or a PostgreSQL database made from it as a template), backed up
once; each test restores that archive into a fresh, empty database (a new SQLite file, or a new
PostgreSQL database restored by pg_restore) and empty folders, and compares both sides.
"""

import hashlib
import io
import json
import sqlite3
import tarfile
import threading
import time
from contextlib import contextmanager
from copy import deepcopy
from datetime import datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.test.utils import override_settings

from core.backups import iter_files, prune_backups

# Each test runs in its own transaction on the test database, which it does not touch: the
# drill works on databases of its own, built once (``drill``): the module's tests stay on one
# pytest-xdist worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("backups")]


def folders(root, name):
    return {"MEDIA_ROOT": root / f"{name}-media", "DOCUMENTS_ROOT": root / f"{name}-documents"}


def file_hashes(paths):
    return {
        key: {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in iter_files(p)}
        for key, p in paths.items()
    }


def snapshot(connection):
    """Row count and a hash of every row of every model, read through ``connection``."""
    result = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        fields = [field.attname for field in model._meta.concrete_fields]
        rows = list(model._base_manager.using(connection.alias).order_by("pk").values_list(*fields))
        result[model._meta.label_lower] = (
            len(rows),
            hashlib.sha256(repr(rows).encode()).hexdigest(),
        )
    return result


@contextmanager
def scratch_source_database():
    """The default connection on a database the module may commit to, put back afterwards."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        pristine = sqlite3.connect(":memory:")
        connection.connection.backup(pristine)
        try:
            yield
        finally:
            pristine.backup(connection.connection)
            pristine.close()
            cache.clear()
        return
    name = connection.settings_dict["NAME"]
    scratch = f"{name}_drill"
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}" TEMPLATE "{name}"')
    connection.settings_dict["NAME"] = scratch
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cache.clear()


@pytest.fixture(scope="module")
def drill(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo content (with accounts) in a source database and folders, its snapshot, and
    one archive of it."""
    root = tmp_path_factory.mktemp("backups")
    source = folders(root, "source")
    with (
        django_db_blocker.unblock(),
        scratch_source_database(),
        override_settings(DEBUG=True, **source),
    ):
        call_command("load_demo_content", "--with-accounts", stdout=StringIO())
        rows = snapshot(connections["default"])
        call_command("backup", "--output-dir", root / "archives", stdout=StringIO())
    (archive,) = (root / "archives").glob("raa-*.tar.gz")
    return SimpleNamespace(archive=archive, rows=rows, files=file_hashes(source), root=root)


@contextmanager
def fresh_database(alias, folder):
    """A new, empty database under the connection alias ``alias``: a SQLite file in
    ``folder``, or a PostgreSQL database created for the test and dropped after it."""
    default = connections["default"]
    settings_dict = deepcopy(default.settings_dict)
    if default.vendor == "sqlite":
        settings_dict["NAME"] = str(folder / f"{alias}.sqlite3")
    else:
        settings_dict["NAME"] = f"{default.settings_dict['NAME']}_{alias}"
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}" TEMPLATE template0')
    connections.settings[alias] = settings_dict
    try:
        yield connections[alias]
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]
        if default.vendor != "sqlite":
            with default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


@pytest.fixture
def target(django_db_setup, django_db_blocker, tmp_path):
    """A fresh, empty database (alias ``target``) and empty folders to restore into."""
    paths = folders(tmp_path, "target")
    with (
        django_db_blocker.unblock(),
        fresh_database("target", tmp_path) as connection,
        override_settings(**paths),
    ):
        yield SimpleNamespace(connection=connection, paths=paths)


def restore(archive, *options):
    out = StringIO()
    call_command("restore", archive, "--database", "target", *options, stdout=out)
    return out.getvalue()


def assert_restored(drill, target):
    assert snapshot(target.connection) == drill.rows
    assert file_hashes(target.paths) == drill.files


def assert_untouched(target, tables=(), files=None):
    assert sorted(target.connection.introspection.table_names()) == sorted(tables)
    assert file_hashes(target.paths) == (files or {"MEDIA_ROOT": {}, "DOCUMENTS_ROOT": {}})


def test_restore_drill_brings_back_every_row_and_file(drill, target):
    output = restore(drill.archive)

    assert "Sauvegarde du" in output
    assert_restored(drill, target)
    # The drill is only worth something if the demo holds each kind of content.
    for label in (
        "wagtailcore.page",
        "wagtailcore.revision",
        "blog.blogcomment",
        "members.membership",
        "wagtaildocs.document",
    ):
        assert drill.rows[label][0] > 0, label
    assert drill.files["DOCUMENTS_ROOT"]


def test_manifest_holds_versions_migrations_counts_and_checksums(drill):
    with tarfile.open(drill.archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        database = tar.extractfile(manifest["database_file"]).read()

    assert manifest["format"] == "raa-backup"
    assert manifest["engine"] == connections["default"].vendor
    assert {"django", "wagtail", "python"} <= manifest["versions"].keys()
    assert ["wagtailcore", "0001_initial"] in manifest["migrations"]
    assert manifest["row_counts"]["wagtailcore_page"] == drill.rows["wagtailcore.page"][0]
    assert manifest["files"][manifest["database_file"]] == hashlib.sha256(database).hexdigest()
    for name, digest in drill.files["DOCUMENTS_ROOT"].items():
        assert manifest["files"][f"documents/{name}"] == digest


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(drill, target):
    with target.connection.cursor() as cursor:
        cursor.execute("CREATE TABLE kept (id integer)")

    with pytest.raises(CommandError, match="La base de données n'est pas vide.*--force"):
        restore(drill.archive)
    assert_untouched(target, tables=["kept"])

    restore(drill.archive, "--force")
    assert_restored(drill, target)
    assert "kept" not in target.connection.introspection.table_names()


def test_restore_refuses_folders_that_are_not_empty_unless_forced(drill, target):
    stray = target.paths["MEDIA_ROOT"] / "original_images" / "stray.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not restored over")

    with pytest.raises(CommandError, match="Le dossier .*-media n'est pas vide.*--force"):
        restore(drill.archive)
    assert_untouched(
        target,
        files={
            "MEDIA_ROOT": {
                "original_images/stray.png": hashlib.sha256(b"not restored over").hexdigest()
            },
            "DOCUMENTS_ROOT": {},
        },
    )

    restore(drill.archive, "--force")
    assert_restored(drill, target)


def rewrite(archive, destination, change):
    """A copy of ``archive`` at ``destination`` whose members went through ``change``."""
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}
    members = change(members)
    with tarfile.open(destination, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return destination


def with_manifest(**changes):
    def change(members):
        manifest = json.loads(members["manifest.json"])
        for key, value in changes.items():
            manifest[key] = value(manifest[key]) if callable(value) else value
        return {**members, "manifest.json": json.dumps(manifest).encode()}

    return change


def tampered_document(members):
    name = next(n for n in members if n.startswith("documents/"))
    return {**members, name: members[name] + b"!"}


def extra_traversal(members):
    return {**members, "media/../../evil.txt": b"outside"}


def damaged_database(members):
    """The database file replaced by garbage, with a manifest that vouches for it."""
    manifest = json.loads(members["manifest.json"])
    name = manifest["database_file"]
    garbage = b"\x00garbage" * 4096
    manifest["files"][name] = hashlib.sha256(garbage).hexdigest()
    return {**members, name: garbage, "manifest.json": json.dumps(manifest).encode()}


BAD_ARCHIVES = {
    "truncated": (None, "n'est pas une archive de sauvegarde lisible"),
    "foreign tarball": (lambda m: {"README.txt": b"hello", "src/app.py": b""}, "élément inattendu"),
    "no manifest": (
        lambda m: {k: v for k, v in m.items() if k != "manifest.json"},
        "n'a pas de manifest.json",
    ),
    "damaged database": (damaged_database, "La base de données de l'archive est endommagée"),
    "tampered file": (tampered_document, "Somme de contrôle incorrecte pour documents/"),
    "missing file": (
        lambda m: {k: v for k, v in m.items() if not k.startswith("documents/")},
        "incomplète",
    ),
    "path traversal": (extra_traversal, "élément inattendu media/../../evil.txt"),
    "other engine": (
        with_manifest(engine=lambda e: "postgresql" if e == "sqlite" else "sqlite"),
        "provient d'une base",
    ),
    "newer migrations": (
        with_manifest(migrations=lambda m: [*m, ["core", "9999_from_the_future"]]),
        "core.9999_from_the_future",
    ),
    "not our manifest": (with_manifest(format="something-else"), "format de manifeste inconnu"),
}


@pytest.mark.parametrize("case", BAD_ARCHIVES, ids=list(BAD_ARCHIVES))
def test_restore_refuses_a_bad_archive_and_changes_nothing(drill, target, tmp_path, case):
    change, message = BAD_ARCHIVES[case]
    archive = tmp_path / "bad.tar.gz"
    if change is None:
        archive.write_bytes(drill.archive.read_bytes()[: drill.archive.stat().st_size // 2])
    else:
        rewrite(drill.archive, archive, change)

    with pytest.raises(CommandError, match=message):
        restore(archive)

    assert_untouched(target)
    assert not (tmp_path.parent / "evil.txt").exists()


def test_restore_names_a_missing_file(target, tmp_path):
    with pytest.raises(CommandError, match="n'existe pas"):
        restore(tmp_path / "nowhere.tar.gz")


def test_a_backup_taken_while_the_site_writes_is_consistent(target, tmp_path):
    """A writer commits a row in two tables per transaction during the backups: every archive
    holds both tables at the same instant, and its manifest counts what it holds."""
    stop = threading.Event()
    errors = []
    with fresh_database("busy", tmp_path) as busy:
        key = "integer PRIMARY KEY"
        if busy.vendor == "postgresql":
            key = "integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
        with busy.cursor() as cursor:
            for table in ("busy_order", "busy_line"):
                cursor.execute(f"CREATE TABLE {table} (id {key}, note text)")
        busy.close()

        def write():
            own = connections["busy"]  # this thread's own connection
            try:
                while not stop.is_set():
                    with transaction.atomic(using="busy"), own.cursor() as cursor:
                        for table in ("busy_order", "busy_line"):
                            cursor.execute(f"INSERT INTO {table} (note) VALUES ('x')")  # noqa: S608
            except Exception as error:  # reported by the test below
                errors.append(error)
            finally:
                own.close()

        writer = threading.Thread(target=write)
        writer.start()
        try:
            archives = []
            for index in range(3):
                time.sleep(0.2)
                out = tmp_path / f"archives-{index}"
                call_command("backup", "--database", "busy", "--output-dir", out, stdout=StringIO())
                archives += out.glob("raa-*.tar.gz")
        finally:
            stop.set()
            writer.join()
        with busy.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM busy_line")
            written = cursor.fetchone()[0]

    assert not errors
    counts = []
    for archive in archives:
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))
        counts.append(manifest["row_counts"]["busy_order"])
        assert manifest["row_counts"]["busy_line"] == counts[-1]
    assert 0 < counts[-1] < written  # the writer kept writing during the backups

    restore(archives[-1])  # checks the restored tables against the manifest
    with target.connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM busy_order")
        assert cursor.fetchone()[0] == counts[-1]


def test_rotation_keeps_seven_daily_and_four_weekly_archives(tmp_path):
    # Two backups a day from Monday 2 November to Tuesday 1 December 2026, and a stranger.
    for day in range(30):
        for hour in (1, 13):
            stamp = datetime(2026, 11, 2, hour) + timedelta(days=day)
            (tmp_path / f"raa-{stamp:%Y%m%d-%H%M%S}.tar.gz").touch()
    (tmp_path / "notes.txt").touch()

    deleted = prune_backups(tmp_path, daily=7, weekly=4)

    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == [
        "notes.txt",
        # the newest of each of the last 4 weeks (Monday to Sunday)...
        "raa-20261115-130000.tar.gz",
        "raa-20261122-130000.tar.gz",
        # ... and of each of the last 7 days (29 November ends a week)
        "raa-20261125-130000.tar.gz",
        "raa-20261126-130000.tar.gz",
        "raa-20261127-130000.tar.gz",
        "raa-20261128-130000.tar.gz",
        "raa-20261129-130000.tar.gz",
        "raa-20261130-130000.tar.gz",
        "raa-20261201-130000.tar.gz",
    ]
    assert len(deleted) == 60 - 9


def test_rotation_never_deletes_the_newest_archive(tmp_path):
    (tmp_path / "raa-20261201-013000.tar.gz").touch()
    assert prune_backups(tmp_path, daily=0, weekly=0) == []
