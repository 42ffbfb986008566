import re
from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.text import capfirst, slugify
from wagtail.models import PageViewRestriction

from blog.models import BlogPostPage
from blog.tests.factories import BlogCategoryFactory, BlogCommentFactory
from core.followables import registry
from follows.digests import send_digests
from follows.models import Follow
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory
from website.tests.factories import StandardPageFactory

LONG_AGO = timedelta(days=3)


@pytest.fixture
def network_life(db):
    return BlogCategoryFactory(name="Vie du réseau", slug="vie-du-reseau")


@pytest.fixture
def feedback(db):
    return BlogCategoryFactory(name="Retour d'expérience", slug="retour-d-experience")


def approved(**kwargs):
    return UserFactory(status=User.Status.APPROVED, **kwargs)


def follow(user, kind="blog", frequency="daily", since=LONG_AGO, **target):
    """A follow created (and last covered by a digest) ``since`` ago."""
    moment = timezone.now() - since
    return Follow.objects.create(
        user=user,
        kind=kind,
        frequency=frequency,
        created_at=moment,
        last_digest_at=moment,
        **target,
    )


def draft(blog, title, categories=(), structure=None, authors=(), summary=""):
    post = blog.add_child(
        instance=BlogPostPage(
            title=title,
            slug=slugify(title),
            body="Premier paragraphe du **texte** de l'article, assez long pour un extrait.",
            summary=summary,
            structure=structure,
            live=False,
        )
    )
    post.categories.set(categories)
    post.authors.set(authors)
    post.save()
    return post


def publish(post, ago=None):
    """Publish ``post``; with ``ago``, pretend it happened that long ago."""
    post.save_revision().publish()
    if ago is not None:
        moment = timezone.now() - ago
        BlogPostPage.objects.filter(pk=post.pk).update(
            first_published_at=moment, last_published_at=moment
        )
    return post


def post(blog, title, ago=timedelta(hours=1), **kwargs):
    return publish(draft(blog, title, **kwargs), ago)


def digest(frequency="daily"):
    call_command("send_digests", "--frequency", frequency, stdout=StringIO())


