"""A reported comment: the coordinators hear of it by email, once, and ``reported_comments``
lists what awaits their review (the cockpit reads it)."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from django_comments.models import CommentFlag

from blog.comments import reported_comments
from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory

pytestmark = pytest.mark.db_sensitive


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post(blog):
    return BlogPostPageFactory(parent=blog, title="Un article", slug="un-article")


def approved(name):
    return UserFactory(status=User.Status.APPROVED, display_name=name)


@pytest.fixture
def coordinators(db):
    group = Group.objects.get(name="Coordination")
    first, second, gone = approved("Camille Coord"), approved("Dominique Coord"), approved("Ex")
    for user in (first, second, gone):
        user.groups.add(group)
    gone.is_active = False
    gone.save()
    return [first, second]


def report(client, user, comment):
    client.force_login(user)
    return client.post(reverse("blog_comments:flag", args=[comment.pk]))


def report_emails(mailoutbox):
    return [message for message in mailoutbox if "/admin/blogcomment/" in message.body]


def test_a_report_emails_every_active_coordinator_once(client, post, coordinators, mailoutbox):
    comment = BlogCommentFactory(
        post=post, user=approved("Léa Auteur"), comment="Achetez <b>ici</b> !"
    )
    reporter = approved("Marc Vigilant")

    assert report(client, reporter, comment).status_code == HTTPStatus.FOUND

    emails = report_emails(mailoutbox)
    assert sorted(address for message in emails for address in message.to) == sorted(
        user.email for user in coordinators
    )
    message = emails[0]
    assert message.subject.endswith("Un commentaire a été signalé sous l'article « Un article »")
    assert "Marc Vigilant a signalé un commentaire de Léa Auteur" in message.body
    assert "Achetez <b>ici</b> !" in message.body  # plain text, as written
    assert f"/admin/blogcomment/edit/{comment.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Achetez &lt;b&gt;ici&lt;/b&gt; !" in html
    assert "<b>ici</b>" not in html
    assert f'href="http://testserver/admin/blogcomment/edit/{comment.pk}/"' in html or (
        f"/admin/blogcomment/edit/{comment.pk}/" in html
    )
    assert reporter.email not in " ".join(message.body for message in emails)


def test_later_reports_of_the_same_comment_send_no_new_email(
    client, post, coordinators, mailoutbox
):
    comment = BlogCommentFactory(post=post)
    report(client, approved("Premier"), comment)
    report(client, approved("Deuxième"), comment)
    report(client, approved("Premier bis"), comment)

    assert len(report_emails(mailoutbox)) == len(coordinators)
    assert reported_comments().get().report_count == 3


def test_a_report_a_day_after_the_last_one_emails_again(client, post, coordinators, mailoutbox):
    comment = BlogCommentFactory(post=post)
    report(client, approved("Premier"), comment)
    CommentFlag.objects.update(flag_date=timezone.now() - timedelta(days=1, minutes=1))
    report(client, approved("Deuxième"), comment)

    assert len(report_emails(mailoutbox)) == 2 * len(coordinators)


def test_moderators_actions_send_no_report_email(client, post, coordinators, mailoutbox):
    comment = BlogCommentFactory(post=post)
    client.force_login(coordinators[0])
    client.post(reverse("blog_comments:delete", args=[comment.pk]))

    assert report_emails(mailoutbox) == []


def test_reported_comments_lists_those_awaiting_review(post, coordinators):
    member = approved("Membre")
    waiting = BlogCommentFactory(post=post, comment="En attente")
    hidden = BlogCommentFactory(post=post, comment="Masqué", is_public=False)
    kept = BlogCommentFactory(post=post, comment="Gardé")
    BlogCommentFactory(post=post, comment="Jamais signalé")
    for comment in (waiting, hidden, kept):
        CommentFlag.objects.create(comment=comment, user=member, flag=CommentFlag.SUGGEST_REMOVAL)
    CommentFlag.objects.create(
        comment=kept,
        user=coordinators[0],
        flag=CommentFlag.MODERATOR_APPROVAL,
        flag_date=timezone.now() + timedelta(minutes=1),
    )

    assert [comment.comment for comment in reported_comments()] == ["En attente"]


def test_reported_comments_in_a_fixed_number_of_queries(
    post, coordinators, django_assert_max_num_queries
):
    def reports(count):
        for _ in range(count):
            comment = BlogCommentFactory(post=post)
            CommentFlag.objects.create(
                comment=comment, user=approved("M"), flag=CommentFlag.SUGGEST_REMOVAL
            )

    reports(1)
    with django_assert_max_num_queries(3):
        rows = [(c.author_name, c.post.title, c.report_count) for c in reported_comments()]
    assert len(rows) == 1
    reports(20)
    with django_assert_max_num_queries(3):
        rows = [(c.author_name, c.post.title, c.report_count) for c in reported_comments()]
    assert len(rows) == 21
