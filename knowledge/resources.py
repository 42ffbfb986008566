"""The resources library's listing: filters by kind, theme, sector and structure, with counts.

The resources the reader may see are read once as light entries (their kind and the slugs of
their themes, sectors and structures: four queries), filtered and counted in Python, and only
the page of results shown is loaded as pages. The number of queries does not depend on the
number of resources, restricted or not.

Filter URLs use slugs (``?type=guide-entretien&theme=clauses-sociales``) and combine with AND.
Each value's count is the number of resources choosing it would list, given the other filters
in use; a value that would list nothing is not offered, unless it is the one chosen. An unknown
value lists nothing and says so, as the directory does.
"""

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core import fragments
from core.visibility import bearing_on, covered, page_restrictions, reader_of, visible_to
from knowledge.directory import Criterion, DirectoryFilterForm, Option, active_filters
from knowledge.listing_cache import per_rights
from knowledge.models.resources import ResourceKind, ResourcePage
from knowledge.models.structures import StructurePage
from knowledge.vocabularies import Sector, Theme

RESOURCES_PER_PAGE = 12


@dataclass(frozen=True)
class Entry:
    """What filtering needs of one resource."""

    pk: int
    kind: str
    themes: frozenset = frozenset()
    sectors: frozenset = frozenset()
    structures: frozenset = frozenset()


def visible_resources(index_page, request):
    """Live resources below ``index_page`` that the reader may see (a queryset)."""
    resources = ResourcePage.objects.live().descendant_of(index_page)
    return visible_to(resources, request, bearing_on(index_page.path, page_restrictions(request)))


def read_entries(resources):
    """``[Entry]`` for the ``resources`` queryset, newest first (four queries)."""
    rows = list(
        resources.order_by("-first_published_at", "-pk").values_list(
            "pk", "kind", "team_structure__slug"
        )
    )
    ids = [pk for pk, _kind, _team in rows]
    through = ResourcePage.themes.through
    themes, sectors, structures = {}, {}, {}
    for page_id, slug in through.objects.filter(resourcepage_id__in=ids).values_list(
        "resourcepage_id", "theme__slug"
    ):
        themes.setdefault(page_id, set()).add(slug)
    for page_id, slug in ResourcePage.sectors.through.objects.filter(
        resourcepage_id__in=ids
    ).values_list("resourcepage_id", "sector__slug"):
        sectors.setdefault(page_id, set()).add(slug)
    for page_id, slug in ResourcePage.structures.through.objects.filter(
        resourcepage_id__in=ids
    ).values_list("resourcepage_id", "structurepage__slug"):
        structures.setdefault(page_id, set()).add(slug)
    return [
        Entry(
            pk=pk,
            kind=kind,
            themes=frozenset(themes.get(pk, ())),
            sectors=frozenset(sectors.get(pk, ())),
            structures=frozenset(structures.get(pk, set()) | ({team} if team else set())),
        )
        for pk, kind, team in rows
    ]


def get_criteria(request):
    """The four filters with every value the reader may pick (three queries)."""
    # Filtered by path here: in SQL, the query would carry every members-only page's path.
    reader = reader_of(request)
    hidden = {r.path for r in page_restrictions(request) if not reader.passes(r)}
    structures = StructurePage.objects.live().order_by("title").values_list("slug", "title", "path")
    return [
        Criterion(
            "type",
            _("Kind of resource"),
            tuple(Option(value, capfirst(label)) for value, label in ResourceKind.choices),
            lambda entry: [entry.kind],
        ),
        Criterion(
            "theme",
            _("Theme"),
            tuple(Option(t.slug, t.name, t) for t in Theme.objects.all()),
            lambda entry: entry.themes,
        ),
        Criterion(
            "secteur",
            _("Purchasing sector"),
            tuple(Option(s.slug, s.name, s) for s in Sector.objects.all()),
            lambda entry: entry.sectors,
        ),
        Criterion(
            "structure",
            _("Structure"),
            tuple(
                Option(slug, title) for slug, title, path in structures if not covered(path, hidden)
            ),
            lambda entry: entry.structures,
        ),
    ]


def matches(entry, criteria, selection, skip=None):
    return all(
        set(selection[c.key]).intersection(c.values(entry))
        for c in criteria
        if c.key != skip and selection.get(c.key)
    )


def facet_counts(entries, criteria, selection):
    """``{key: {slug: count}}``: for each value, the resources matching it and the other
    filters in use."""
    counts = {}
    for criterion in criteria:
        counter = Counter()
        for entry in entries:
            if matches(entry, criteria, selection, skip=criterion.key):
                counter.update(set(criterion.values(entry)))
        counts[criterion.key] = {option.slug: counter[option.slug] for option in criterion.options}
    return counts


