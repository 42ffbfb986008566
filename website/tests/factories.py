import datetime

import factory
import wagtail_factories
from django.utils import timezone
from wagtail.models import Page, Site

from website.models import EventIndexPage, EventPage, HomePage, StandardPage


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


class EventPageFactory(wagtail_factories.PageFactory):
    """An event a week from now, lasting two hours."""

    title = factory.Sequence(lambda n: f"Réunion {n:03d}")
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    end = factory.LazyAttribute(lambda event: event.start + datetime.timedelta(hours=2))
    place = "Bordeaux"
    description = "<p>Ordre du jour de la réunion.</p>"

    class Meta:
        model = EventPage
        skip_postgeneration_save = True

    @factory.post_generation
    def structures(self, create, extracted, **kwargs):
        if create and extracted:
            self.structures.set(extracted)
            self.save()

    @factory.post_generation
    def related_posts(self, create, extracted, **kwargs):
        if create and extracted:
            self.related_posts.set(extracted)
            self.save()
