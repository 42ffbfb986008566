"""What the site search finds of the knowledge base (``core.searchable``): structures and each
section of their page, resources with the words of their files, lessons learned.

Also the small helpers the blog and the site pages use for their own entries: a page's URL,
facet values from vocabulary terms and structures, a date in the site's time zone.
"""

import contextlib
import contextvars

from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.rich_text import get_text_for_indexing

from core.file_text import document_text
from core.markdown import plain_text
from core.roles import COORDINATORS_GROUP, MEMBERS_GROUP
from core.searchable import FacetTag, IndexEntry
from core.visibility import collection_restrictions, page_restrictions
from knowledge.vocabularies import StructureSection

MAX_FILES_CHARS = 100_000  # the words of a resource's files, all files together

_shared = contextvars.ContextVar("raa_search_restrictions", default=None)


@contextlib.contextmanager
def restrictions_read_once():
    """Inside the block, the view restrictions (and the members' groups) are read once, not
    once per resource: the indexer reads a batch of pages in a fixed number of queries."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _read(name, loader):
    shared = _shared.get()
    if shared is None:
        return loader()
    if name not in shared:
        shared[name] = loader()
    return shared[name]


def _member_group_ids():
    names = (MEMBERS_GROUP, COORDINATORS_GROUP)
    return frozenset(Group.objects.filter(name__in=names).values_list("pk", flat=True))


def local_date(moment):
    """The date of a ``datetime`` in the site's time zone (``None`` stays ``None``)."""
    if moment is None:
        return None
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.date()


def rich_text(html):
    """The words of a Wagtail rich text field."""
    return " ".join(get_text_for_indexing(html or "").split())


def join(*parts):
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def term_tags(terms):
    """Facet values of vocabulary terms (themes, sectors...): their slug and name."""
    return [FacetTag(term.slug, term.name) for term in terms]


def structure_tag(structure):
    return FacetTag(structure.slug, structure.title)


def structure_facets(structures):
    """The ``structure`` and ``departement`` facets of the live structures an entry is about."""
    structures = [s for s in structures if s is not None and s.live]
    structures = list({s.pk: s for s in structures}.values())
    departements = {s.departement_id: s.departement for s in structures if s.departement_id}
    facets = {}
    if structures:
        facets["structure"] = [structure_tag(s) for s in structures]
    if departements:
        facets["departement"] = [FacetTag(d.slug, str(d)) for d in departements.values()]
    return facets


def first_structure(structures):
    live = [s for s in structures if s is not None and s.live]
    return structure_tag(live[0]) if live else None


def structure_entries(page):
    """A structure's page: one entry for its profile, one per section that has words."""
    facets = {
        "structure": [structure_tag(page)],
        "departement": [FacetTag(page.departement.slug, str(page.departement))],
    }
    sectors = term_tags(page.sectors.all())
    if sectors:
        facets["sector"] = sectors
    profile = [
        page.structure_type.name,
        str(page.departement),
        page.context.name if page.context_id else "",
        page.purchasing_organisation.name if page.purchasing_organisation_id else "",
        " ".join(term.name for term in page.sustainability_commitments.all()),
        " ".join(sector.label for sector in sectors),
    ]
    entries = [
        IndexEntry.of_page(
            page,
            "structure",
            summary=page.summary,
            body=join(rich_text(page.body), *profile),
            structure=structure_tag(page),
            facets=facets,
        )
    ]
    for section in StructureSection:
        text, extra = SECTION_TEXTS[section](page)
        if not text:
            continue
        section_facets = {**facets}
        for name, tags in extra.items():
            merged = {tag.value: tag for tag in [*section_facets.get(name, []), *tags]}
            section_facets[name] = list(merged.values())
        entries.append(
            IndexEntry.of_page(
                page,
                "section",
                part=section.value,
                anchor=section.anchor,
                title=f"{section.label} — {page.title}",
                body=text,
                structure=structure_tag(page),
                facets=section_facets,
                members_only=not page.section_is_public(section),
            )
        )
    return entries


def journey_text(page):
    return join(
        *(
            f"{stage.get_step_display()} ({stage.get_status_display()}) {stage.note}"
            for stage in page.journey_stages.all()
        )
    ), {}


def commitments_text(page):
    return join(
        *(
            f"{record.get_commitment_display()} {record.note}"
            for record in page.commitment_records.all()
        )
    ), {}


def diagnostic_text(page):
    items = list(page.diagnostic_items.all())
    themes = {theme.pk: theme for item in items for theme in item.themes.all()}
    text = join(
        plain_text(page.diagnostic),
        *(f"{item.get_kind_display()} : {item.text}" for item in items),
    )
    return text, ({"theme": term_tags(themes.values())} if themes else {})


