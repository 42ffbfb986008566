"""``manage.py restore FILE``: restore an archive written by ``manage.py backup``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.backups import BackupError
from core.restore import restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and empty "
        "MEDIA_ROOT and DOCUMENTS_ROOT folders. Verifies the whole archive (manifest, engine, "
        "migrations, checksums) before writing anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive (raa-....tar.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database or folders that are not empty.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        try:
            manifest, pending = restore_backup(options["file"], connection, options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Restored the backup of %(date)s (files: %(files)d, rows: %(rows)d).")
            % {
                "date": manifest["date"],
                "files": len(manifest["files"]),
                "rows": sum(manifest["row_counts"].values()),
            }
        )
        if pending:
            self.stdout.write(
                ngettext(
                    "%(count)d migration is not applied yet: run `manage.py migrate`.",
                    "%(count)d migrations are not applied yet: run `manage.py migrate`.",
                    len(pending),
                )
                % {"count": len(pending)}
            )