class ResourceFilterForm(DirectoryFilterForm):
    """The directory's filter form (unknown value: a French error), one select per filter,
    offering the values that would list something (each labelled with its count) and the one
    chosen: a select of every structure, most of them listing nothing, helps nobody."""

    def __init__(self, data, criteria, counts):
        super().__init__(data, criteria)
        for criterion in criteria:
            chosen = set(self.data.getlist(criterion.key))
            counted = counts[criterion.key]
            self.fields[criterion.key].choices = [("", _("Any"))] + [
                (option.slug, f"{option.label} ({counted[option.slug]})")
                for option in criterion.options
                if counted[option.slug] or option.slug in chosen
            ]


def resource_listing_context(index_page, request):
    """The listing's context: the filter form with counts, the page of results, the follow
    target (a theme or sector when it is the only filter)."""
    base_url = request.path
    # The filters' values and the light entries depend on the content and the reader's rights
    # only (knowledge.listing_cache): read once per audience until something changes.
    criteria, entries = per_rights(
        f"knowledge.resources:{index_page.pk}",
        request,
        lambda: (get_criteria(request), read_entries(visible_resources(index_page, request))),
    )
    form = DirectoryFilterForm(request.GET, criteria)
    selection = form.get_selection()
    filters_fragment = None
    if selection is None:
        matching = []
        counts = facet_counts(entries, criteria, {})
    else:
        matching = [e for e in entries if matches(e, criteria, selection)]
        # The filter form (hundreds of options) is kept rendered per valid selection.
        filters_fragment = f"resource-filters:{index_page.pk}:{canonical_query(selection)}"
        if fragments.lookup(filters_fragment, request) is None:
            counts = facet_counts(entries, criteria, selection)
        else:
            counts = None  # the kept form shows them: no need to count
    if counts is not None:  # the form is drawn: offer the values with their counts
        form = ResourceFilterForm(request.GET, criteria, counts)
        form.is_valid()
    paginator = Paginator(matching, RESOURCES_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    # The page of cards is kept rendered per valid selection, page and reader's rights.
    number = fragments.page_number(request)
    results_fragment = None
    if selection is not None and number is not None:
        results_fragment = (
            f"resource-results:{index_page.pk}:{canonical_query(selection)}:page-{number}"
        )
    if results_fragment and fragments.lookup(results_fragment, request) is not None:
        page_obj.object_list = []  # the kept cards show them
    else:
        ids = [entry.pk for entry in page_obj.object_list]
        by_id = ResourcePage.objects.filter(pk__in=ids).for_listing().in_bulk()
        page_obj.object_list = [by_id[pk] for pk in ids if pk in by_id]
    pairs = [(key, slug) for key, slugs in (selection or {}).items() for slug in slugs]
    return {
        "resources": page_obj,
        "resource_count": len(matching),
        "total_count": len(entries),
        "filter_form": form,
        "active_filters": active_filters(criteria, selection or {}, base_url),
        "reset_url": base_url,
        "query_prefix": urlencode(pairs) + "&" if pairs else "",
        "followed_term": followed_term(criteria, selection or {}),
        "filters_fragment": filters_fragment,
        "results_fragment": results_fragment,
    }


def canonical_query(selection):
    """The valid ``selection`` as one string, whatever the order of its parameters."""
    return urlencode(sorted((key, slug) for key, slugs in selection.items() for slug in slugs))


def followed_term(criteria, selection):
    """The theme or sector a reader may follow from here: the only filter in use."""
    if len(selection) != 1 or len(next(iter(selection.values()))) != 1:
        return None
    key, (slug,) = next(iter(selection.items()))
    if key not in {"theme", "secteur"}:
        return None
    criterion = next(c for c in criteria if c.key == key)
    return next((o.term for o in criterion.options if o.slug == slug), None)


def structure_resources(structure, request, limit=5):
    """The newest resources about ``structure`` the reader may see (two to four queries)."""
    if structure.pk is None:  # the preview of a structure not saved yet
        return []
    resources = ResourcePage.objects.live().filter(structures=structure).distinct()
    resources = visible_to(resources, request).order_by("-first_published_at", "-pk")
    return list(resources[:limit])


def latest_resources(request, limit=3):
    """The newest resources the reader may see, site-wide (two to three queries)."""
    resources = visible_to(ResourcePage.objects.live(), request)
    return list(resources.order_by("-first_published_at", "-pk")[:limit])
