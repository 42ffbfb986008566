"""Lessons learned: the faceted listing, the lesson page's evidence, the structure side, the
home page, follows and the demo."""

import re
from html import unescape
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from blog.tests.factories import BlogPostPageFactory
from core.followables import registry
from knowledge.demo_lessons import LESSONS, build_lessons
from knowledge.lesson_vocabularies import (
    BuyingStep,
    LegalLever,
    LessonKind,
    SustainabilityDimension,
)
from knowledge.lessons import FACET_LONG, FACET_SHOWN
from knowledge.models import LessonPage, LessonSource, Sector, StructureType, Theme
from knowledge.tests.factories import (
    ActionFactory,
    DiagnosticItemFactory,
    LessonPageFactory,
    StructurePageFactory,
)
from knowledge.vocabularies import DiagnosticKind, SectionVisibility
from members.models import User

URL = "/enseignements/"
VOCABULARIES = {
    "themes": Theme,
    "sectors": Sector,
    "dimensions": SustainabilityDimension,
    "legal_levers": LegalLever,
    "buying_steps": BuyingStep,
    "structure_types": StructureType,
}


def make_lesson(index, kind="levier", structures=(), members_only=False, **facets):
    """A live lesson under ``index``; facets are given by slug (the seeded vocabularies)."""
    lesson = LessonPageFactory(parent=index, kind=LessonKind.objects.get(slug=kind))
    for name, slugs in facets.items():
        if name in VOCABULARIES:
            getattr(lesson, name).set(VOCABULARIES[name].objects.filter(slug__in=slugs))
        else:
            getattr(lesson, name).set(slugs)
    lesson.structures.set(structures)
    lesson.save()
    if members_only:
        PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.LOGIN)
    return lesson


def counts(response, key):
    """The values offered on the facet ``key``, with their counts (``{}``: none offered)."""
    facet = next((facet for facet in response.context["facets"] if facet["key"] == key), None)
    offered = [*facet["options"], *facet["more"]] if facet else []
    return {option["slug"]: option["count"] for option in offered}


def titles(response):
    return {lesson.title for lesson in response.context["lessons"]}


@pytest.fixture
def known(lessons, directory):
    """Three public lessons and a members-only one, with known facets."""
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    return {
        "pessac": pessac,
        "a": make_lesson(
            lessons,
            "levier",
            themes=["sourcing"],
            dimensions=["social"],
            structures=[pessac],
        ),
        "b": make_lesson(
            lessons,
            "frein",
            themes=["sourcing", "cout-global"],
            dimensions=["environnemental"],
            legal_levers=["critere-attribution"],
        ),
        "c": make_lesson(lessons, "levier", themes=["gouvernance"], dimensions=["social"]),
        "d": make_lesson(lessons, "levier", themes=["sourcing"], members_only=True),
    }


def test_facet_counts_match_known_data(client, known):
    response = client.get(URL + "?theme=sourcing")

    assert response.status_code == HTTPStatus.OK
    assert titles(response) == {known["a"].title, known["b"].title}
    # Within the selection (theme sourcing): one lever, one obstacle; the kinds no lesson has
    # are not offered (they would list nothing).
    assert counts(response, "nature") == {"frein": 1, "levier": 1}
    # A facet's own selection is left out of its counts: what adding each value would list.
    assert counts(response, "theme") == {"sourcing": 2, "cout-global": 1, "gouvernance": 1}
    assert counts(response, "levier") == {"critere-attribution": 1}
    assert counts(response, "structure") == {"pessac": 1}
    # Nor is a facet none of these lessons has a value of.
    assert "etape" not in {facet["key"] for facet in response.context["facets"]}


