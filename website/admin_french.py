"""The Wagtail admin in correct French where Wagtail itself falls short.

The project's catalogue (``LOCALE_PATHS``) takes precedence over Wagtail's: a msgid of
Wagtail's re-translated in it is fixed everywhere in the admin. The strings below are marked
here so that ``makemessages`` keeps them in the catalogue; nothing reads this list. The flip
side: a msgid of the project's own that Wagtail also uses renames Wagtail's string too, so the
project gives such strings a context (``pgettext``), as the blog does for its comment reports.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext_lazy
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

# Plurals that Wagtail's French catalogue leaves in the singular.
WAGTAIL_PLURALS = [
    gettext_noop("user profiles"),
    gettext_noop("group collection permissions"),
    ngettext_lazy(
        'Only pages of type "%(type)s" may be chosen for this field. Search results will '
        "exclude pages of other types.",
        "Only the following page types may be chosen for this field: %(type)s. Search results "
        "will exclude pages of other types.",
        "count",
    ),
]


def header_title(view):
    """The admin page's ``<title>``: "title: subtitle" with the punctuation of the language
    ("Modification de Structure : Pessac"), where Wagtail writes an English colon."""
    title, subtitle = view.get_page_title(), view.get_page_subtitle()
    if not subtitle:
        return title
    return _("%(title)s: %(subtitle)s") % {"title": title, "subtitle": subtitle}


def install():
    """Called once from ``WebsiteConfig.ready()``."""
    WagtailAdminTemplateMixin.get_header_title = header_title
