"""The structure directory: filters, diversity panel and map (see ``directory_context``).

The index's cohort (its live, public structures with their sectors and commitments) is fetched
once, in a fixed number of queries. The diversity panel and the map count it, and the filters
pick from it in Python through the same ``Criterion.values`` that counts, so the count shown
beside a value is always the number of structures its link lists. A network has tens of
structures, not thousands, so this stays cheap.

Filter URLs use the vocabularies' slugs (``?type=commune&secteur=energie&secteur=textile``) so a
filtered view can be shared. Criteria combine with AND; the values given for one criterion
(several are possible for the sectors and the commitments) combine with OR.

A value that is not known (a mistyped or outdated link) never fails: the form shows a message
on that criterion and the directory lists no structure until the filters are corrected or
reset, rather than silently widening the search.
"""

import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from core import fragments
from core.visibility import bearing_on, page_restrictions
from knowledge.map import region_outline, shade_level
from knowledge.models.structures import StructurePage
from knowledge.vocabularies import (
    Departement,
    PurchasingOrganisation,
    Sector,
    SizeBand,
    StructureType,
    SustainabilityCommitment,
    TerritoryContext,
)

UNKNOWN_VALUE = _(
    "This value is not known (the link may be out of date): choose one from the list."
)


@dataclass(frozen=True)
class Option:
    """One value of a criterion: its slug in URLs and its label."""

    slug: str
    label: str
    term: object = None  # the vocabulary entry, when the value is one


@dataclass(frozen=True)
class Criterion:
    """A diversity criterion: its URL parameter, its values and how to read them on a structure.

    ``values`` returns the slugs a structure has for the criterion: one or none for a profile
    field, any number for the sectors and commitments (``multiple``).
    """

    key: str
    label: str
    options: tuple[Option, ...]
    values: Callable[[StructurePage], list[str]]
    multiple: bool = False


def terms(model):
    return tuple(Option(term.slug, str(term), term) for term in model.objects.all())


def get_criteria():
    """The seven diversity criteria, with every value coordinators have defined (6 queries)."""
    return [
        Criterion(
            "type",
            _("Type of structure"),
            terms(StructureType),
            lambda s: [s.structure_type.slug],
        ),
        Criterion(
            "taille",
            _("Size (population served)"),
            tuple(Option(value, label) for value, label in SizeBand.choices),
            lambda s: [s.size_band] if s.size_band else [],
        ),
        Criterion(
            "contexte",
            _("Context"),
            terms(TerritoryContext),
            lambda s: [s.context.slug] if s.context else [],
        ),
        Criterion(
            "departement",
            _("Département"),
            terms(Departement),
            lambda s: [s.departement.slug],
        ),
        Criterion(
            "engagement",
            _("Sustainable-development commitments"),
            terms(SustainabilityCommitment),
            lambda s: [term.slug for term in s.sustainability_commitments.all()],
            multiple=True,
        ),
        Criterion(
            "organisation",
            _("Purchasing organisation"),
            terms(PurchasingOrganisation),
            lambda s: [s.purchasing_organisation.slug] if s.purchasing_organisation else [],
        ),
        Criterion(
            "secteur",
            _("Main purchasing sectors"),
            terms(Sector),
            lambda s: [term.slug for term in s.sectors.all()],
            multiple=True,
        ),
    ]


def get_cohort(index_page, request=None):
    """The index's structures that anyone may see, with what the criteria read (4 queries;
    2 more without a ``request`` whose view restrictions were read)."""
    restrictions = bearing_on(index_page.path, page_restrictions(request))
    return list(
        StructurePage.objects.child_of(index_page)
        .for_listing(restrictions=restrictions)
        .prefetch_related("sustainability_commitments", "sectors")
    )


class SlugsField(forms.MultipleChoiceField):
    """Several slugs; an empty one (``?secteur=``, as hand-edited links have) means nothing."""

    def to_python(self, value):
        return [slug for slug in super().to_python(value) if slug]


class DirectoryFilterForm(forms.Form):
    """One optional field per criterion, named by its URL parameter and holding slugs.

    A single-valued criterion is a select; the sectors and commitments are checkboxes.
    """

    def __init__(self, data, criteria):
        super().__init__(data)
        self.criteria = criteria
        errors = {"invalid_choice": UNKNOWN_VALUE}
        for criterion in criteria:
            choices = [(option.slug, option.label) for option in criterion.options]
            if criterion.multiple:
                field = SlugsField(
                    label=criterion.label,
                    choices=choices,
                    required=False,
                    widget=forms.CheckboxSelectMultiple,
                    error_messages=errors,
                )
            else:
                field = forms.ChoiceField(
                    label=criterion.label,
                    choices=[("", _("Any")), *choices],
                    required=False,
                    error_messages=errors,
                )
            self.fields[criterion.key] = field

    def get_selection(self):
        """``{key: [slug, ...]}`` of the criteria given, or None when a value is not known."""
        if not self.is_valid():
            return None
        selection = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(criterion.key)
            slugs = value if criterion.multiple else [value]
            slugs = [slug for slug in slugs if slug]
            if slugs:
                selection[criterion.key] = slugs
        return selection


def filter_structures(structures, criteria, selection):
    """The ``structures`` having, for every criterion in ``selection``, one of its values."""
    wanted = [
        (criterion, set(selection[criterion.key]))
        for criterion in criteria
        if selection.get(criterion.key)
    ]
    return [
        structure
        for structure in structures
        if all(slugs.intersection(criterion.values(structure)) for criterion, slugs in wanted)
    ]


