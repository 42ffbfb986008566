"""``manage.py backup``: one dated archive of the database, the media and the documents."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

from core.backups import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = (
        "Write raa-YYYYMMDD-HHMMSS.tar.gz (UTC) into BACKUP_DIR: the database (SQLite's online "
        "backup API or pg_dump), MEDIA_ROOT, DOCUMENTS_ROOT and a manifest with the row counts "
        "and the sha256 of every file. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help="Folder of the archive (default: the BACKUP_DIR setting).",
        )
        parser.add_argument(
            "--keep-daily",
            type=int,
            metavar="N",
            help="Then delete the older archives of the folder, keeping the newest of each of "
            "the last N days that have one.",
        )
        parser.add_argument(
            "--keep-weekly",
            type=int,
            metavar="M",
            default=0,
            help="With --keep-daily: also keep the newest archive of each of the last M weeks.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, **options):
        directory = options["output_dir"] or Path(settings.BACKUP_DIR)
        connection = connections[options["database"]]
        try:
            archive = create_backup(directory, connection)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Backup written: %(file)s (%(size)s bytes).")
            % {"file": archive, "size": f"{archive.stat().st_size:,}".replace(",", " ")}
        )
        if options["keep_daily"] is not None:
            deleted = prune_backups(directory, options["keep_daily"], options["keep_weekly"])
            for path in deleted:
                self.stdout.write(_("Old backup deleted: %(file)s") % {"file": path.name})
