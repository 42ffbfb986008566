"""Header menu, breadcrumbs and footer links, all built from the page tree.

The menu and the footer links come from one query per request: the live pages at the top of
the tree, read once and sorted out in Python with the request's view restrictions."""

from django import template
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from core.visibility import can_read, page_restrictions
from website.models import ContactPage, StandardPage

register = template.Library()

TOP_PAGES_ATTRIBUTE = "_raa_top_pages"


def _site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


def _top_pages(context):
    """``(site root, its live children in tree order)``, read once per request."""
    request = context.get("request")
    cached = getattr(request, TOP_PAGES_ATTRIBUTE, None)
    if cached is not None:
        return cached
    root = _site_root(context)
    top = (root, list(root.get_children().live()) if root is not None else [])
    if request is not None:
        setattr(request, TOP_PAGES_ATTRIBUTE, top)
    return top


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Live children of the site root marked "show in menus" that the reader may see."""
    current = context.get("page")
    request = context.get("request")
    items = []
    root, top = _top_pages(context)
    if root is not None and request is not None:
        for item in top:
            if not item.show_in_menus or not can_read(item, request):
                continue
            is_current = current is not None and current.path.startswith(item.path)
            items.append({"page": item, "is_current": is_current, "is_exact": current == item})
    return {"root": root, "items": items, "request": context.get("request")}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page down to the current page (empty on the home page)."""
    page = context.get("page")
    root = _site_root(context)
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
    return list(Page.objects.ancestor_of(page).filter(depth__gte=root.depth))


@register.inclusion_tag("includes/footer_links.html", takes_context=True)
def footer_links(context):
    """Plain pages and the contact page at the top of the tree that are not in the menu (legal
    notice, accessibility, contact)."""
    _root, top = _top_pages(context)
    kinds = {ContentType.objects.get_for_model(model).pk for model in (StandardPage, ContactPage)}
    restrictions = page_restrictions(context.get("request"))
    pages = [
        page
        for page in top
        if not page.show_in_menus
        and page.content_type_id in kinds
        and not any(restriction.covers(page.path) for restriction in restrictions)
    ]
    return {"pages": pages}
