"""Which pages a person may see: Wagtail's view restrictions applied to a whole queryset."""

from wagtail.models import PageViewRestriction


def visible_to(pages, request):
    """``pages`` without those under a view restriction that ``request``'s user does not pass.

    Anonymous visitors get ``public()``; logged-in users also get the restricted pages they are
    allowed to read (login-only restrictions, or one of their groups). One query for the
    restrictions, whatever the number of pages.
    """
    if not request.user.is_authenticated:
        return pages.public()
    restrictions = PageViewRestriction.objects.select_related("page").prefetch_related("groups")
    for restriction in restrictions:
        if not restriction.accept_request(request):
            pages = pages.not_descendant_of(restriction.page, inclusive=True)
    return pages