def heading(kind, target=None):
    """A digest group's heading, in the language emails are written in."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"== {capfirst(registry.get(kind).describe(target))} =="


def unsubscribe_path(message):
    return re.search(r"http://testserver(/membres/desabonnement/[^/\s]+/)", message.body).group(1)


# Instant emails ----------------------------------------------------------------------------


def test_first_publication_emails_each_matching_instant_follower_once(
    blog, network_life, feedback, pessac, django_capture_on_commit_callbacks
):
    both = approved(email="deux@exemple.fr")
    follow(both, "blog", "instant")
    follow(both, "category", "instant", target_id=network_life.pk)
    about_pessac = approved(email="pessac@exemple.fr")
    follow(about_pessac, "structure", "instant", target_id=pessac.pk)
    other_category = approved(email="autre@exemple.fr")
    follow(other_category, "category", "instant", target_id=feedback.pk)
    digest_only = approved(email="quotidien@exemple.fr")
    follow(digest_only, "blog", "daily")
    author = approved(email="auteur@exemple.fr")
    follow(author, "blog", "instant")
    new = draft(blog, "Rencontre à Pessac", [network_life], pessac, [author], "Le résumé.")

    with django_capture_on_commit_callbacks(execute=True):
        publish(new)

    assert sorted(m.to[0] for m in mail.outbox) == ["deux@exemple.fr", "pessac@exemple.fr"]
    message = next(m for m in mail.outbox if m.to == ["deux@exemple.fr"])
    assert "Rencontre à Pessac" in message.subject
    assert "Le résumé." in message.body
    assert "http://testserver/blog/rencontre-a-pessac/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<http://testserver{unsubscribe_path(message)}>"
    )


def test_publishing_again_sends_nothing(blog, django_capture_on_commit_callbacks):
    follow(approved(), "blog", "instant")
    new = draft(blog, "Article")
    with django_capture_on_commit_callbacks(execute=True):
        publish(new)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        new.save_revision().publish()
        new.unpublish()
        new.save_revision().publish()

    assert mail.outbox == []


def test_a_scheduled_post_is_emailed_when_it_goes_live(blog, django_capture_on_commit_callbacks):
    follow(approved(), "blog", "instant")
    new = draft(blog, "Plus tard")
    new.go_live_at = timezone.now() + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        revision = new.save_revision()
        revision.publish()
    assert mail.outbox == []

    # A day later, as far as the revision knows.
    past = timezone.now() - timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=StringIO())

    assert len(mail.outbox) == 1
    assert "Plus tard" in mail.outbox[0].subject


def test_a_restricted_post_is_emailed_only_to_those_who_may_see_it(
    blog, coordinator, django_capture_on_commit_callbacks
):
    member = approved()
    pending = UserFactory(status=User.Status.PENDING)
    for user in (member, coordinator, pending):
        follow(user, "blog", "instant")
    new = draft(blog, "Réservé à la coordination")
    restriction = PageViewRestriction.objects.create(page=new, restriction_type="groups")
    restriction.groups.set([Group.objects.get(name="Coordination")])

    with django_capture_on_commit_callbacks(execute=True):
        publish(new)

    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_a_members_only_post_reaches_members(blog, django_capture_on_commit_callbacks):
    member = approved()
    follow(member, "blog", "instant")
    new = draft(blog, "Réservé aux membres")
    restrict_to_members(new)

    with django_capture_on_commit_callbacks(execute=True):
        publish(new)

    assert [m.to for m in mail.outbox] == [[member.email]]


def test_a_new_page_under_the_lessons_is_emailed_to_their_followers(
    lessons, django_capture_on_commit_callbacks
):
    reader = approved()
    follow(reader, "lessons", "instant")
    follow(approved(), "resources", "instant")
    lesson = StandardPageFactory(parent=lessons, title="Ce que nous avons appris", live=False)

    with django_capture_on_commit_callbacks(execute=True):
        lesson.save_revision().publish()

    assert [m.to for m in mail.outbox] == [[reader.email]]
    assert "Ce que nous avons appris" in mail.outbox[0].subject


# Digests -----------------------------------------------------------------------------------


def test_a_summary_is_shown_as_written(blog):
    follow(approved(), "blog")
    post(blog, "Article", summary="Moins de <10 %> & plus.")

    digest()

    assert "Moins de <10 %> & plus." in mail.outbox[0].body


def test_a_digest_groups_by_follow_newest_first(blog, network_life, pessac):
    reader = approved()
    follow(reader, "blog")
    follow(reader, "structure", target_id=pessac.pk)
    follow(reader, "category", target_id=network_life.pk)
    post(blog, "Ancien article de catégorie", timedelta(hours=5), categories=[network_life])
    post(blog, "Article sur Pessac", timedelta(hours=4), structure=pessac)
    post(blog, "Article général", timedelta(hours=3))
    post(blog, "Récent article de catégorie", timedelta(hours=2), categories=[network_life])
    post(blog, "Hors fenêtre", timedelta(days=5))

    digest()

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    order = [
        heading("category", network_life),
        "Récent article de catégorie",
        "Ancien article de catégorie",
        heading("structure", pessac),
        "Article sur Pessac",
        heading("blog"),
        "Article général",
    ]
    positions = [body.index(text) for text in order]
    assert positions == sorted(positions)
    assert body.count("Récent article de catégorie") == 1
    assert "Hors fenêtre" not in body
    assert "Premier paragraphe du texte" in body  # no summary: the first words instead


def test_an_empty_digest_is_not_sent_but_the_window_moves(blog):
    reader_follow = follow(approved(), "blog")

    digest()

    assert mail.outbox == []
    reader_follow.refresh_from_db()
    assert reader_follow.last_digest_at > timezone.now() - timedelta(minutes=5)


def test_nothing_is_sent_twice_and_nothing_is_skipped(blog):
    reader = approved()
    follow(reader, "blog")
    post(blog, "Alpha", timedelta(hours=2))
    post(blog, "Bêta", timedelta(minutes=1))  # may still be committing: left for the next run

    digest()
    digest()
    assert len(mail.outbox) == 1
    assert "Alpha" in mail.outbox[0].body
    assert "Bêta" not in mail.outbox[0].body

    send_digests("daily", now=timezone.now() + timedelta(days=1))

    assert len(mail.outbox) == 2
    assert "Bêta" in mail.outbox[1].body
    assert "Alpha" not in mail.outbox[1].body


def test_daily_and_weekly_digests_go_to_their_own_followers(blog):
    daily, weekly = approved(email="jour@exemple.fr"), approved(email="semaine@exemple.fr")
    follow(daily, "blog", "daily")
    follow(weekly, "blog", "weekly")
    follow(approved(), "blog", "paused")
    follow(approved(), "blog", "instant")
    post(blog, "Article")

    digest("weekly")
    assert [m.to for m in mail.outbox] == [["semaine@exemple.fr"]]

    digest("daily")
    assert [m.to for m in mail.outbox][1:] == [["jour@exemple.fr"]]
    assert mail.outbox[0].subject != mail.outbox[1].subject


def test_a_digest_leaves_out_what_was_already_emailed_instantly(blog, network_life):
    reader = approved()
    follow(reader, "blog", "daily")
    follow(reader, "category", "instant", target_id=network_life.pk)
    post(blog, "Déjà reçu", categories=[network_life])
    post(blog, "Pas encore reçu")

    digest()

    assert "Pas encore reçu" in mail.outbox[0].body
    assert "Déjà reçu" not in mail.outbox[0].body


def test_a_digest_leaves_out_restricted_posts_own_posts_and_non_members(blog, coordinator):
    reader = approved()
    follow(reader, "blog")
    refused = UserFactory(status=User.Status.REFUSED)
    follow(refused, "blog")
    post(blog, "Public")
    post(blog, "Mon article", authors=[reader])
    secret = draft(blog, "Secret")
    restriction = PageViewRestriction.objects.create(page=secret, restriction_type="groups")
    restriction.groups.set([Group.objects.get(name="Coordination")])
    publish(secret, timedelta(hours=1))

    digest()

    assert [m.to for m in mail.outbox] == [[reader.email]]
    body = mail.outbox[0].body
    assert "Public" in body
    assert "Secret" not in body
    assert "Mon article" not in body


def test_a_digest_includes_comments_on_followed_posts(blog, network_life, feedback):
    reader = approved()
    follow(reader, "category", target_id=network_life.pk)
    followed = post(blog, "Article suivi", LONG_AGO * 2, categories=[network_life])
    other = post(blog, "Article non suivi", LONG_AGO * 2, categories=[feedback])
    commenter = approved(display_name="Camille")
    an_hour_ago = timezone.now() - timedelta(hours=1)
    BlogCommentFactory(
        post=followed, user=commenter, comment="Très **utile**.", submit_date=an_hour_ago
    )
    BlogCommentFactory(
        post=followed, user=reader, comment="Mon propre avis.", submit_date=an_hour_ago
    )
    BlogCommentFactory(post=other, user=commenter, comment="Ailleurs.", submit_date=an_hour_ago)

    digest()

    body = mail.outbox[0].body
    assert "Camille" in body and "Article suivi" in body
    assert "Très utile." in body
    assert "Mon propre avis" not in body
    assert "Ailleurs" not in body


def test_the_digest_unsubscribe_link_works_without_login_and_pauses_the_digest(blog):
    reader = approved()
    reader_follow = follow(reader, "blog")
    post(blog, "Article")
    digest()
    path = unsubscribe_path(mail.outbox[0])
    anonymous = Client(enforce_csrf_checks=True)

    assert anonymous.get(path).status_code == HTTPStatus.OK
    reader_follow.refresh_from_db()
    assert reader_follow.frequency == "daily"

    assert anonymous.post(path).status_code == HTTPStatus.OK
    reader_follow.refresh_from_db()
    assert reader_follow.frequency == "paused"


def test_a_tampered_unsubscribe_link_is_refused(client, blog):
    reader_follow = follow(approved(), "blog")
    post(blog, "Article")
    digest()
    path = unsubscribe_path(mail.outbox[0])

    response = client.post(path[:-3] + "xx/")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    reader_follow.refresh_from_db()
    assert reader_follow.frequency == "daily"


def test_the_command_refuses_an_unknown_frequency(db):
    with pytest.raises(CommandError):
        call_command("send_digests", "--frequency", "hourly")


def test_digest_queries_do_not_depend_on_the_number_of_posts(blog, network_life, pessac):
    readers = [approved() for _n in range(3)]

    def measure(posts_per_reader):
        mail.outbox.clear()
        Follow.objects.all().delete()
        BlogPostPage.objects.all().delete()
        for reader in readers:
            follow(reader, "blog")
            follow(reader, "category", target_id=network_life.pk)
            follow(reader, "structure", target_id=pessac.pk)
        author = approved()
        for n in range(posts_per_reader):
            new = post(
                blog,
                f"Article {posts_per_reader} {n}",
                timedelta(hours=1, minutes=n),
                categories=[network_life] if n % 2 else [],
                structure=pessac if n % 3 else None,
                authors=[author],
            )
            BlogCommentFactory(
                post=new, user=author, submit_date=timezone.now() - timedelta(minutes=30)
            )
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            count = send_digests("daily")
        assert count == len(readers)
        assert all(f"Article {posts_per_reader} 0" in m.body for m in mail.outbox)
        return len(queries)

    assert measure(3) == measure(20)
