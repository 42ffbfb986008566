"""The lessons learned listing: facets with counts on every dimension (see ``lessons_context``).

The database filters, counts and pages the lessons: each value's count is one ``COUNT ...
GROUP BY`` over the facet's table (the lesson's kind, or the many-to-many rows of its themes,
sectors...), all of them sent as one query, restricted to the lessons the reader may see; only
the page of lessons shown is loaded, with its facets. The number of queries and the work done
in Python do not depend on the number of lessons.

Facet URLs use the vocabularies' slugs (``?theme=sourcing&dimension=social&dimension=economique``)
so a filtered view can be shared. Facets combine with AND, the values of one facet with OR. The
count beside a value is the number of lessons the listing would show with that value added to
the facet (disjunctive faceting), computed with every other facet's selection. A value counted
zero is not offered (ticking it would change nothing, or list nothing), unless it is ticked; a
long facet shows its most frequent values first and the others behind a ``<details>``, so the
panel stays short and works without JavaScript however many structures the network has.

An unknown value (a mistyped or outdated link) lists nothing and says so; a page number out of
range lists nothing and offers the first page. Neither ever fails.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Value
from django.utils.translation import gettext_lazy as _

from core import fragments
from core.visibility import bearing_on, covered, covering, page_restrictions, visible_to
from knowledge.directory import UNKNOWN_VALUE, SlugsField
from knowledge.lesson_vocabularies import (
    BuyingStep,
    LegalLever,
    LessonKind,
    SustainabilityDimension,
)
from knowledge.listing_cache import per_rights, per_selection
from knowledge.models.lessons import LessonPage
from knowledge.models.structures import StructurePage
from knowledge.vocabularies import Sector, StructureType, Theme

LESSONS_PER_PAGE = 10
# A facet offering more than FACET_LONG values shows FACET_SHOWN of them, the rest on demand.
FACET_LONG = 10
FACET_SHOWN = 8
# The rows of the counting query that are not a facet's value: the lessons the reader may see,
# and those the selection lists.
COHORT, FOUND = "_cohort", "_found"


@dataclass(frozen=True)
class Facet:
    """A dimension lessons are described by: its URL parameter, its values (``(slug, label)``)
    and the ``LessonPage`` field holding them (``kind``, or a many-to-many field)."""

    key: str
    label: str
    options: tuple
    field: str
    # Each slug's place among the options: URLs list the values in the options' order.
    positions: dict = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        positions = {slug: number for number, (slug, _label) in enumerate(self.options)}
        object.__setattr__(self, "positions", positions)

    def choices(self):
        """The options, for a form field that reads them only when a value is given."""
        return self.options

    def ordered(self, slugs):
        """The known ``slugs`` in the options' order."""
        return sorted((slug for slug in slugs if slug in self.positions), key=self.positions.get)

    def having(self, lessons, slugs):
        """The ``lessons`` having one of ``slugs`` on this facet (no duplicate)."""
        if self.field == "kind":
            return lessons.filter(kind__slug__in=slugs)
        relation = LessonPage._meta.get_field(self.field)
        rows = relation.remote_field.through.objects.filter(
            **{f"{relation.m2m_reverse_name()}__slug__in": slugs}
        )
        return lessons.filter(pk__in=rows.values(relation.m2m_field_name()))

    def counts(self, lessons):
        """``(slug, number of lessons)`` for each value the ``lessons`` have (a values
        queryset: one ``GROUP BY``)."""
        if self.field == "kind":
            rows, lesson_column = lessons.values(value=F("kind__slug")), "pk"
        else:
            relation = LessonPage._meta.get_field(self.field)
            lesson_column = relation.m2m_field_name()
            rows = relation.remote_field.through.objects.filter(
                **{f"{lesson_column}__in": lessons.values("pk")}
            ).values(value=F(f"{relation.m2m_reverse_name()}__slug"))
        return rows.annotate(n=Count(lesson_column, distinct=True)).values_list("value", "n")


def term_options(model):
    return tuple((term.slug, term.name) for term in model.objects.all())


def public_structures(request=None):
    """``(slug, title)`` of the live structures anyone may read, by title. Filtered here by
    path rather than in SQL: the query would carry every members-only page's path."""
    restricted = {r.path for r in page_restrictions(request)}
    rows = StructurePage.objects.live().order_by("title").values_list("slug", "title", "path")
    return tuple((slug, title) for slug, title, path in rows if not covered(path, restricted))


