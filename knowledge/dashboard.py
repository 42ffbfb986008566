"""The network dashboard (members and coordinators)."""

from django.http import Http404


def dashboard_view(index_page, request):
    raise Http404
