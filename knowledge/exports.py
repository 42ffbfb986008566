"""Action plan downloads: CSV, OpenDocument and Excel sheets."""

from django.http import Http404


def action_plan_response(structure, request, file_format):
    raise Http404
