"""The programme's blog: exchanges between the structures and the consultant."""

from django.utils.translation import gettext_lazy as _

from website.pages import SectionPage


class BlogIndexPage(SectionPage):
    """``/blog/``: the programme's blog."""

    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("blog")
        verbose_name_plural = _("blogs")
