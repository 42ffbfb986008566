"""Backups of the whole site: one archive holding the database, the media and the documents.

An archive (``raa-YYYYMMDD-HHMMSS.tar.gz``, UTC) holds:

- ``manifest.json``: the format, the date, the database engine, the Django and Wagtail
  versions, the applied migrations, the row count of every table and the sha256 of every other
  file in the archive;
- ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs) or
  ``database.dump`` (``pg_dump --format=custom``, taken in a snapshot shared with the counts);
- ``media/...`` (``MEDIA_ROOT``) and ``documents/...`` (``DOCUMENTS_ROOT``, see core.storage).

A restore verifies everything first (readable archive, expected members only, manifest, engine,
migrations the code knows, checksums, an empty target) and only then writes. Every error is a
``BackupError`` whose message is translated (French).
"""

import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zlib
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import django
import wagtail
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

FORMAT = "raa-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
FOLDERS = ("media", "documents")
CHUNK = 1024 * 1024
ARCHIVE_NAME = re.compile(r"^raa-(\d{8}-\d{6})\.tar\.gz$")
# What a damaged or foreign file raises while it is read as a gzip'd tar archive.
UNREADABLE = (tarfile.TarError, EOFError, zlib.error, OSError, UnicodeDecodeError)


class BackupError(Exception):
    """A backup or a restore that cannot go on; the message is meant for the operator."""


def folder_roots():
    return {"media": Path(settings.MEDIA_ROOT), "documents": Path(settings.DOCUMENTS_ROOT)}


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def iter_files(root):
    """(relative POSIX name, path) of every regular file under ``root``, sorted; symbolic
    links are not followed (an upload is never one)."""
    root = Path(root)
    if not root.is_dir():
        return
    for folder, subfolders, files in os.walk(root):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


# --- Backup -------------------------------------------------------------------------------


def create_backup(directory, connection, now=None):
    """Write one archive of the site into ``directory`` and return its path.

    The archive is written under a hidden temporary name and renamed when complete: a failed
    backup leaves no half archive behind.
    """
    engine = connection.vendor
    if engine not in DATABASE_FILES:
        raise BackupError(_("Unsupported database engine: %(engine)s.") % {"engine": engine})
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = now or datetime.now(UTC)
    target = directory / f"raa-{now:%Y%m%d-%H%M%S}.tar.gz"
    if target.exists():
        raise BackupError(_("%(file)s already exists.") % {"file": target})
    partial = directory / f".{target.name}.partial"
    with tempfile.TemporaryDirectory(prefix="raa-backup-", dir=directory) as staging:
        dump = Path(staging) / DATABASE_FILES[engine]
        if engine == "sqlite":
            migrations, row_counts = dump_sqlite(connection, dump)
        else:
            migrations, row_counts = dump_postgresql(connection, dump)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "date": now.isoformat(timespec="seconds"),
            "engine": engine,
            "versions": {
                "python": sys.version.split()[0],
                "django": django.get_version(),
                "wagtail": wagtail.__version__,
            },
            "database_file": dump.name,
            "migrations": migrations,
            "row_counts": row_counts,
            "files": {},
        }
        try:
            with tarfile.open(partial, "w:gz") as tar:
                manifest["files"][dump.name] = add_file(tar, dump, dump.name)
                for prefix, root in folder_roots().items():
                    for name, path in iter_files(root):
                        arcname = f"{prefix}/{name}"
                        manifest["files"][arcname] = add_file(tar, path, arcname)
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
                tar.addfile(info, BytesIO(data))
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return target


class HashingReader:
    """Reads a file into the archive and hashes exactly what was read."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        data = self.file.read(size)
        self.digest.update(data)
        return data


def add_file(tar, path, arcname):
    """Add ``path`` to ``tar`` as ``arcname``; return its sha256 (one read of the file)."""
    with open(path, "rb") as file:
        info = tar.gettarinfo(arcname=arcname, fileobj=file)
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        reader = HashingReader(file)
        tar.addfile(info, reader)
    return reader.digest.hexdigest()


def dump_sqlite(connection, target):
    """Copy the live database into ``target`` with SQLite's online backup API (a consistent
    copy, page by page, while other connections keep writing); return the applied migrations
    and the row counts, read from the copy so they describe exactly what was saved."""
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # A standalone file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        return sqlite_state(copy)
    finally:
        copy.close()


def sqlite_state(db):
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts = {
        table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608
        for table in tables
    }
    migrations = []
    if "django_migrations" in tables:
        migrations = [list(row) for row in db.execute("SELECT app, name FROM django_migrations")]
    return sorted(migrations), counts


def postgresql_command(connection, program, parameters):
    """``program`` with the connection's host, port, user and database, and its environment
    (password, SSL options), as Django's own ``dbshell`` builds them."""
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    args[0] = program
    database = args.pop()  # the database name comes last
    return [*args, *parameters, "--dbname", database], {**os.environ, **(env or {})}


def run_program(args, env):
    try:
        subprocess.run(args, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(
            _("%(program)s is not installed on this machine.") % {"program": args[0]}
        ) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(
            _("%(program)s failed: %(error)s") % {"program": args[0], "error": error.stderr.strip()}
        ) from error


def dump_postgresql(connection, target):
    """``pg_dump --format=custom`` into ``target``, run inside a snapshot exported by a
    read-only transaction that also reads the migrations and the row counts: all three
    describe the same instant."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        args, env = postgresql_command(
            connection, "pg_dump", ["--format=custom", f"--snapshot={snapshot}", "--file", target]
        )
        run_program(args, env)
        return postgresql_state(connection, cursor)


def postgresql_state(connection, cursor):
    tables = sorted(connection.introspection.table_names(cursor))
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    migrations = []
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations")
        migrations = [list(row) for row in cursor.fetchall()]
    return sorted(migrations), counts


def database_state(connection):
    """The applied migrations and the row count of every table of a live database."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return sqlite_state(connection.connection)
    with connection.cursor() as cursor:
        return postgresql_state(connection, cursor)


# --- Rotation -----------------------------------------------------------------------------


def prune_backups(directory, daily, weekly):
    """Delete the archives of ``directory`` that a rotation of ``daily`` daily and ``weekly``
    weekly archives does not keep. It keeps the newest archive of each of the last ``daily``
    days that have one, the newest of each of the last ``weekly`` ISO weeks that have one, and
    always the newest archive. Only files named like an archive are considered. Returns the
    deleted paths."""
    dated = []
    for path in Path(directory).iterdir():
        match = ARCHIVE_NAME.match(path.name)
        if match and path.is_file():
            dated.append((datetime.strptime(match[1], "%Y%m%d-%H%M%S"), path))  # noqa: DTZ007
    dated.sort(reverse=True)
    kept = {path for _date, path in dated[:1]}  # never the newest
    for period, count in ((lambda d: d.date(), daily), (lambda d: d.isocalendar()[:2], weekly)):
        seen = []
        for date, path in dated:
            if period(date) not in seen:
                if len(seen) == count:
                    break
                seen.append(period(date))
                kept.add(path)
    deleted = [path for _date, path in dated if path not in kept]
    for path in deleted:
        path.unlink()
    return deleted
