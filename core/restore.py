"""Restoring a backup archive (see core.backups): verify everything, then write."""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from core.backups import (
    CHUNK,
    DATABASE_FILES,
    FOLDERS,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    UNREADABLE,
    BackupError,
    database_state,
    folder_roots,
    iter_files,
    postgresql_command,
    run_program,
    sha256_file,
)


def restore_backup(archive, connection, force=False):
    """Restore ``archive`` into ``connection``'s database and the media and documents folders.

    Verifies everything before writing anything: a target that is not empty (without
    ``force``), an unreadable or foreign archive, a checksum that does not match, another
    engine, migrations the code does not know. Returns ``(manifest, pending migrations)``.
    """
    archive = Path(archive)
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(
            _("Unsupported database engine: %(engine)s.") % {"engine": connection.vendor}
        )
    if not archive.is_file():
        raise BackupError(_("%(file)s does not exist.") % {"file": archive})
    if not force:
        check_target_is_empty(connection)
    with tempfile.TemporaryDirectory(prefix="raa-restore-") as staging:
        staging = Path(staging)
        manifest = unpack(archive, staging)
        check_manifest(manifest, connection)
        verify_files(manifest, staging)
        database = staging / manifest["database_file"]
        if connection.vendor == "sqlite":
            check_sqlite_file(database)
        else:
            check_postgresql_dump(database)
        # Everything is verified: writing starts here.
        if force:
            empty_target(connection)
        if connection.vendor == "sqlite":
            restore_sqlite(connection, database)
        else:
            restore_postgresql(connection, database)
        for prefix, root in folder_roots().items():
            move_tree(staging / prefix, root)
    _migrations, counts = database_state(connection)
    expected = manifest["row_counts"]
    differing = sorted(
        t for t in expected.keys() | counts.keys() if expected.get(t) != counts.get(t)
    )
    if differing:
        raise BackupError(
            _("Restored, but these tables do not hold the rows the manifest counts: %(tables)s.")
            % {"tables": ", ".join(differing)}
        )
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return manifest, [f"{migration.app_label}.{migration.name}" for migration, _back in pending]


def check_target_is_empty(connection):
    tables = connection.introspection.table_names()
    if tables:
        raise BackupError(
            _(
                "The database is not empty (tables: %(count)d): the restore would overwrite it. "
                "Restore into an empty database, or add --force to replace its content."
            )
            % {"count": len(tables)}
        )
    for root in folder_roots().values():
        if next(iter_all(root), None) is not None:
            raise BackupError(
                _(
                    "The folder %(folder)s is not empty: the restore would overwrite it. "
                    "Restore into empty folders, or add --force to replace their content."
                )
                % {"folder": root}
            )


def iter_all(root):
    """Every file (links included) under ``root``."""
    root = Path(root)
    if root.is_dir():
        for folder, _subfolders, files in os.walk(root):
            for name in files:
                yield Path(folder) / name


def member_name(member, seen):
    """The checked name of one archive member, or a BackupError for a foreign archive."""
    name = member.name
    path = PurePosixPath(name)
    allowed = (
        name == MANIFEST
        or name in DATABASE_FILES.values()
        or (len(path.parts) > 1 and path.parts[0] in FOLDERS)
    )
    if (
        not allowed
        or path.is_absolute()
        or ".." in path.parts
        or "\\" in name
        or not (member.isfile() or member.isdir())
        or name in seen
    ):
        raise BackupError(
            _("This is not a backup of this site: unexpected entry %(name)s in the archive.")
            % {"name": name}
        )
    seen.add(name)
    return name


def unpack(archive, staging):
    """Extract the archive into ``staging`` (after checking every member) and return its
    manifest."""
    seen = set()
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                name = member_name(member, seen)
                if member.isdir():
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as source, open(target, "wb") as copy:
                    shutil.copyfileobj(source, copy, CHUNK)
    except UNREADABLE as error:
        raise BackupError(
            _("%(file)s is not a readable backup archive (damaged or truncated): %(error)s")
            % {"file": archive.name, "error": error}
        ) from error
    if MANIFEST not in seen:
        raise BackupError(
            _("This is not a backup of this site: the archive has no %(manifest)s.")
            % {"manifest": MANIFEST}
        )
    try:
        manifest = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(_("The archive's manifest is not valid JSON.")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("This is not a backup of this site: unknown manifest format."))
    return manifest


