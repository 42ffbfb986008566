"""Move Wagtail documents stored by earlier versions under MEDIA_ROOT into DOCUMENTS_ROOT."""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.storage import DOCUMENTS_PREFIX


class Command(BaseCommand):
    help = (
        "Move the files under MEDIA_ROOT/documents/ to DOCUMENTS_ROOT/documents/, where the "
        "web server cannot publish them. Idempotent; names stored in the database do not change."
    )

    def handle(self, *args, **options):
        source = Path(settings.MEDIA_ROOT) / DOCUMENTS_PREFIX
        target = Path(settings.DOCUMENTS_ROOT) / DOCUMENTS_PREFIX
        moved = kept = 0
        for path in sorted(source.rglob("*")) if source.is_dir() else []:
            if not path.is_file():
                continue
            destination = target / path.relative_to(source)
            if destination.exists():
                kept += 1  # already moved once; the copy left in MEDIA_ROOT goes
                path.unlink()
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, destination)
            moved += 1
        if source.is_dir():
            for folder, _subfolders, _files in os.walk(source, topdown=False):
                if not os.listdir(folder):
                    os.rmdir(folder)
        self.stdout.write(
            f"{moved} document file(s) moved to {target}; {kept} already there removed from "
            f"{source}."
        )
