"""What the site search indexes: the contract between the content apps and ``search``.

A page type says what the search finds of it by defining ``search_entries(self)``, which yields
``IndexEntry`` objects: usually one for the page, sometimes more (a structure's page yields one
per section, so a members-only section is found only by those who may read it). Pages without
the method get one entry made by ``search.indexing`` from their Wagtail ``search_fields``.

Entries hold plain text, never markup. Privacy is not copied into them: the search reads the
page's view restrictions (``core.visibility``) at query time from ``path``, and
``members_only`` adds the section-level rule of structure pages.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FacetTag:
    """One value of a facet: ``value`` is stable (a slug or an id), ``label`` is shown."""

    value: str
    label: str


@dataclass
class IndexEntry:
    key: str  # unique in the index: "page:12", "page:12:diagnostic"
    page_id: int
    path: str  # the page's tree path: restrictions covering it apply to the entry
    kind: str  # one of search.results.KINDS: post, structure, section, resource, lesson...
    title: str
    url: str  # relative to the site root, may end with "#anchor"
    summary: str = ""
    body: str = ""  # plain text
    date: datetime.date | None = None
    structure: FacetTag | None = None  # the structure the entry is about or written by
    facets: dict[str, list[FacetTag]] = field(default_factory=dict)  # name -> values
    members_only: bool = False  # readable by network members only (a structure's section)
    demoted: bool = False  # legal or technical page: ranked below content
    public: bool = True  # anyone may read it (set by the indexer): feeds suggestions only

    @classmethod
    def of_page(cls, page, kind, part="", anchor="", **fields):
        """The entry of ``page`` (or of one ``part`` of it, found at ``#anchor``): its key,
        page, path, URL and title filled in; ``fields`` give the rest or override them."""
        url = page_url(page)
        fields.setdefault("title", page.title)
        return cls(
            key=f"page:{page.pk}:{part}" if part else f"page:{page.pk}",
            page_id=page.pk,
            path=page.path,
            kind=kind,
            url=f"{url}#{anchor}" if url and anchor else url,
            **fields,
        )


def page_url(page):
    """The page's URL relative to its site root ("" when it is not under a site)."""
    parts = page.get_url_parts()
    return parts[2] if parts else ""
