"""The demo content reads like real French and its dates tell the programme's story."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.utils import timezone

from blog.models import BlogPostPage
from knowledge.models import StructurePage
from website.models import EventPage

PROGRAMME_START = datetime.date(2009, 11, 17)  # the regional day that announced the results
PROGRAMME_END = datetime.date(2010, 12, 31)
SUNDAY = 6
# Each test reads the module's demo tree in a transaction of its own.
pytestmark = pytest.mark.django_db

ARTICLE = {"33": "de la Gironde", "40": "des Landes", "24": "de la Dordogne"}


def local_day(moment):
    return timezone.localtime(moment).date()


def test_no_demo_event_falls_on_a_sunday(demo_tree):
    events = EventPage.objects.all()
    assert events.count() >= 4
    for event in events:
        assert local_day(event.start).weekday() != SUNDAY, event.title
        if event.end:
            assert local_day(event.end).weekday() != SUNDAY, event.title


def test_past_events_and_posts_belong_to_the_programme(demo_tree):
    now = timezone.now()
    past = [event for event in EventPage.objects.all() if event.start < now]
    assert past
    for event in past:
        assert PROGRAMME_START <= local_day(event.start) <= PROGRAMME_END, event.title
    for post in BlogPostPage.objects.all():
        assert PROGRAMME_START <= post.date <= PROGRAMME_END, post.title


def test_events_ahead_are_labelled_illustrative(demo_tree):
    ahead = EventPage.objects.filter(start__gte=timezone.now())
    assert ahead.exists()
    for event in ahead:
        assert "(exemple)" in event.title
        assert "donnée illustrative" in event.description


def test_posts_come_after_the_journey_steps_they_tell(demo_tree):
    """Each structure's post is dated after that structure's step it tells of."""
    told = {
        "pessac-analyse-documentaire": ("pessac", 1),
        "grand-dax-entretiens": ("grand-dax", 2),
        "sdis-24-diagnostic": ("sdis-24", 3),
        "le-haillan-seminaire-participatif": ("le-haillan", 5),
    }
    for slug, (structure_slug, step_index) in told.items():
        post = BlogPostPage.objects.get(slug=slug)
        stages = list(StructurePage.objects.get(slug=structure_slug).journey_stages.all())
        stage = sorted(stages, key=lambda stage: stage.sort_order)[step_index]
        assert stage.actual_date is not None, slug
        assert stage.actual_date <= post.date, slug


def test_the_eleven_summaries_are_written_french(demo_tree):
    structures = StructurePage.objects.select_related("departement")
    summaries = [structure.summary for structure in structures]
    assert len(summaries) == 11
    assert len(set(summaries)) == 11
    for structure in structures:
        summary = structure.summary
        assert ARTICLE[structure.departement.code] in summary, summary
        assert "illustratif" in summary
    pays = StructurePage.objects.get(slug="pays-coeur-entre-deux-mers").summary
    assert pays.startswith("Pays rural de la Gironde, engagé ")
    sdis = StructurePage.objects.get(slug="sdis-24").summary
    assert "engagée" not in sdis


def test_indicator_measurements_are_whole_numbers(demo_tree):
    values = []
    for structure in StructurePage.objects.all():
        for action in structure.actions.all():
            for block in action.indicators.raw_data:
                for measurement in block["value"]["measurements"]:
                    values.append(measurement["value"])
    assert values
    for value in values:
        assert re.fullmatch(r"\d+", str(value)), value


def test_the_structure_pages_show_no_fractional_vehicles(client, demo_tree):
    html = client.get("/structures/cobas/").content.decode()
    assert not re.search(r"\d,\d+\s*(véhicules|heures)", html)


# The accessibility statement ----------------------------------------------------------------


def test_the_accessibility_statement_has_what_rgaa_requires(client, demo_tree):
    response = client.get("/accessibilite/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "État de conformité" in html
    assert "partiellement conforme" in html and "RGAA" in html
    assert "Date de l'audit" in html and re.search(r"\d{1,2}&nbsp;\w+&nbsp;20\d\d", html)
    assert "méthode" in html.lower() and "autoévaluation" in html
    assert "Non-conformités" in html and "critère" in html
    assert 'href="/contact/' in html
    assert "Voies de recours" in html and "Défenseur des droits" in html
    assert "Schéma pluriannuel" in html


def test_the_footer_links_to_the_statement_and_the_contact_page(client, demo_tree):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]

    assert 'href="/accessibilite/"' in footer
    assert "Accessibilité : partiellement conforme" in footer
    assert 'href="/contact/"' in footer


# The texts read like French ------------------------------------------------------------------

STORY_PAGES = ["homepage", "standardpage", "contactpage", "eventpage", "eventindexpage"]
STORY_PAGES += ["blogpostpage", "blogindexpage", "structurepage", "structureindexpage"]
ENGLISH_COLON = re.compile(r"[\w)»\]][:;?!](\s|$)")  # French puts a space before : ; ? !
NO_CONTRACTION = re.compile(r"\b(de|à) (Le|Les) [A-Z]")  # "du Haillan", not "de Le Haillan"


def main_text(html):
    main = html[html.index("<main") : html.index("</main>")]
    main = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", main).replace("&nbsp;", "\u00a0").replace("&#x27;", "'")
    return re.sub(r"https?://\S+", " ", text)


def test_the_demo_texts_follow_french_typography(client, demo_tree):
    pages = demo_tree.get_descendants(inclusive=True).live().public()
    pages = pages.filter(content_type__model__in=STORY_PAGES)
    assert pages.count() > 30
    for page in pages:
        text = main_text(client.get(page.url).content.decode())
        assert not ENGLISH_COLON.search(text), (page.url, ENGLISH_COLON.search(text).group())
        assert not NO_CONTRACTION.search(text), (page.url, NO_CONTRACTION.search(text).group())
