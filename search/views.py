"""The site search page: public, live pages only."""

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page

from core.visibility import visible_to

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def clean_query(raw):
    """The words of ``raw``, without the punctuation that search engines read as operators.

    SQLite's FTS5 fails on a stray ``*``, ``"`` or ``(``; words are all a reader means here.
    """
    return " ".join(re.findall(r"\w+", raw[: MAX_QUERY_LENGTH * 2]))[:MAX_QUERY_LENGTH]


def search(request):
    """Search the live pages the reader may see; a missing or odd query shows an empty form."""
    query = clean_query(request.GET.get("q", ""))
    results = None
    if query:
        pages = visible_to(Page.objects.live(), request).specific().search(query)
        results = Paginator(pages, RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "search_results": results,
            "query_prefix": urlencode({"q": query}) + "&",
        },
    )
