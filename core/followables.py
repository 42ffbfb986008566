"""What members can follow. Each app registers its followable things here when it starts;
the ``follows`` app (follow forms, "My follows", instant emails, digests) reads them.

Two shapes:

- a *section* (the blog, the lessons, the resources): one follow per person, no target id;
  any page published below a page of the section's type concerns it;
- an *object* (a blog category, a structure, a theme...): one follow per person and object,
  stored with the object's id; what a new page concerns is said by the page rules its app
  registers (a post concerns its categories and its structure).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from wagtail.models import Page


@dataclass(frozen=True)
class Followable:
    kind: str  # stored in each follow: never rename it once people follow it
    model: type  # the section's page type, or the followed object's model
    label: str  # what the kind is: "a blog category"
    describe: Callable  # describe(target or None) -> "the category “Vie du réseau”"
    section: bool = False
    order: int = 100  # digest groups come in this order: the most specific first
    url: Callable | None = None  # url(target or section page, request) -> str or None

    def target_url(self, target, request=None):
        if target is None:
            return None
        if self.url is not None:
            return self.url(target, request)
        get_url = getattr(target, "get_url", None)
        return get_url(request) if get_url else None


@dataclass
class Registry:
    followables: dict = field(default_factory=dict)
    page_rules: list = field(default_factory=list)

    def register(self, followable):
        self.followables[followable.kind] = followable
        return followable

    def add_page_rule(self, model, rule):
        """``rule(pages)`` -> ``{page id: [(kind, target id)]}`` for live pages of ``model``:
        called with a batch, so it reads their relations in a bounded number of queries."""
        self.page_rules.append((model, rule))

    def get(self, kind):
        return self.followables.get(kind)

    def kinds(self):
        return sorted(self.followables.values(), key=lambda f: (f.order, f.kind))

    def choices(self):
        return [(f.kind, f.kind) for f in self.kinds()]

    def of(self, target):
        """The followable ``target`` is (a section page or an object), or None."""
        model = getattr(target, "specific_class", None) or type(target)
        for followable in self.followables.values():
            if model is not None and issubclass(model, followable.model):
                return followable
        return None

    def sections(self):
        return [f for f in self.kinds() if f.section]

    def targets_of_pages(self, pages):
        """``{page id: [(kind, target id or None)]}`` for specific, live ``pages``.

        Sections by the page's ancestors (one query for every section page), objects by the
        page rules of each page's model.
        """
        pages = list(pages)
        targets = {page.pk: [] for page in pages}
        sections = self.sections()
        if sections and pages:
            section_pages = Page.objects.type(*[f.model for f in sections])
            paths = [(p.path, self.of(p).kind) for p in section_pages.only("path", "content_type")]
            for page in pages:
                for path, kind in paths:
                    below = page.path.startswith(path) and page.path != path
                    if below and (kind, None) not in targets[page.pk]:
                        targets[page.pk].append((kind, None))
        for model, rule in self.page_rules:
            batch = [page for page in pages if isinstance(page, model)]
            if batch:
                for pk, found in rule(batch).items():
                    targets[pk] += [t for t in found if t not in targets[pk]]
        return targets

    def targets_of_page(self, page):
        return self.targets_of_pages([page])[page.pk]


registry = Registry()