def action_plan_text(page):
    actions = list(page.actions.all())
    sectors = {a.sector_id: a.sector for a in actions if a.sector_id}
    text = join(*(join(a.title, a.description) for a in actions))
    return text, ({"sector": term_tags(sectors.values())} if sectors else {})


def assessment_text(page):
    texts = [
        plain_text(getattr(page, name))
        for name in (
            "assessment_achieved",
            "assessment_shortfalls",
            "assessment_next_steps",
            "assessment_network_lessons",
        )
    ]
    # The assessment shows each action's outcome, but only to those who may read the plan:
    # a public assessment does not carry the outcomes of a members-only plan.
    if page.section_is_public("action_plan") or not page.section_is_public("assessment"):
        texts += [join(a.title, a.outcome) for a in page.actions.all() if a.outcome]
    return join(*texts), {}


SECTION_TEXTS = {
    StructureSection.JOURNEY: journey_text,
    StructureSection.COMMITMENTS: commitments_text,
    StructureSection.DIAGNOSTIC: diagnostic_text,
    StructureSection.ACTION_PLAN: action_plan_text,
    StructureSection.ASSESSMENT: assessment_text,
}
assert set(SECTION_TEXTS) == set(StructureSection)  # noqa: S101  (a new section needs its text)


# Resources ------------------------------------------------------------------------------------


def current_files(page):
    """The newest version of each attached file (rows sharing a name are one file)."""
    newest = {}
    for row in page.files.all():
        if row.document is None:
            continue
        best = newest.get(row.slug)
        if best is None or (row.version_date, row.pk or 0) > (best.version_date, best.pk or 0):
            newest[row.slug] = row
    return list(newest.values())


def _implies(page_restriction, collection_restriction, member_group_ids):
    """Whether everyone who passes ``page_restriction`` also passes the collection's."""
    page_kind, kind = page_restriction.kind, collection_restriction.kind
    if kind == "none":
        return True
    if kind == "login":
        return page_kind == "login" or (
            page_kind == "groups" and page_restriction.group_ids <= member_group_ids()
        )
    if kind == "groups":
        return page_kind == "groups" and page_restriction.group_ids <= (
            collection_restriction.group_ids
        )
    return False


def readable_with_page(page, rows):
    """The rows whose document every reader of the page may open: a file kept in a stricter
    collection than its resource lends no words to the resource's entry."""
    covering_collections = [
        (
            row,
            [
                r
                for r in _read("collections", collection_restrictions)
                if r.covers(row.document.collection.path)
            ],
        )
        for row in rows
    ]
    if not any(restrictions for _row, restrictions in covering_collections):
        return rows
    on_page = [r for r in _read("pages", page_restrictions) if r.covers(page.path)]

    def member_group_ids():
        return _read("member_groups", _member_group_ids)

    return [
        row
        for row, restrictions in covering_collections
        if all(any(_implies(p, c, member_group_ids) for p in on_page) for c in restrictions)
    ]


def resource_entries(page):
    files = readable_with_page(page, current_files(page))
    texts, budget = [], MAX_FILES_CHARS
    for row in sorted(files, key=lambda row: row.label):
        text = document_text(row.document, max_chars=max(0, budget)) if budget > 0 else ""
        budget -= len(text)
        texts.append(join(row.label, text))
    structures = [*page.structures.all(), page.team_structure]
    return [
        IndexEntry.of_page(
            page,
            "resource",
            summary=page.summary,
            body=join(page.get_kind_display(), plain_text(page.body), *texts),
            # A resource is as recent as its latest file version, else its first publication.
            date=max(
                (row.version_date for row in files if row.version_date),
                default=local_date(page.first_published_at),
            ),
            structure=first_structure(structures),
            facets={
                **structure_facets(structures),
                **({"theme": term_tags(page.themes.all())} if page.themes.all() else {}),
                **({"sector": term_tags(page.sectors.all())} if page.sectors.all() else {}),
            },
        )
    ]


# Lessons --------------------------------------------------------------------------------------


def lesson_entries(page):
    facets = structure_facets(page.structures.all())
    for name, terms in [
        ("lesson_kind", [page.kind]),
        ("theme", page.themes.all()),
        ("sector", page.sectors.all()),
        ("dimension", page.dimensions.all()),
        ("legal_lever", page.legal_levers.all()),
        ("buying_step", page.buying_steps.all()),
    ]:
        tags = term_tags(terms)
        if tags:
            facets[name] = tags
    return [
        IndexEntry.of_page(
            page,
            "lesson",
            summary=page.summary,
            body=join(plain_text(page.body), page.kind.name),
            date=local_date(page.first_published_at),
            structure=first_structure(page.structures.all()),
            facets=facets,
        )
    ]