def get_facets(request=None):
    """Every facet of the listing, with the values coordinators defined (8 queries)."""
    return [
        Facet("nature", _("Kind"), term_options(LessonKind), "kind"),
        Facet("theme", _("Theme"), term_options(Theme), "themes"),
        Facet("secteur", _("Purchasing sector"), term_options(Sector), "sectors"),
        Facet(
            "dimension",
            _("Sustainability dimension"),
            term_options(SustainabilityDimension),
            "dimensions",
        ),
        Facet("levier", _("Legal lever"), term_options(LegalLever), "legal_levers"),
        Facet("etape", _("Step of the buying process"), term_options(BuyingStep), "buying_steps"),
        Facet(
            "type",
            _("Type of structure"),
            term_options(StructureType),
            "structure_types",
        ),
        Facet(
            "structure",
            _("Drawn from the experience of"),
            public_structures(request),
            "structures",
        ),
    ]


class LessonFilterForm(forms.Form):
    """One optional field of checkboxes per facet, named by its URL parameter."""

    def __init__(self, data, facets):
        super().__init__(data)
        self.facets = facets
        for facet in facets:
            self.fields[facet.key] = SlugsField(
                label=facet.label,
                # Read only to check the values given: a view without filters does not go
                # through every structure.
                choices=facet.choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": UNKNOWN_VALUE},
            )

    def get_selection(self):
        """``{key: {slug, ...}}`` of the facets given, or None when a value is not known."""
        if not self.is_valid():
            return None
        return {key: set(value) for key, value in self.cleaned_data.items() if value}


def filtered(lessons, facets, selection, leave_out=None):
    """The ``lessons`` having, on every facet of ``selection`` but ``leave_out``, one of the
    values chosen."""
    for facet in facets:
        if facet.key in selection and facet.key != leave_out:
            lessons = facet.having(lessons, selection[facet.key])
    return lessons


def count_all(cohort, facets, selection):
    """``{key: {slug: count}}`` for every facet (each counted with the other facets'
    selection), with ``COHORT`` and ``FOUND``: one query whatever the number of lessons."""
    parts = [
        cohort.values(value=Value(COHORT)).annotate(n=Count("pk")).values_list("value", "n"),
        filtered(cohort, facets, selection)
        .values(value=Value(FOUND))
        .annotate(n=Count("pk"))
        .values_list("value", "n"),
    ]
    parts += [
        facet.counts(filtered(cohort, facets, selection, leave_out=facet.key)) for facet in facets
    ]
    # Which part a row comes from: the facets' slugs may repeat between facets.
    numbered = [
        part.annotate(part=Value(number)).values_list("part", "value", "n").order_by()
        for number, part in enumerate(parts)
    ]
    counts = {key: {} for key in [COHORT, FOUND, *(facet.key for facet in facets)]}
    keys = [COHORT, FOUND, *(facet.key for facet in facets)]
    for number, slug, n in numbered[0].union(*numbered[1:], all=True):
        counts[keys[number]][slug] = n
    return counts


def query_url(base_url, selection, facets, **extra):
    pairs = [
        (facet.key, slug)
        for facet in facets
        for slug in facet.ordered(selection.get(facet.key, ()))
    ]
    pairs += [(key, value) for key, value in extra.items() if value]
    query = urlencode(pairs)
    return f"{base_url}?{query}" if query else base_url


def toggled(selection, key, slug):
    """``selection`` with ``slug`` added to the facet ``key``, or removed if it was there."""
    changed = {k: set(v) for k, v in selection.items()}
    chosen = changed.setdefault(key, set())
    chosen.symmetric_difference_update({slug})
    return {k: v for k, v in changed.items() if v}


def facet_panel(counts, facets, selection, errors):
    """Each facet with the values worth offering: those some lesson of the selection has (a
    count above zero: the others would list nothing) and those ticked, in the facet's order.

    A long facet (the structures) shows its ``FACET_SHOWN`` most frequent values and the ticked
    ones (``options``); the rest (``more``) go behind a disclosure. A facet offering nothing is
    left out, unless it holds an unknown value (``errors``, by facet key) to point at."""
    panel = []
    for facet in facets:
        counter = counts[facet.key]
        chosen = selection.get(facet.key, set())
        offered = [
            {
                "slug": slug,
                "label": label,
                "count": counter.get(slug, 0),
                "checked": slug in chosen,
                "position": position,
            }
            for position, (slug, label) in enumerate(facet.options, start=1)
            if counter.get(slug) or slug in chosen
        ]
        facet_errors = errors.get(facet.key, [])
        if not offered and not facet_errors:
            continue
        options, more = split_long(offered)
        panel.append(
            {
                "key": facet.key,
                "label": facet.label,
                "options": options,
                "more": more,
                "errors": facet_errors,
            }
        )
    return panel