def test_facets_combine_across_dimensions_and_within_one(client, known):
    both = client.get(URL + "?theme=sourcing&nature=levier")
    either = client.get(URL + "?theme=sourcing&theme=gouvernance&dimension=social")

    assert titles(both) == {known["a"].title}
    assert counts(both, "theme")["gouvernance"] == 1
    assert "cout-global" not in counts(both, "theme")  # no lever on it: not offered
    assert titles(either) == {known["a"].title, known["c"].title}
    assert [f["value"] for f in either.context["active_filters"]] == [
        "Gouvernance et portage politique",
        "Connaissance de l'offre (sourcing)",
        "Social",
    ]


def test_members_only_lessons_count_for_members_only(client, member, known):
    visitor = client.get(URL + "?theme=sourcing")
    client.force_login(member)
    as_member = client.get(URL + "?theme=sourcing")

    assert known["d"].title not in visitor.content.decode()
    assert counts(visitor, "theme")["sourcing"] == 2
    assert visitor.context["cohort_size"] == 3
    assert known["d"].title in titles(as_member)
    assert counts(as_member, "theme")["sourcing"] == 3


def test_a_value_without_lessons_is_not_offered_unless_ticked(client, known):
    # No lesson on the theme "competences": ticking it alone lists nothing, and it stays
    # offered (ticked, counted zero) so that it can be unticked.
    plain = client.get(URL).content.decode()
    ticked = client.get(URL + "?theme=competences&dimension=social")

    assert 'value="competences"' not in plain
    assert 'value="sourcing"' in plain
    assert counts(ticked, "theme")["competences"] == 0
    assert re.search(r'value="competences" id="[^"]+" checked>', ticked.content.decode())
    assert ticked.context["found_count"] == 0
    # The other facets count the lessons that tick competences would leave: none.
    assert counts(ticked, "dimension") == {"social": 0}


def test_a_long_facet_shows_the_most_frequent_values_and_the_rest_on_demand(
    client, lessons, directory
):
    total = FACET_LONG + 2
    structures = [
        StructurePageFactory(parent=directory, title=f"Structure {n:02d}", slug=f"s-{n:02d}")
        for n in range(total)
    ]
    # Structure n is drawn on by n + 1 lessons; the least frequent one is ticked.
    for number, structure in enumerate(structures):
        for _ in range(number + 1):
            make_lesson(lessons, structures=[structure])

    response = client.get(URL + "?structure=s-00")

    facet = next(facet for facet in response.context["facets"] if facet["key"] == "structure")
    shown = [option["slug"] for option in facet["options"]]
    hidden = [option["slug"] for option in facet["more"]]
    # FACET_SHOWN values first: the ticked one and the most frequent, in the facet's order.
    cut = total - (FACET_SHOWN - 1)
    assert shown == ["s-00", *(f"s-{n:02d}" for n in range(cut, total))]
    assert hidden == [f"s-{n:02d}" for n in range(1, cut)]
    html = unescape(response.content.decode())
    disclosure = html.split('<details class="lesson-facets__more">')[1].split("</details>")[0]
    assert f"{len(hidden)} autres valeurs" in disclosure
    assert 'value="s-01"' in disclosure and 'value="s-00"' not in disclosure
    # Still one form: a value behind the disclosure is a checkbox of the same fieldset.
    fieldset = html.split("Tiré de l'expérience de")[1].split("</fieldset>")[0]
    assert disclosure in fieldset


@pytest.mark.parametrize(
    "query",
    ["theme=inconnu", "nature=levier&nature=%3Cscript%3E", "structure=" + "x" * 3000],
)
def test_unknown_value_lists_nothing_and_says_so_in_french(client, known, query):
    response = client.get(f"{URL}?{query}")

    assert response.status_code == HTTPStatus.OK
    assert response.context["lessons"] == []
    html = response.content.decode()
    assert "Cette valeur est inconnue" in html
    assert "<script>" not in html


@pytest.mark.parametrize("page", ["99", "0", "abc", "-1"])
def test_page_out_of_range_lists_nothing_without_error(client, known, page):
    response = client.get(f"{URL}?page={page}")

    assert response.status_code == HTTPStatus.OK
    assert response.context["lessons"] == []
    assert response.context["page_out_of_range"]


