"""Action plan downloads: CSV, OpenDocument and Excel sheets of a structure's follow-up sheet."""

import tablib
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.defaultfilters import floatformat
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Format name in the URL -> (file extension, content type).
FORMATS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# Text cells that a spreadsheet would run as a formula: in a CSV file, any cell starting with one
# of these; in an xlsx file, openpyxl turns text starting with "=" into a formula. ODS cells are
# written as typed text, never evaluated.
FORMULA_TRIGGERS = {"csv": ("=", "+", "-", "@", "\t", "\r"), "ods": (), "xlsx": ("=",)}


def action_plan_response(structure, request, file_format):
    """The action plan of ``structure`` as a file to download, if ``request`` may read it.

    404 for an unknown format. A members-only plan sends visitors to the login page and
    answers 403 to logged-in accounts that are not network members.
    """
    if file_format not in FORMATS:
        raise Http404
    if "action_plan" not in structure.readable_sections(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    actions = structure.actions.select_related("sector")
    dataset = action_plan_dataset(actions, FORMULA_TRIGGERS[file_format])
    response = spreadsheet_response(dataset, file_format, f"plan-actions-{structure.slug}")
    if not structure.section_is_public("action_plan"):
        patch_cache_control(response, private=True)
    return response


def safe_text(value, formula_triggers=()):
    """``value`` with an apostrophe in front when a spreadsheet would run it as a formula."""
    if formula_triggers and value and value.startswith(formula_triggers):
        return "'" + value
    return value


def spreadsheet_response(dataset, file_format, filename):
    """``dataset`` as a file named ``filename`` to download, in ``file_format``."""
    extension, content_type = FORMATS[file_format]
    if file_format == "csv":
        # UTF-8 with a byte order mark and semicolons: French Excel reads the BOM as "UTF-8"
        # (without it, accents come out garbled) and splits columns on the French list
        # separator, ";"; LibreOffice detects both. Dates stay ISO 8601 (2025-03-14), which
        # both read as dates.
        content = "\ufeff" + dataset.export("csv", delimiter=";")
    else:
        content = dataset.export(file_format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{filename}.{extension}"
    )
    return response


def action_plan_dataset(actions, formula_triggers=()):
    """One row per action, French headers; dates stay dates (real date cells in the sheets).

    Text written by structure teams that starts with one of ``formula_triggers`` gets an
    apostrophe in front, so ``=HYPERLINK(...)`` stays text when the file is opened.
    """

    def text(value):
        return safe_text(value, formula_triggers)

    dataset = tablib.Dataset(
        headers=[
            _("Action"),
            _("Description"),
            _("Sector"),
            pgettext("person in charge of an action", "Owner"),
            _("Start"),
            _("Due"),
            _("Status"),
            _("Progress (%)"),
            _("Indicators"),
        ],
        title=_("Action plan"),
    )
    for action in actions:
        dataset.append(
            [
                text(action.title),
                text(action.description),
                text(action.sector.name if action.sector else ""),
                text(action.owner),
                action.start_date,
                action.due_date,
                str(action.get_status_display()),
                action.progress,
                text(indicators_summary(action)),
            ]
        )
    return dataset


def indicators_summary(action):
    """Each indicator on a line: "Name: latest unit / target unit (date)"."""
    lines = []
    for indicator in action.get_indicators():
        latest = indicator["latest"]
        target = quantity(indicator["target"], indicator["unit"])
        if latest is None:
            lines.append(
                _("%(name)s: no measurement yet / %(target)s")
                % {"name": indicator["name"], "target": target}
            )
        else:
            lines.append(
                _("%(name)s: %(latest)s / %(target)s (%(date)s)")
                % {
                    "name": indicator["name"],
                    "latest": quantity(latest["value"], indicator["unit"]),
                    "target": target,
                    "date": date_format(latest["date"], "SHORT_DATE_FORMAT"),
                }
            )
    return "\n".join(lines)


def quantity(value, unit):
    """``12,5 t``: the number in the reader's format, without useless decimals, and its unit."""
    number = floatformat(value, "-2")
    return f"{number} {unit}" if unit else number