def split_long(offered):
    """``(first, rest)`` of a facet's ``offered`` values: all of them first when they are
    few; otherwise the ticked ones and the most frequent up to ``FACET_SHOWN`` (the facet's
    order breaks ties), each part in the facet's order."""
    if len(offered) <= FACET_LONG:
        return offered, []
    ranked = sorted(offered, key=lambda o: (not o["checked"], -o["count"], o["position"]))
    keep = max(FACET_SHOWN, sum(o["checked"] for o in offered))
    first = {o["position"] for o in ranked[:keep]}
    return (
        [o for o in offered if o["position"] in first],
        [o for o in offered if o["position"] not in first],
    )


def active_filters(facets, selection, base_url):
    return [
        {
            "facet": facet.label,
            "value": label,
            "remove_url": query_url(base_url, toggled(selection, facet.key, slug), facets),
        }
        for facet in facets
        for slug, label in facet.options
        if slug in selection.get(facet.key, ())
    ]


def children(index_page):
    """The lessons below ``index_page``, found through the index on the tree path: ``child_of``
    alone is a ``LIKE`` that SQLite answers by reading the whole page tree."""
    step = LessonPage.steplen
    return LessonPage.objects.child_of(index_page).filter(
        path__gt=index_page.path, path__lte=index_page.path + LessonPage.alphabet[-1] * step
    )


def lessons_context(index_page, request):
    """The listing's context: filter form, the facets' counts and one page of lessons."""
    base_url = request.path
    # The facets' values, their counts and the rendered panel depend on the content and the
    # reader's rights only (knowledge.listing_cache): kept until something changes.
    facets = per_rights("knowledge.lessons:facets", request, lambda: get_facets(request))
    restrictions = bearing_on(index_page.path, page_restrictions(request))
    cohort = visible_to(children(index_page).live(), request, restrictions)
    form = LessonFilterForm(request.GET, facets)
    selection = form.get_selection()
    facets_fragment = None
    if selection is None:
        counts = count_all(cohort, facets, {})
    else:
        canonical = query_url("", selection, facets)
        counts = per_selection(
            f"lesson-counts:{index_page.pk}:{canonical}",
            request,
            lambda: count_all(cohort, facets, selection),
        )
        facets_fragment = f"lesson-facets:{index_page.pk}:{canonical}"
    if facets_fragment and fragments.lookup(facets_fragment, request) is not None:
        panel = []  # the kept panel shows them
    else:
        panel = facet_panel(counts, facets, selection or {}, form.errors)
    if selection is None:
        found, found_count = cohort.none(), 0
    else:
        found = filtered(cohort, facets, selection)
        found_count = counts[FOUND].get(FOUND, 0)
    # The page of cards is kept rendered per valid selection, page and reader's rights.
    number = fragments.page_number(request)
    results_fragment = None
    if selection is not None and number is not None:
        results_fragment = f"lesson-results:{index_page.pk}:{canonical}:page-{number}"
    if results_fragment and fragments.lookup(results_fragment, request) is not None:
        page, lessons = None, []  # the kept cards show them
    else:
        page, lessons = lessons_page(found, found_count, request, restrictions)
    selection = selection or {}
    pairs_url = query_url("", selection, facets)
    follow_targets = [
        *(Theme.objects.filter(slug__in=selection["theme"]) if "theme" in selection else []),
        *(Sector.objects.filter(slug__in=selection["secteur"]) if "secteur" in selection else []),
    ]
    return {
        "lessons": lessons,
        "found_count": found_count,
        "cohort_size": counts[COHORT].get(COHORT, 0),
        "filter_form": form,
        "facets": panel,
        "active_filters": active_filters(facets, selection, base_url),
        "reset_url": base_url,
        "follow_targets": follow_targets,
        "paginator_page": page,
        "page_out_of_range": page is None and bool(found_count),
        "first_page_url": query_url(base_url, selection, facets),
        # What the pagination include puts before ``page=``: the facets in use.
        "query_prefix": f"{pairs_url[1:]}&" if pairs_url else "",
        "facets_fragment": facets_fragment,
        "results_fragment": results_fragment,
    }


def lessons_page(found, found_count, request, restrictions):
    """The page of lessons asked for (None when out of range) and its lessons, each with
    what its card shows: kind, themes, whether it is for members only."""
    shown = found.order_by("-first_published_at", "-pk").select_related("kind")
    paginator = Paginator(shown.prefetch_related("themes"), LESSONS_PER_PAGE)
    paginator.count = found_count  # counted with the facets: no second COUNT query
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = None
    lessons = list(page.object_list) if page else []
    for lesson in lessons:
        lesson.members_only = bool(covering(lesson.path, restrictions))
    return page, lessons
