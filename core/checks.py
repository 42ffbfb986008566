"""System checks of the site's own settings (run by ``manage.py check`` and at start)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def documents_outside_media(app_configs, **kwargs):
    """Documents under MEDIA_ROOT could be published by the web server, bypassing privacy."""
    documents = Path(settings.DOCUMENTS_ROOT).resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if documents == media or documents.is_relative_to(media) or media.is_relative_to(documents):
        return [
            Error(
                "DOCUMENTS_ROOT and MEDIA_ROOT overlap: documents would be reachable by a "
                "/media/ URL, whatever their collection's privacy.",
                hint="Set DOCUMENTS_ROOT to a folder outside MEDIA_ROOT, then run "
                "`manage.py move_documents_out_of_media`.",
                id="core.E001",
            )
        ]
    return []
