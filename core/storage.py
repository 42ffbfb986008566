"""Where uploaded files live: public media under ``MEDIA_ROOT``, documents outside it.

Wagtail stores its documents under ``documents/`` in the default storage. Anything under
``MEDIA_ROOT`` may be published by the web server (``/media/``), which would bypass the
document privacy Wagtail checks in its serve view. So ``MediaStorage`` keeps every name under
``documents/`` in ``DOCUMENTS_ROOT``, a folder the web server never publishes: documents are
only ever read through ``/documents/<id>/<name>`` (``WAGTAILDOCS_SERVE_METHOD = "serve_view"``).
"""

import contextlib
import errno
import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils._os import safe_join

DOCUMENTS_PREFIX = "documents/"
NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK}
MAX_PARTIAL_NAME = 200  # bytes most file systems allow in one name: 255


def publish(partial, final):
    """Give the complete file ``partial`` the name ``final``, never replacing a file there
    (``FileExistsError``). A hard link does it atomically; on a file system without links,
    a rename after checking the name is free."""
    try:
        os.link(partial, final)
    except FileExistsError:
        raise
    except OSError as error:
        if error.errno not in NO_LINKS:
            raise
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, "File exists", final) from error
        os.rename(partial, final)


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
        """Write ``content`` under a hidden temporary name in the target folder, then link it to
        ``name``: a write that fails half-way (the disk is full, the upload is cut) removes its
        temporary file and leaves nothing under ``name``; no reader ever sees a half file.

        The name returned is ``name`` (or the free name found when another upload took it
        meanwhile), relative to its root: a document's stays ``documents/...``.
        """
        name = str(name).replace("\\", "/")
        folder, _slash, base = name.rpartition("/")
        partial = f"{folder}/" if folder else ""
        partial += f".partial-{uuid.uuid4().hex}-{base}"[:MAX_PARTIAL_NAME]
        try:
            super()._save(partial, content)
            while True:
                try:
                    publish(self.path(partial), self.path(name))
                except FileExistsError:
                    name = self.get_available_name(name)
                else:
                    return name
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path(partial))