def test_listing_pages_keep_the_filters(client, lessons):
    for _ in range(12):
        make_lesson(lessons, themes=["sourcing"])

    first = client.get(URL + "?theme=sourcing")
    second = client.get(URL + "?theme=sourcing&page=2")

    assert len(first.context["lessons"]) == 10
    assert 'href="?theme=sourcing&amp;page=2"' in first.content.decode()
    assert len(second.context["lessons"]) == 2


def queries_for(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("reader", ["visitor", "member"])
def test_listing_queries_do_not_grow_with_lessons(client, member, lessons, directory, reader):
    if reader == "member":
        client.force_login(member)
    structure = StructurePageFactory(parent=directory)
    facets = {
        "themes": ["sourcing", "gouvernance"],
        "sectors": ["energie"],
        "dimensions": ["social"],
        "legal_levers": ["sourcing"],
        "buying_steps": ["sourcing"],
        "structure_types": ["commune"],
    }
    make_lesson(lessons, structures=[structure], **facets)
    make_lesson(lessons, structures=[structure], members_only=True, **facets)
    url = URL + "?theme=sourcing&dimension=social"
    few = queries_for(client, url)

    for number in range(20):
        make_lesson(lessons, structures=[structure], members_only=number % 2 == 0, **facets)
    many = queries_for(client, url)

    assert many == few


def test_lesson_page_links_back_to_every_source(client, known, blog):
    pessac = known["pessac"]
    item = DiagnosticItemFactory(page=pessac, kind=DiagnosticKind.LEVER, text="Un élu moteur")
    action = ActionFactory(page=pessac, title="Papier recyclé")
    post = BlogPostPageFactory(parent=blog, title="Retour sur le séminaire")
    lesson = known["a"]
    lesson.diagnostic_items.set([item])
    lesson.actions.set([action])
    lesson.assessments.set([pessac])
    lesson.sources = [LessonSource(page=post)]
    lesson.save()

    html = client.get(lesson.url).content.decode()

    assert 'href="/structures/pessac/"' in html
    assert "Un élu moteur" in html
    assert 'href="/structures/pessac/#diagnostic"' in html
    assert 'href="/structures/pessac/#plan-d-actions">Papier recyclé' in html
    assert 'href="/structures/pessac/#bilan"' in html
    assert f'href="{post.url}"' in html


def test_structure_page_shows_the_lessons_drawn_from_its_rows(client, known):
    pessac = known["pessac"]
    item = DiagnosticItemFactory(page=pessac, kind=DiagnosticKind.LEVER, text="Un élu moteur")
    action = ActionFactory(page=pessac, title="Papier recyclé")
    lesson_b, lesson_c = known["b"], known["c"]
    lesson_b.diagnostic_items.set([item])
    lesson_b.save()
    lesson_c.actions.set([action])
    lesson_c.assessments.set([pessac])
    lesson_c.save()
    known["d"].structures.set([pessac])
    known["d"].save()

    response = client.get("/structures/pessac/")
    html = response.content.decode()

    assert [lesson.title for lesson in response.context["lessons"]] == [
        lesson.title for lesson in [known["c"], known["b"], known["a"]]
    ]
    assert known["d"].title not in html  # members only
    diagnostic = next(s for s in response.context["sections"] if s["name"] == "diagnostic")
    assert diagnostic["levers"][0].drawn_lessons == [lesson_b]
    plan = next(s for s in response.context["sections"] if s["name"] == "action_plan")
    assert plan["actions"][0]["lessons"] == [lesson_c]
    assessment = next(s for s in response.context["sections"] if s["name"] == "assessment")
    assert assessment["assessment_lessons"] == [lesson_c]
    assert f'href="{lesson_b.url}"' in html


def test_evidence_in_a_members_only_section_is_hidden_from_visitors(client, member, known):
    pessac = known["pessac"]
    pessac.diagnostic_visibility = SectionVisibility.MEMBERS
    pessac.save()
    item = DiagnosticItemFactory(page=pessac, text="Constat réservé aux membres")
    known["a"].diagnostic_items.set([item])
    known["a"].save()

    visitor = client.get(known["a"].url).content.decode()
    client.force_login(member)
    as_member = client.get(known["a"].url).content.decode()

    assert "Constat réservé aux membres" not in visitor
    assert "Constat réservé aux membres" in as_member


def test_members_only_lesson_page_is_closed_to_visitors(client, member, known):
    visitor = client.get(known["d"].url)
    client.force_login(member)

    assert visitor.status_code == HTTPStatus.FOUND
    assert "/comptes/" in visitor["Location"]
    assert client.get(known["d"].url).status_code == HTTPStatus.OK


def test_lesson_body_markdown_is_sanitised(client, lessons):
    lesson = make_lesson(lessons)
    lesson.body = "<script>alert(1)</script> [lien](javascript:alert(1)) **gras**"
    lesson.save()

    html = client.get(lesson.url).content.decode()

    assert "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "<strong>gras</strong>" in html


def test_home_shows_featured_lessons_the_reader_may_see(client, member, known):
    LessonPage.objects.filter(pk__in=[known["b"].pk, known["d"].pk]).update(featured=True)

    visitor = client.get("/").content.decode()
    client.force_login(member)
    as_member = client.get("/").content.decode()

    assert known["b"].title in visitor
    assert known["a"].title not in visitor
    assert known["d"].title not in visitor
    assert known["d"].title in as_member


def test_home_shows_the_latest_lessons_when_none_is_featured(client, known):
    html = client.get("/").content.decode()

    assert known["c"].title in html
    assert known["d"].title not in html


def test_a_lesson_concerns_its_themes_sectors_and_structures(known):
    lesson = known["a"]
    lesson.sectors.set(Sector.objects.filter(slug="energie"))
    lesson.save()

    targets = registry.targets_of_page(LessonPage.objects.get(pk=lesson.pk))

    assert ("lessons", None) in targets
    assert ("theme", Theme.objects.get(slug="sourcing").pk) in targets
    assert ("sector", Sector.objects.get(slug="energie").pk) in targets
    assert ("structure", known["pessac"].pk) in targets
    assert registry.get("theme").model is Theme
    assert registry.get("sector").model is Sector


def test_lessons_index_accepts_lesson_pages(lessons):
    assert LessonPage in lessons.specific_class.allowed_subpage_models()
    assert LessonPage.allowed_parent_page_models() == [lessons.specific_class]


def test_source_must_be_a_post_or_a_resource(known, directory):
    source = LessonSource(lesson=known["a"], page=directory.page_ptr)

    with pytest.raises(ValidationError) as error:
        source.clean()

    assert "page" in error.value.message_dict


def test_demo_lessons_are_illustrative_idempotent_and_render(client, demo_tree):
    demo = LessonPage.objects.all()
    build_lessons(StringIO())  # a second run

    assert demo.count() == len(LESSONS) >= 15
    assert not demo.filter(is_illustrative=False).exists()
    assert demo.filter(featured=True).exists()
    assert PageViewRestriction.objects.filter(page__in=demo).count() == 2
    client.force_login(User.objects.get(email="membre@exemple.fr"))
    for lesson in demo:
        assert client.get(lesson.url).status_code == HTTPStatus.OK, lesson.slug
    listing = client.get(URL)
    assert listing.context["cohort_size"] == len(LESSONS)
    assert counts(listing, "theme")["sourcing"] >= 1
    haillan = client.get("/structures/le-haillan/").content.decode()
    assert "Ce qui n&#x27;a pas fonctionné" in haillan or "Ce qui n'a pas fonctionné" in haillan


# The counts are one SQL query over the lessons the reader may see; these tests compare them
# with a count made by hand over the lessons, for a visitor and a member.
@pytest.fixture
def mixed(lessons, directory):
    """Lessons spread over several facets, a third of them members-only."""
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    specs = [
        ("levier", ["sourcing"], ["social"], [pessac], ["energie"]),
        ("frein", ["sourcing", "cout-global"], ["social", "environnemental"], [], []),
        ("levier", ["gouvernance"], ["environnemental"], [pessac, haillan], ["energie"]),
        ("bonne-pratique", ["sourcing"], [], [haillan], []),
        ("frein", [], ["social"], [pessac], ["energie"]),
        ("levier", ["cout-global"], ["social"], [], []),
    ]
    made = []
    for number, (kind, themes, dimensions, structures, sectors) in enumerate(specs):
        made.append(
            make_lesson(
                lessons,
                kind,
                themes=themes,
                dimensions=dimensions,
                sectors=sectors,
                structures=structures,
                members_only=number % 3 == 1,
            )
        )
    return made


FIELDS = {"theme": "themes", "dimension": "dimensions", "secteur": "sectors"}


def facet_values(lesson, facet):
    if facet == "nature":
        return {lesson.kind.slug}
    return {term.slug for term in getattr(lesson, FIELDS.get(facet, "structures")).all()}


def matching_by_hand(lessons, selection, leave_out=None):
    return [
        lesson
        for lesson in lessons
        if all(
            chosen & facet_values(lesson, facet)
            for facet, chosen in selection.items()
            if facet != leave_out
        )
    ]


def hand_counts(lessons, selection, key):
    """What a value's count must be: the lessons having it among those matching every other
    facet of ``selection`` (``{key: {slug}}``)."""
    counted = {}
    for lesson in matching_by_hand(lessons, selection, leave_out=key):
        for slug in facet_values(lesson, key):
            counted[slug] = counted.get(slug, 0) + 1
    return counted


@pytest.mark.parametrize("reader", ["visitor", "member"])
@pytest.mark.parametrize(
    "selection",
    [
        {},
        {"theme": {"sourcing"}},
        {"theme": {"sourcing", "gouvernance"}, "dimension": {"social"}},
        {"nature": {"levier"}, "secteur": {"energie"}},
        {"structure": {"pessac"}, "dimension": {"environnemental", "social"}},
    ],
)
def test_counts_match_a_count_by_hand_for_each_reader(client, member, mixed, reader, selection):
    if reader == "member":
        client.force_login(member)
    readable = [
        lesson for number, lesson in enumerate(mixed) if reader == "member" or number % 3 != 1
    ]
    query = "&".join(f"{key}={slug}" for key, slugs in selection.items() for slug in sorted(slugs))

    response = client.get(f"{URL}?{query}")

    for key in ["nature", "theme", "dimension", "secteur", "structure"]:
        expected = hand_counts(readable, selection, key)
        shown = {slug: count for slug, count in counts(response, key).items() if count}
        assert shown == expected, key
    listed = matching_by_hand(readable, selection)
    assert response.context["found_count"] == len(listed)
    assert response.context["cohort_size"] == len(readable)
    assert titles(response) == {lesson.title for lesson in listed}


def test_a_members_only_structure_is_no_facet_value_for_visitors(
    client, member, lessons, directory
):
    hidden = StructurePageFactory(parent=directory, title="Cachée", slug="cachee")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)
    make_lesson(lessons, structures=[hidden])

    visitor = client.get(URL)
    client.force_login(member)
    as_member = client.get(URL)

    assert "cachee" not in counts(visitor, "structure")
    assert visitor.context["found_count"] == 1
    assert "cachee" not in counts(as_member, "structure")  # as before: public structures only


def test_a_restriction_above_the_index_marks_its_lessons_members_only(client, member, lessons):
    make_lesson(lessons, themes=["sourcing"])
    PageViewRestriction.objects.create(
        page=lessons.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    client.force_login(member)

    response = client.get(URL)

    assert response.context["cohort_size"] == 1
    assert counts(response, "theme")["sourcing"] == 1
    assert [lesson.members_only for lesson in response.context["lessons"]] == [True]
