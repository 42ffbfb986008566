"""Header menu, breadcrumbs and footer links, all built from the page tree."""

from django import template
from wagtail.models import Page, Site

from core.visibility import visible_to
from website.models import ContactPage, StandardPage

register = template.Library()


def _site_root(context):
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    return site.root_page if site else None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Live children of the site root marked "show in menus" that the reader may see."""
    root = _site_root(context)
    current = context.get("page")
    request = context.get("request")
    items = []
    if root is not None and request is not None:
        for item in visible_to(root.get_children().live().in_menu(), request):
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
    ancestors = Page.objects.ancestor_of(page).filter(depth__gte=root.depth)
    return {"ancestors": ancestors, "page": page}


@register.inclusion_tag("includes/footer_links.html", takes_context=True)
def footer_links(context):
    """Plain pages and the contact page at the top of the tree that are not in the menu (legal
    notice, accessibility, contact)."""
    root = _site_root(context)
    pages = []
    if root is not None:
        pages = (
            root.get_children()
            .live()
            .public()
            .filter(show_in_menus=False)
            .type(StandardPage, ContactPage)
        )
    return {"pages": pages}
