"""Where uploaded files live: public media under ``MEDIA_ROOT``, documents outside it.

Wagtail stores its documents under ``documents/`` in the default storage. Anything under
``MEDIA_ROOT`` may be published by the web server (``/media/``), which would bypass the
document privacy Wagtail checks in its serve view. So ``MediaStorage`` keeps every name under
``documents/`` in ``DOCUMENTS_ROOT``, a folder the web server never publishes: documents are
only ever read through ``/documents/<id>/<name>`` (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``).
"""

import contextlib
import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join

DOCUMENTS_PREFIX = "documents/"


def is_document(name):
    return str(name).replace("\\", "/").startswith(DOCUMENTS_PREFIX)


class MediaStorage(FileSystemStorage):
    """The default storage: ``MEDIA_ROOT``, except Wagtail's documents (``DOCUMENTS_ROOT``)."""

    def path(self, name):
        if is_document(name):
            return safe_join(str(settings.DOCUMENTS_ROOT), name)
        return super().path(name)

    def _ensure_location_group_id(self, full_path):
        # Django gives a saved file its root's group: a document's root is DOCUMENTS_ROOT
        # (MEDIA_ROOT may not even exist yet).
        documents = os.path.abspath(settings.DOCUMENTS_ROOT)
        if os.path.abspath(full_path).startswith(documents + os.sep):
            if os.name == "posix":
                group = os.stat(documents).st_gid
                if os.stat(full_path).st_gid != group:
                    with contextlib.suppress(PermissionError):
                        os.chown(full_path, uid=-1, gid=group)
            return
        super()._ensure_location_group_id(full_path)

    def _save(self, name, content):
        # FileSystemStorage names the saved file relative to MEDIA_ROOT: keep the given name's
        # folder so that a document's name stays "documents/...".
        saved = super()._save(name, content)
        if not is_document(name):
            return saved
        full_path = os.path.normpath(os.path.join(self.location, saved))
        return os.path.relpath(full_path, settings.DOCUMENTS_ROOT).replace("\\", "/")