def count_by_criterion(structures, criteria):
    """For each criterion, how many ``structures`` have each of its values, zeros included.

    Returns ``[{"criterion", "counts": [(option, count), ...], "unspecified": n}, ...]`` with
    the options in their vocabulary's order; ``unspecified`` counts the structures that give
    no value (no population, no sector...). A structure with two sectors counts in both.
    """
    result = []
    for criterion in criteria:
        counter = Counter()
        unspecified = 0
        for structure in structures:
            values = set(criterion.values(structure))
            counter.update(values)
            if not values:
                unspecified += 1
        result.append(
            {
                "criterion": criterion,
                "counts": [(option, counter[option.slug]) for option in criterion.options],
                "unspecified": unspecified,
            }
        )
    return result


def filter_url(base_url, pairs):
    query = urlencode(pairs)
    return f"{base_url}?{query}" if query else base_url


def active_filters(criteria, selection, base_url):
    """Each value in use with its criterion, its label and the URL without it."""
    pairs = [
        (criterion.key, slug) for criterion in criteria for slug in selection.get(criterion.key, ())
    ]
    labels = {
        (criterion.key, option.slug): (criterion.label, option.label)
        for criterion in criteria
        for option in criterion.options
    }
    filters = []
    for pair in pairs:
        criterion_label, value_label = labels[pair]
        others = [other for other in pairs if other != pair]
        filters.append(
            {
                "criterion": criterion_label,
                "value": value_label,
                "remove_url": filter_url(base_url, others),
            }
        )
    return filters


def diversity_panel(counts, total, base_url):
    """``count_by_criterion`` made ready to show: each value's link and share of the cohort."""
    panel = []
    for entry in counts:
        criterion = entry["criterion"]
        rows = [
            {
                "label": option.label,
                "count": count,
                "share": round(100 * count / total) if total else 0,
                "url": filter_url(base_url, [(criterion.key, option.slug)]),
            }
            for option, count in entry["counts"]
        ]
        panel.append(
            {
                "key": criterion.key,
                "label": criterion.label,
                "rows": rows,
                "unspecified": entry["unspecified"],
            }
        )
    return panel


def region_map(departement_counts, base_url):
    """What the map template draws: the view box and, per département, shape, count and link.

    ``departement_counts`` is ``[(option, count), ...]`` for the Departement rows; those the
    map file does not know are left off the drawing (the table of counts still lists them).
    """
    by_code = {option.term.code: (option, count) for option, count in departement_counts}
    outline = region_outline(tuple(by_code))
    if outline is None:
        return None
    highest = max((count for _option, count in departement_counts), default=0)
    size = max(outline.width, outline.height)
    font_size, line_height = size / 34, size / 28
    # The label's two lines (name, count) are centred on the shape's label point.
    raise_by = line_height / 2 - font_size / 3
    areas = []
    for shape in outline.shapes:
        option, count = by_code[shape.code]
        areas.append(
            {
                "code": shape.code,
                "name": option.term.name,
                "count": count,
                "level": shade_level(count, highest),
                "url": filter_url(base_url, [("departement", option.slug)]),
                "paths": shape.paths,
                "label_x": f"{shape.label_x:.1f}",
                "label_y": f"{shape.label_y - raise_by:.1f}",
            }
        )
    return {
        "view_box": outline.view_box,
        "areas": areas,
        "font_size": f"{font_size:.1f}",
        "line_height": f"{line_height:.1f}",
    }


# The URL parameters the filters read (``get_criteria``'s keys): nothing else changes the list.
FILTER_KEYS = ("type", "taille", "contexte", "departement", "engagement", "organisation", "secteur")


# Cards a page of the directory shows: the map and the diversity panel show every structure.
STRUCTURES_PER_PAGE = 24


def page_of_cards(request):
    """The page of cards asked for: ``?page=``'s plain number, else the first."""
    return fragments.page_number(request) or 1


def fragment_name(index_page, request):
    """The directory's fragment (filters, list, map, diversity panel) for this address: the
    filters given, in their order, and the page of cards decide what it shows (see
    ``core.fragments``)."""
    given = urlencode([(key, value) for key in FILTER_KEYS for value in request.GET.getlist(key)])
    address = f"{request.path}?{given}&page={page_of_cards(request)}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"directory:{index_page.pk}:{digest}"


def directory_context(index_page, request):
    """The directory's context: filter form, matching structures, diversity panel and map;
    only the fragment's name when it is kept for this reader's rights and filters."""
    name = fragment_name(index_page, request)
    if fragments.lookup(name, request) is not None:
        return {"directory_fragment": name}
    return {"directory_fragment": name, **directory_data(index_page, request)}


def directory_data(index_page, request):
    """Filter form, matching structures, diversity panel and map."""
    base_url = request.path
    criteria = get_criteria()
    cohort = get_cohort(index_page, request)
    form = DirectoryFilterForm(request.GET, criteria)
    selection = form.get_selection()
    structures = [] if selection is None else filter_structures(cohort, criteria, selection)
    page = Paginator(structures, STRUCTURES_PER_PAGE).get_page(page_of_cards(request))
    pairs = [(key, value) for key in FILTER_KEYS for value in request.GET.getlist(key)]
    counts = count_by_criterion(cohort, criteria)
    diversity = diversity_panel(counts, len(cohort), base_url)
    departements = next(entry for entry in counts if entry["criterion"].key == "departement")
    return {
        "structures": page.object_list,
        "structures_page": page,
        "structure_count": len(structures),
        # What the pagination include puts before ``page=``: the filters in use.
        "query_prefix": urlencode(pairs) + "&" if pairs else "",
        "cohort_size": len(cohort),
        "filter_form": form,
        "active_filters": active_filters(criteria, selection or {}, base_url),
        "reset_url": base_url,
        "diversity": diversity,
        "departement_rows": next(
            entry["rows"] for entry in diversity if entry["key"] == "departement"
        ),
        "region_map": region_map(departements["counts"], base_url),
    }
