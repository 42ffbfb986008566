"""The site search page, ``/recherche/``, and its JSON answer (``Accept: application/json`` or
``?format=json``): the same results either way, from ``search.service``."""

from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .results import FACETS, KINDS
from .service import kept_fragment, search_request

# Values a facet shows at once; the others wait behind "show more" (a <details>: no script).
FACET_VALUES_SHOWN = 8
RETRY_AFTER_SECONDS = 60


@dataclass
class FacetChoice:
    value: str
    label: str
    count: int
    selected: bool

    def as_dict(self):
        return {
            "value": self.value,
            "label": self.label,
            "count": self.count,
            "selected": self.selected,
        }


@dataclass
class FacetGroup:
    name: str
    label: str
    choices: list  # of FacetChoice: the backend's values, then selected values it left out
    unlisted: int = 0  # values with results not listed (``search.results.listed``)
    complete: bool = False  # listed in full at the reader's request (``?facette=``)
    complete_url: str = ""  # the page with this facet listed in full, or back to its first values

    @property
    def visible(self):
        """What the form offers: values with results, and every selected value."""
        return [choice for choice in self.choices if choice.count or choice.selected]

    @property
    def shown(self):
        return self.visible[:FACET_VALUES_SHOWN]

    @property
    def more(self):
        return self.visible[FACET_VALUES_SHOWN:]

    @property
    def more_selected(self):
        return any(choice.selected for choice in self.more)

    @property
    def listed_count(self):
        """How many values the complete list holds."""
        return len(self.visible) + self.unlisted

    def as_dict(self):
        return {
            "name": self.name,
            "label": self.label,
            "values": [choice.as_dict() for choice in self.choices],
            "unlisted": self.unlisted,
        }


def facet_groups(query, response):
    """The facets in ``FACETS`` order, each value marked selected from the query itself (not
    from the backend), selected values kept even when the backend did not return them."""
    by_name = {facet.name: facet for facet in response.facets} if response else {}
    groups = []
    for name, label in FACETS.items():
        selected = query.filters.get(name, ())
        choices = [
            FacetChoice(str(v.value), str(v.label), int(v.count), str(v.value) in selected)
            for v in getattr(by_name.get(name), "values", ())
        ]
        known = {choice.value for choice in choices}
        for value in selected:
            if value not in known:
                shown = str(KINDS[value]) if name == "kind" and value in KINDS else value
                choices.append(FacetChoice(value, shown, 0, True))
        if choices:
            unlisted = getattr(by_name.get(name), "unlisted", 0)
            complete = name == query.complete_facet
            toggled = "" if complete else name
            url = f"{reverse('search')}?{query_string(query, facette=toggled)}"
            groups.append(
                FacetGroup(
                    name,
                    str(label),
                    choices,
                    unlisted=unlisted,
                    complete=complete,
                    complete_url=url if unlisted or complete else "",
                )
            )
    return groups


def query_string(query, **changes):
    """The URL parameters of ``query`` (words and filters), ``changes`` applied."""
    params = {"q": query.text, **query.filters, "facette": query.complete_facet, **changes}
    pairs = []
    for name, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs += [(name, v) for v in values if v not in ("", None)]
    return urlencode(pairs)


def wants_json(request):
    if request.GET.get("format") == "json":
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def unavailable_message():
    return _(
        "Search is unavailable for a moment. Please try again in a few minutes; the rest of "
        "the site works as usual."
    )


def json_answer(query, response, groups):
    if response is None:
        answer = JsonResponse(
            {"query": query.text, "error": unavailable_message()},
            status=HTTPStatus.SERVICE_UNAVAILABLE,
            json_dumps_params={"ensure_ascii": False},
        )
        answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer
    return JsonResponse(
        {
            "query": query.text,
            "total": response.total,
            "page": query.page,
            "pages": response.pages,
            "results": [result.as_dict() for result in response.results],
            "facets": [group.as_dict() for group in groups],
            "suggestion": response.suggestion or None,
        },
        json_dumps_params={"ensure_ascii": False},
    )


def html_answer(request, query, response, groups):
    base = reverse("search")
    context = {
        "query": query,
        "search_query": query.text,  # the header's search box shows it too
        "response": response,
        "facet_groups": [group for group in groups if group.visible],
        "has_filters": bool(query.filters),
    }
    if response is None:
        context["unavailable_message"] = unavailable_message()
        answer = TemplateResponse(
            request, "search/search.html", context, status=HTTPStatus.SERVICE_UNAVAILABLE
        )
        answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return answer
    page_obj = Paginator(range(response.total), query.per_page).get_page(query.page)
    clear = query_string(query, facette="", **dict.fromkeys(query.filters, ()))
    context.update(
        page_obj=page_obj,
        query_prefix=query_string(query) + "&" if query_string(query) else "",
        clear_filters_url=f"{base}?{clear}" if clear else base,
        suggestion_url=(
            f"{base}?{query_string(query, q=response.suggestion)}" if response.suggestion else ""
        ),
    )
    # The facets' form depends on the query and the answer only (no reader, no token): with a
    # common word it lists hundreds of structures, the costliest part of the page to render.
    facets = kept_fragment(
        request,
        "facets-html",
        lambda: render_to_string("search/includes/facets.html", context),
    )
    context["facets_html"] = mark_safe(facets)  # noqa: S308 - our own template's rendering
    return TemplateResponse(request, "search/search.html", context)


@require_safe
def search(request):
    """The search page: results, facets and pages for ``q``, the facet filters and ``page``;
    without words, the facets' overview. 503 when the search engine is unavailable."""
    query, response = search_request(request)
    groups = facet_groups(query, response)
    if wants_json(request):
        answer = json_answer(query, response, groups)
    else:
        answer = html_answer(request, query, response, groups)
    patch_vary_headers(answer, ["Accept"])
    return answer
