import factory
import wagtail_factories
from wagtail.models import Page, Site

from website.models import EventIndexPage, HomePage, StandardPage


def make_site_root(page):
    """Make ``page`` the root of the default site, as ``load_demo_content`` does."""
    site = Site.objects.get(is_default_site=True)
    site.root_page = page
    site.save()
    return site


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Réseau RAA"
    slug = "accueil"
    parent = factory.LazyFunction(Page.get_first_root_node)

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Page {n}")
    body = "<p>Texte de la page.</p>"

    class Meta:
        model = StandardPage


class EventIndexPageFactory(wagtail_factories.PageFactory):
    title = "Agenda"
    slug = "agenda"

    class Meta:
        model = EventIndexPage
