"""``manage.py generate_content``: synthetic content of every kind, members-only items
included, and never on a database that holds real content."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings
from wagtail.models import Page, PageViewRestriction

from blog.comments import BlogComment
from blog.models import BlogPostPage
from knowledge.models import LessonPage, ResourcePage, StructurePage
from knowledge.resource_access import ResourceAudience
from knowledge.vocabularies import SectionVisibility
from members.models import User
from members.tests.factories import UserFactory
from website.models import EventPage
from website.synthetic import MEMBER_PASSWORD, counts


def generate(scale, **kwargs):
    out, err = StringIO(), StringIO()
    with override_settings(DEBUG=True):
        call_command("generate_content", "--scale", str(scale), stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


def test_counts_grow_with_the_scale():
    small, large = counts(1), counts(50)
    assert 9_500 <= large["posts"] <= 10_500  # noqa: PLR2004
    assert 1_900 <= large["lessons"] <= 2_100  # noqa: PLR2004
    assert all(large[kind] > small[kind] for kind in small)
    assert all(value >= 1 for value in counts(0.01).values())


def test_a_tiny_scale_creates_every_kind_with_members_only_items(db):
    demo = {"posts": 12, "lessons": 15}
    out, err = generate(0.1)

    assert "articles" in err  # the progress bar
    wanted = counts(0.1)
    assert BlogPostPage.objects.count() == demo["posts"] + wanted["posts"]
    assert LessonPage.objects.count() == demo["lessons"] + wanted["lessons"]
    synthetic_posts = BlogPostPage.objects.filter(summary__contains="contenu synthétique")
    assert synthetic_posts.count() == wanted["posts"]
    assert StructurePage.objects.count() >= 11 + wanted["structures"]  # noqa: PLR2004
    assert ResourcePage.objects.filter(title__startswith="Guide : ").count() == wanted["resources"]
    assert EventPage.objects.filter(place__endswith="(lieu fictif)").count() == wanted["events"]
    members = User.objects.filter(email__startswith="synthetique-")
    assert members.count() == wanted["members"]
    assert members.first().check_password(MEMBER_PASSWORD)
    assert all(member.is_network_member for member in members)
    assert BlogComment.objects.filter(user__in=members).exists() or wanted["posts"] < 3  # noqa: PLR2004
    # a synthetic page copies its model's inline rows (the action plan) and lives in the tree
    structure = StructurePage.objects.filter(population__gte=800).order_by("-pk").first()
    assert structure.actions.exists() and structure.journey_stages.exists()
    assert Page.find_problems() == ([], [], [], [], [])
    # members-only items: restricted posts, lessons and resources, members-only sections
    post = synthetic_posts.order_by("path").first()
    assert PageViewRestriction.objects.filter(page=post).exists()
    assert PageViewRestriction.objects.filter(page__in=LessonPage.objects.all()).count() > 0
    assert ResourcePage.objects.filter(audience=ResourceAudience.MEMBERS).exists()
    assert StructurePage.objects.filter(diagnostic_visibility=SectionVisibility.MEMBERS).exists()
    anonymous, member = Client(), Client()
    member.force_login(members.first())
    assert anonymous.get(post.url).status_code == 302  # noqa: PLR2004
    assert member.get(post.url).status_code == 200  # noqa: PLR2004
    assert anonymous.get(structure.url).status_code == 200  # noqa: PLR2004

    # run again: its own database at the same scale is left as it is, another scale refused
    out, _ = generate(0.1)
    assert "rien à faire" in out
    with pytest.raises(CommandError, match="nouvelle base"):
        generate(0.2)


def test_a_database_with_real_content_is_refused(db):
    UserFactory()
    pages = Page.objects.count()

    with pytest.raises(CommandError, match="contenu réel"):
        generate(0.1)

    assert Page.objects.count() == pages


def test_refused_with_debug_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("generate_content", "--scale", "0.1", stdout=StringIO())