def check_manifest(manifest, connection):
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("This archive's format (version %(version)s) is not supported by this code.")
            % {"version": manifest.get("format_version")}
        )
    engine = manifest.get("engine")
    if engine != connection.vendor:
        raise BackupError(
            _(
                "This backup comes from a %(engine)s database; the target database is "
                "%(target)s. Restore it into a database of the same engine."
            )
            % {"engine": engine, "target": connection.vendor}
        )
    files, counts, migrations = (manifest.get(k) for k in ("files", "row_counts", "migrations"))
    if (
        manifest.get("database_file") != DATABASE_FILES[engine]
        or not isinstance(files, dict)
        or DATABASE_FILES[engine] not in files
        or not isinstance(counts, dict)
        or not isinstance(migrations, list)
        or not all(isinstance(m, list) and len(m) == 2 for m in migrations)
    ):
        raise BackupError(_("The archive's manifest is incomplete."))
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in migrations if (app, name) not in known)
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of the site: these migrations are "
                "unknown here: %(migrations)s. Update the code first."
            )
            % {"migrations": ", ".join(unknown[:10])}
        )


def verify_files(manifest, staging):
    listed = set(manifest["files"])
    present = {name for name, _path in iter_files(staging) if name != MANIFEST}
    if missing := sorted(listed - present):
        raise BackupError(
            _("The archive is incomplete: %(files)s missing.") % {"files": ", ".join(missing[:10])}
        )
    if extra := sorted(present - listed):
        raise BackupError(
            _("The archive holds files its manifest does not list: %(files)s.")
            % {"files": ", ".join(extra[:10])}
        )
    for name in sorted(listed):
        if sha256_file(staging / name) != manifest["files"][name]:
            raise BackupError(
                _("Checksum mismatch for %(file)s: the archive was altered or damaged.")
                % {"file": name}
            )


def check_sqlite_file(path):
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise BackupError(_("The archived database is damaged: %(error)s") % {"error": result})


def check_postgresql_dump(path):
    """``pg_restore --list`` reads the dump's table of contents without connecting."""
    try:
        run_program(["pg_restore", "--list", str(path)], dict(os.environ))
    except BackupError as error:
        raise BackupError(
            _("The archived database is damaged: %(error)s") % {"error": error}
        ) from error


def empty_target(connection):
    """--force: drop every table of the target database, empty the target folders."""
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for table in connection.introspection.get_table_list(cursor):
                kind = "VIEW" if table.type == "v" else "TABLE"
                name = connection.ops.quote_name(table.name)
                cursor.execute(f"DROP {kind} IF EXISTS {name} CASCADE")
            cursor.execute(
                "SELECT sequence_name FROM information_schema.sequences "
                "WHERE sequence_schema = current_schema()"
            )
            for (sequence,) in cursor.fetchall():
                cursor.execute(f"DROP SEQUENCE IF EXISTS {connection.ops.quote_name(sequence)}")
    for root in folder_roots().values():
        if root.is_dir():
            for child in root.iterdir():
                if child.is_dir() and not child.is_symlink():
                    shutil.rmtree(child)
                else:
                    child.unlink()


def restore_sqlite(connection, database):
    """Copy the archived database into the target through SQLite's backup API: the target
    becomes a page-for-page copy, whatever it held, without touching its write-ahead log."""
    connection.close()
    connection.ensure_connection()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    connection.close()


def restore_postgresql(connection, dump):
    """``pg_restore`` into the target database, in one transaction: all or nothing."""
    args, env = postgresql_command(
        connection,
        "pg_restore",
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"],
    )
    connection.close()
    run_program([*args, str(dump)], env)


def move_tree(source, target):
    for name, path in iter_files(source):
        destination = Path(target) / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(path, destination)
