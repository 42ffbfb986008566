"""Header menu, breadcrumbs and footer links, all built from the page tree.

The menu and the footer links come from the live pages at the top of the tree: one query,
kept in each process's memory until the site changes (``core.site_cache.remember``, keyed by
the site and the language), then sorted out in Python for each reader with the request's view
restrictions. What is kept holds every top page, whoever may read it; what a reader sees is
chosen on each request, so nobody is ever shown a link kept for someone with more rights."""

from dataclasses import dataclass

from django import template
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import get_language
from wagtail.models import Page, Site

from core.site_cache import remember
from core.visibility import can_read, covering, page_restrictions
from website.models import ContactPage, StandardPage

register = template.Library()

TOP_PAGES_ATTRIBUTE = "_raa_top_pages"


@dataclass(frozen=True)
class Link:
    """What the menu, the footer and the breadcrumbs need of a page (kept between requests:
    no model instance is shared between requests)."""

    pk: int
    path: str
    depth: int
    title: str
    url: str
    show_in_menus: bool
    content_type_id: int

    @classmethod
    def of(cls, page, request):
        return cls(
            pk=page.pk,
            path=page.path,
            depth=page.depth,
            title=page.title,
            url=page.get_url(request) or "",
            show_in_menus=page.show_in_menus,
            content_type_id=page.content_type_id,
        )


def _read_top(site, request):
    root = site.root_page  # read with the site (Site.find_for_request)
    children = root.get_children().live().order_by("path")
    return Link.of(root, request), tuple(Link.of(page, request) for page in children)


def _top_pages(context):
    """``(site root, its live children in tree order)`` as ``Link``s, or ``(None, ())``."""
    request = context.get("request")
    if request is None:
        return None, ()
    cached = getattr(request, TOP_PAGES_ATTRIBUTE, None)
    if cached is not None:
        return cached
    site = Site.find_for_request(request)
    top = (None, ())
    if site is not None:
        top = remember(
            f"top-pages:{site.pk}:{get_language()}",
            lambda: _read_top(site, request),
            request,
        )
    setattr(request, TOP_PAGES_ATTRIBUTE, top)
    return top


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Live children of the site root marked "show in menus" that the reader may see."""
    current = context.get("page")
    request = context.get("request")
    items = []
    root, top = _top_pages(context)
    if root is not None:
        for item in top:
            if not item.show_in_menus or not can_read(item, request):
                continue
            is_current = current is not None and current.path.startswith(item.path)
            is_exact = current is not None and current.pk == item.pk
            items.append({"page": item, "is_current": is_current, "is_exact": is_exact})
    return {"root": root, "items": items, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page down to the current page (empty on the home page)."""
    page = context.get("page")
    root, _top = _top_pages(context)
    if page is None or root is None or page.depth <= root.depth:
        return {"ancestors": [], "page": page}
    return {"ancestors": _ancestors(context, page, root), "page": page}


def _ancestors(context, page, root):
    """From the site root down to ``page``'s parent: taken from the top pages read for the
    menu when ``page`` sits at most two levels under the root (sections and their pages), else
    one query."""
    _root, top = _top_pages(context)
    if page.depth == root.depth + 1:
        return [root]
    if page.depth == root.depth + 2:
        section = next((item for item in top if page.path.startswith(item.path)), None)
        if section is not None:
            return [root, section]
    request = context.get("request")
    return [
        Link.of(ancestor, request)
        for ancestor in Page.objects.ancestor_of(page).filter(depth__gte=root.depth)
    ]


@register.inclusion_tag("includes/footer_links.html", takes_context=True)
def footer_links(context):
    """Plain pages and the contact page at the top of the tree that are not in the menu (legal
    notice, accessibility, contact), the ones anyone may read."""
    _root, top = _top_pages(context)
    kinds = {ContentType.objects.get_for_model(model).pk for model in (StandardPage, ContactPage)}
    restrictions = page_restrictions(context.get("request"))
    pages = [
        page
        for page in top
        if not page.show_in_menus
        and page.content_type_id in kinds
        and not covering(page.path, restrictions)
    ]
    return {"pages": pages}
