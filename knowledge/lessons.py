"""The lessons learned listing: facets with counts on every dimension (see ``lessons_context``).

The index's lessons that the reader may see are fetched once, with every facet they carry, in
a fixed number of queries; filtering, counting and paging then happen in Python, as in the
structure directory. A network has tens or hundreds of lessons, not millions.

Facet URLs use the vocabularies' slugs (``?theme=sourcing&dimension=social&dimension=economique``)
so a filtered view can be shared. Facets combine with AND, the values of one facet with OR. The
count beside a value is the number of lessons the listing would show with that value added to
the facet (disjunctive faceting), computed with every other facet's selection: zeros are shown.

An unknown value (a mistyped or outdated link) lists nothing and says so; a page number out of
range lists nothing and offers the first page. Neither ever fails.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _

from core.visibility import page_restrictions, public, visible_to
from knowledge.directory import UNKNOWN_VALUE, SlugsField
from knowledge.lesson_vocabularies import (
    BuyingStep,
    LegalLever,
    LessonKind,
    SustainabilityDimension,
)
from knowledge.models.lessons import LessonPage
from knowledge.models.structures import StructurePage
from knowledge.vocabularies import Sector, StructureType, Theme

LESSONS_PER_PAGE = 10


@dataclass(frozen=True)
class Facet:
    """A dimension lessons are described by: its URL parameter, its values (``(slug, label)``)
    and how to read the slugs a lesson has for it."""

    key: str
    label: str
    options: tuple
    values: Callable


def slugs(attribute):
    return lambda lesson: {term.slug for term in getattr(lesson, attribute).all()}


def term_options(model):
    return tuple((term.slug, term.name) for term in model.objects.all())


def get_facets(request=None):
    """Every facet of the listing, with the values coordinators defined (8 queries)."""
    return [
        Facet("nature", _("Kind"), term_options(LessonKind), lambda lesson: {lesson.kind.slug}),
        Facet("theme", _("Theme"), term_options(Theme), slugs("themes")),
        Facet("secteur", _("Purchasing sector"), term_options(Sector), slugs("sectors")),
        Facet(
            "dimension",
            _("Sustainability dimension"),
            term_options(SustainabilityDimension),
            slugs("dimensions"),
        ),
        Facet("levier", _("Legal lever"), term_options(LegalLever), slugs("legal_levers")),
        Facet(
            "etape",
            _("Step of the buying process"),
            term_options(BuyingStep),
            slugs("buying_steps"),
        ),
        Facet(
            "type",
            _("Type of structure"),
            term_options(StructureType),
            slugs("structure_types"),
        ),
        Facet(
            "structure",
            _("Drawn from the experience of"),
            tuple(
                (structure.slug, structure.title)
                for structure in public(StructurePage.objects.live(), request).order_by("title")
            ),
            slugs("structures"),
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
                choices=facet.options,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": UNKNOWN_VALUE},
            )

    def get_selection(self):
        """``{key: {slug, ...}}`` of the facets given, or None when a value is not known."""
        if not self.is_valid():
            return None
        return {key: set(value) for key, value in self.cleaned_data.items() if value}


def matches(lesson, facets, selection, leave_out=None):
    return all(
        selection[facet.key] & facet.values(lesson)
        for facet in facets
        if facet.key in selection and facet.key != leave_out
    )


def query_url(base_url, selection, facets, **extra):
    pairs = [
        (facet.key, slug)
        for facet in facets
        for slug, _label in facet.options
        if slug in selection.get(facet.key, ())
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


def facet_panel(lessons, facets, selection, base_url):
    """Each facet with each value's count, state and the URL that toggles it."""
    panel = []
    for facet in facets:
        counter = Counter()
        for lesson in lessons:
            if matches(lesson, facets, selection, leave_out=facet.key):
                counter.update(facet.values(lesson))
        chosen = selection.get(facet.key, set())
        panel.append(
            {
                "key": facet.key,
                "label": facet.label,
                "options": [
                    {
                        "slug": slug,
                        "label": label,
                        "count": counter[slug],
                        "checked": slug in chosen,
                        "url": query_url(base_url, toggled(selection, facet.key, slug), facets),
                    }
                    for slug, label in facet.options
                ],
            }
        )
    return panel


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


def lessons_context(index_page, request):
    """The listing's context: filter form, the facets' counts and one page of lessons."""
    base_url = request.path
    facets = get_facets(request)
    cohort = list(visible_to(LessonPage.objects.child_of(index_page).for_listing(), request))
    form = LessonFilterForm(request.GET, facets)
    selection = form.get_selection()
    if selection is None:
        found = []
        panel = facet_panel(cohort, facets, {}, base_url)
    else:
        found = [lesson for lesson in cohort if matches(lesson, facets, selection)]
        panel = facet_panel(cohort, facets, selection, base_url)
    paginator = Paginator(found, LESSONS_PER_PAGE)
    page_number = request.GET.get("page") or 1
    try:
        page = paginator.page(page_number)
    except (EmptyPage, PageNotAnInteger):
        page = None
    restrictions = page_restrictions(request)
    lessons = list(page.object_list) if page else []
    for lesson in lessons:
        lesson.members_only = any(r.covers(lesson.path) for r in restrictions)
    selection = selection or {}
    for entry in panel:
        entry["errors"] = form.errors.get(entry["key"], [])
    pairs_url = query_url("", selection, facets)
    follow_targets = [
        *(Theme.objects.filter(slug__in=selection["theme"]) if "theme" in selection else []),
        *(Sector.objects.filter(slug__in=selection["secteur"]) if "secteur" in selection else []),
    ]
    return {
        "lessons": lessons,
        "found_count": len(found),
        "cohort_size": len(cohort),
        "filter_form": form,
        "facets": panel,
        "active_filters": active_filters(facets, selection, base_url),
        "reset_url": base_url,
        "follow_targets": follow_targets,
        "paginator_page": page,
        "page_out_of_range": page is None and bool(found),
        "first_page_url": query_url(base_url, selection, facets),
        # What the pagination include puts before ``page=``: the facets in use.
        "query_prefix": f"{pairs_url[1:]}&" if pairs_url else "",
    }
