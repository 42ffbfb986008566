import datetime
import json
import re
from html.parser import HTMLParser
from http import HTTPStatus
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_comments.models import CommentFlag
from wagtail.models import PageViewRestriction

from blog.comments import comments_since
from blog.demo import build_comments
from blog.models import BlogComment
from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from members.models import User
from members.permissions import restrict_to_members
from members.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """The rate limit lives in the cache, shared by every test of the process."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def author(db):
    return UserFactory(status=User.Status.APPROVED, display_name="Alix Autrice")


@pytest.fixture
def post(blog, author):
    return BlogPostPageFactory(parent=blog, title="Un article", slug="un-article", authors=[author])


@pytest.fixture
def member(db):
    return UserFactory(status=User.Status.APPROVED, display_name="Marie Dupont")


@pytest.fixture
def other_member(db):
    return UserFactory(status=User.Status.APPROVED, display_name="Paul Martin")


@pytest.fixture
def pending(db):
    return UserFactory(status=User.Status.PENDING, display_name="Pierre Attente")


@pytest.fixture
def coordinator(db):
    user = UserFactory(status=User.Status.APPROVED, display_name="Camille Coordination")
    user.groups.add(Group.objects.get(name="Coordination"))
    return user


def logged_in(client, user):
    client.force_login(user)
    return client


def send(client, post, text="Un commentaire."):
    return client.post(reverse("blog_comments:post", args=[post.pk]), {"comment": text})


def reply_to(client, comment, text="Une réponse."):
    return client.post(reverse("blog_comments:reply", args=[comment.pk]), {"comment": text})


def action(client, name, comment, data=None):
    return client.post(reverse(f"blog_comments:{name}", args=[comment.pk]), data or {})


def old(minutes=16):
    return timezone.now() - datetime.timedelta(minutes=minutes)


def restrict_to_coordinators(page):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Coordination")])


# Who may comment --------------------------------------------------------------------------


def test_member_comment_is_published_on_the_post(client, post, member):
    response = send(logged_in(client, member), post, "Très **utile**, merci.")

    comment = BlogComment.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/blog/un-article/#c{comment.pk}"
    assert comment.user == member and comment.is_public and not comment.is_removed
    assert comment.body_html == "<p>Très <strong>utile</strong>, merci.</p>\n"
    html = client.get(post.url).content.decode()
    assert f'<article class="comment" id="c{comment.pk}"' in html
    assert "Marie Dupont" in html
    assert "<strong>utile</strong>" in html
    assert f'<time datetime="{timezone.localtime(comment.submit_date).isoformat()}"' in html


@pytest.mark.parametrize("who", ["visitor", "pending", "refused", "inactive"])
def test_only_network_members_may_comment(client, post, who):
    if who != "visitor":
        status = {"pending": "pending", "refused": "refused", "inactive": "approved"}[who]
        user = UserFactory(status=status, is_active=who != "inactive")
        client.force_login(user)

    response = send(client, post)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not BlogComment.objects.exists()


def test_visitors_see_comments_and_an_invitation_to_log_in(client, post):
    BlogCommentFactory(post=post, comment="Un avis public.")

    html = client.get(post.url).content.decode()

    assert "Un avis public." in html
    assert 'href="/comptes/login/?next=/blog/un-article/"' in html
    assert 'name="comment"' not in html


def test_accounts_awaiting_approval_see_no_form(client, post, pending):
    html = logged_in(client, pending).get(post.url).content.decode()

    with translation.override("fr"):
        waiting = gettext(
            "Your account is awaiting approval by a coordinator: you can comment once it is "
            "approved."
        )
    assert waiting in html
    assert 'name="comment"' not in html


def test_members_get_a_labelled_form_without_name_email_or_url(client, post, member):
    html = logged_in(client, member).get(post.url).content.decode()

    assert '<label class="field__label" for="id_comment">' in html
    assert 'aria-describedby="id_comment_helptext"' in html
    assert 'id="id_comment_helptext"' in html
    for field in ("name", "email", "url", "honeypot"):
        assert f'name="{field}"' not in html
    # The mentions' autocomplete is a static file; nothing inline (the CSP forbids it).
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/blog/js/mentions.js" defer>'
    ]
    assert "style=" not in html


def test_members_only_post_takes_comments_from_members_only(client, post, member):
    restrict_to_members(post)

    assert send(client, post).status_code == HTTPStatus.FORBIDDEN
    assert send(logged_in(client, member), post).status_code == HTTPStatus.FOUND
    assert BlogComment.objects.count() == 1


def test_a_post_the_member_may_not_read_refuses_their_comment(client, post, member, coordinator):
    restrict_to_coordinators(post)

    assert send(logged_in(client, member), post).status_code == HTTPStatus.FORBIDDEN
    assert not BlogComment.objects.exists()
    assert send(logged_in(client, coordinator), post).status_code == HTTPStatus.FOUND


def test_an_unpublished_post_refuses_comments(client, post, member):
    post.unpublish()

    response = send(logged_in(client, member), post)

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not BlogComment.objects.exists()


def test_an_unknown_post_is_a_404(client, member):
    response = logged_in(client, member).post("/commentaires/article/999999/", {"comment": "x"})

    assert response.status_code == HTTPStatus.NOT_FOUND


# Threads ----------------------------------------------------------------------------------


def test_replies_nest_two_levels_deep_at_most(client, post, member, other_member):
    logged_in(client, member)
    send(client, post, "Premier.")
    first = BlogComment.objects.get()
    client.force_login(other_member)
    assert reply_to(client, first, "Réponse.").status_code == HTTPStatus.FOUND
    second = BlogComment.objects.get(comment="Réponse.")
    client.force_login(member)
    assert reply_to(client, second, "Réponse à la réponse.").status_code == HTTPStatus.FOUND
    third = BlogComment.objects.get(comment="Réponse à la réponse.")

    too_deep = reply_to(client, third, "Trop loin.")

    assert [first.level, second.level, third.level] == [0, 1, 2]
    assert second.parent_id == first.pk and third.parent_id == second.pk
    assert {second.thread_id, third.thread_id} == {first.pk}
    assert too_deep.status_code == HTTPStatus.FORBIDDEN
    assert not BlogComment.objects.filter(comment="Trop loin.").exists()
    html = client.get(post.url).content.decode()
    assert html.count('class="comment-list comment-list--replies"') == 2
    assert reverse("blog_comments:reply", args=[second.pk]) in html
    assert reverse("blog_comments:reply", args=[third.pk]) not in html
    assert html.index("Premier.") < html.index("Réponse.") < html.index("Réponse à la réponse.")


def test_reply_page_quotes_the_comment_above_a_labelled_form(client, post, member):
    comment = BlogCommentFactory(post=post, comment="À citer.")

    response = logged_in(client, member).get(reverse("blog_comments:reply", args=[comment.pk]))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<blockquote" in html and "À citer." in html
    assert '<label class="field__label" for="id_comment">' in html


def test_conversations_come_oldest_first(client, post):
    BlogCommentFactory(post=post, comment="Le plus ancien.", submit_date=old(60))
    BlogCommentFactory(post=post, comment="Le plus récent.")

    html = client.get(post.url).content.decode()

    assert html.index("Le plus ancien.") < html.index("Le plus récent.")


# Edit and delete --------------------------------------------------------------------------


def test_author_edits_their_comment_within_the_window(client, post, member):
    comment = BlogCommentFactory(post=post, user=member, comment="Avant.")
    url = reverse("blog_comments:edit", args=[comment.pk])
    logged_in(client, member)

    assert "Avant." in client.get(url).content.decode()
    response = client.post(url, {"comment": "Après, *corrigé*."})

    comment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.comment == "Après, *corrigé*."
    assert comment.body_html == "<p>Après, <em>corrigé</em>.</p>\n"
    assert comment.edited_at is not None


def test_editing_after_the_window_or_someone_elses_comment_is_refused(
    client, post, member, other_member
):
    late = BlogCommentFactory(post=post, user=member, comment="Ancien.", submit_date=old())
    theirs = BlogCommentFactory(post=post, user=other_member, comment="À autrui.")
    logged_in(client, member)

    for comment in (late, theirs):
        assert action(client, "edit", comment, {"comment": "Changé."}).status_code == 403
        assert action(client, "delete", comment).status_code == HTTPStatus.FORBIDDEN
    assert set(BlogComment.objects.values_list("comment", flat=True)) == {"Ancien.", "À autrui."}
    html = client.get(post.url).content.decode()
    assert reverse("blog_comments:edit", args=[late.pk]) not in html


def test_author_deletes_their_comment_within_the_window(client, post, member):
    comment = BlogCommentFactory(post=post, user=member, comment="À retirer.")
    logged_in(client, member)

    response = action(client, "delete", comment)

    comment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.is_removed and comment.comment == "" and comment.body_html == ""
    assert "À retirer." not in client.get(post.url).content.decode()


def test_coordinator_hides_any_comment_with_its_replies(client, post, member, coordinator):
    comment = BlogCommentFactory(post=post, comment="Déplacé.", submit_date=old(60))
    reply = BlogCommentFactory(post=post, parent=comment, comment="Réponse au déplacé.")
    kept = BlogCommentFactory(post=post, comment="Correct.")

    assert action(logged_in(client, member), "hide", comment).status_code == 403
    response = action(logged_in(client, coordinator), "hide", comment)

    assert response.status_code == HTTPStatus.FOUND
    assert list(BlogComment.objects.filter(is_public=True)) == [kept]
    html = client.get(post.url).content.decode()
    assert "Déplacé." not in html and "Réponse au déplacé." not in html
    assert "Correct." in html
    reply.refresh_from_db()
    assert not reply.is_public


def test_coordinator_deletes_any_comment_and_keeps_a_trace(client, post, coordinator):
    comment = BlogCommentFactory(post=post, comment="Injurieux.", submit_date=old(60))

    response = action(logged_in(client, coordinator), "delete", comment)

    comment.refresh_from_db()
    assert response.status_code == HTTPStatus.FOUND
    assert comment.is_removed and comment.comment == "Injurieux."
    assert CommentFlag.objects.filter(
        comment=comment, user=coordinator, flag=CommentFlag.MODERATOR_DELETION
    ).exists()
    assert "Injurieux." not in client.get(post.url).content.decode()


def test_confirmation_pages_are_plain_forms(client, post, member, coordinator):
    comment = BlogCommentFactory(post=post, comment="À modérer.")
    logged_in(client, coordinator)

    for name in ("delete", "hide", "flag"):
        response = client.get(reverse(f"blog_comments:{name}", args=[comment.pk]))
        html = response.content.decode()
        assert response.status_code == HTTPStatus.OK
        assert '<form method="post"' in html and "À modérer." in html
    assert BlogComment.objects.get().is_public


# Flags and the admin ----------------------------------------------------------------------


def test_members_report_a_comment_once(client, post, member, other_member):
    comment = BlogCommentFactory(post=post, user=other_member)
    mine = BlogCommentFactory(post=post, user=member)
    logged_in(client, member)

    assert action(client, "flag", comment).status_code == HTTPStatus.FOUND
    assert action(client, "flag", comment).status_code == HTTPStatus.FOUND
    assert action(client, "flag", mine).status_code == HTTPStatus.FORBIDDEN

    flags = CommentFlag.objects.filter(flag=CommentFlag.SUGGEST_REMOVAL)
    assert [(flag.comment_id, flag.user_id) for flag in flags] == [(comment.pk, member.pk)]


def test_visitors_cannot_report(client, post):
    comment = BlogCommentFactory(post=post)

    assert action(client, "flag", comment).status_code == HTTPStatus.FORBIDDEN
    assert not CommentFlag.objects.exists()


def test_coordinators_list_reported_comments_in_the_admin(client, post, member, coordinator):
    reported = BlogCommentFactory(post=post, comment="Signalé par un membre.")
    BlogCommentFactory(post=post, comment="Sans histoire.")
    CommentFlag.objects.create(comment=reported, user=member, flag=CommentFlag.SUGGEST_REMOVAL)
    url = reverse("blogcomment:index")

    refused = logged_in(client, member).get(url)
    assert refused.status_code == HTTPStatus.FOUND
    assert refused["Location"].startswith("/comptes/login/")  # no admin access at all
    response = logged_in(client, coordinator).get(url, {"reported": "true"})

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Signalé par un membre." in html
    assert "Sans histoire." not in html
    edit = client.get(reverse("blogcomment:edit", args=[reported.pk]))
    assert edit.status_code == HTTPStatus.OK


# Text: Markdown, sanitising, length, rate -------------------------------------------------

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<iframe src="https://exemple.org"></iframe>',
    '<p style="color: red">rouge</p>',
    '<a href="#" onclick="alert(1)">clic</a>',
    "<svg onload=alert(1)>",
    '<div onmouseover="alert(1)">survol</div>',
    '[clic](https://exemple.org "titre" onclick=alert(1))',
    "@[<script>alert(1)</script>]",
]


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", XSS)
def test_hostile_markup_is_neutralised(client, post, member, payload):
    send(logged_in(client, member), post, f"Texte {payload} fin")

    collector = ElementCollector()
    collector.feed(BlogComment.objects.get().body_html)
    for tag, attrs in collector.elements:
        assert tag not in {"script", "iframe", "svg", "style", "object", "embed", "div"}
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        for name in ("href", "src"):
            assert not attrs.get(name, "").strip().lower().startswith(("javascript:", "data:"))
    html = client.get(post.url).content.decode()
    assert "alert(1)</script>" not in html


def test_too_long_a_comment_is_sent_back_with_a_linked_error(client, post, member, settings):
    logged_in(client, member)

    response = send(client, post, "x" * (settings.COMMENT_MAX_LENGTH + 1))

    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert not BlogComment.objects.exists()
    assert '<a href="#id_comment">' in html
    assert 'aria-invalid="true"' in html and "id_comment_error" in html
    assert "x" * (settings.COMMENT_MAX_LENGTH + 1) in html
    assert send(client, post, "y" * settings.COMMENT_MAX_LENGTH).status_code == HTTPStatus.FOUND


def test_an_empty_comment_is_sent_back(client, post, member):
    response = send(logged_in(client, member), post, "   \n ")

    assert response.status_code == HTTPStatus.OK
    assert '<a href="#id_comment">' in response.content.decode()
    assert not BlogComment.objects.exists()


def test_members_post_five_comments_a_minute_at_most(client, post, member, settings):
    logged_in(client, member)
    for number in range(settings.RAA_COMMENT_RATE_LIMIT):
        assert send(client, post, f"Message {number}").status_code == HTTPStatus.FOUND

    response = send(client, post, "Un de trop")

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Un de trop" in response.content.decode()
    assert BlogComment.objects.count() == settings.RAA_COMMENT_RATE_LIMIT


# Emails -----------------------------------------------------------------------------------


def recipients(mailoutbox):
    return sorted(address for message in mailoutbox for address in message.to)


def test_a_new_comment_emails_the_post_authors_but_not_the_commenter(
    client, post, author, member, mailoutbox
):
    post.authors.add(member)

    send(logged_in(client, member), post, "Bravo pour l'article.")

    comment = BlogComment.objects.get()
    assert recipients(mailoutbox) == [author.email]
    message = mailoutbox[0]
    assert "Marie Dupont" in message.body and "Bravo pour l'article." in message.body
    assert f"http://testserver/blog/un-article/#c{comment.pk}" in message.body
    assert "Un article" in message.subject


def test_a_reply_emails_the_author_of_the_comment_replied_to(
    client, post, author, member, other_member, mailoutbox
):
    comment = BlogCommentFactory(post=post, user=other_member)

    reply_to(logged_in(client, member), comment)

    assert recipients(mailoutbox) == sorted([author.email, other_member.email])
    to_other = next(m for m in mailoutbox if m.to == [other_member.email])
    assert "Marie Dupont" in to_other.subject


def test_mentioned_members_are_emailed_once_each(
    client, post, author, member, other_member, pending, mailoutbox
):
    text = (
        "Merci @[Paul Martin] et @[paul martin], voir aussi @[Alix Autrice], "
        "@[Pierre Attente] et @[Personne Inconnue] ; moi-même @[Marie Dupont]."
    )

    send(logged_in(client, member), post, text)

    assert recipients(mailoutbox) == sorted([author.email, other_member.email])
    comment = BlogComment.objects.get()
    profile = reverse("members:profile", args=[other_member.pk])
    assert f'<a href="{profile}" rel="noopener noreferrer nofollow">@Paul Martin</a>' in (
        comment.body_html
    )
    assert "@[Pierre Attente]" in comment.body_html
    assert "@[Personne Inconnue]" in comment.body_html


def test_members_who_may_not_read_the_post_are_not_mentioned(
    client, post, author, member, coordinator, mailoutbox
):
    restrict_to_coordinators(post)

    send(logged_in(client, coordinator), post, "Pour info @[Marie Dupont].")

    assert member.email not in recipients(mailoutbox)
    assert "@[Marie Dupont]" in BlogComment.objects.get().body_html


def test_mentions_in_code_are_left_alone(client, post, member, other_member, mailoutbox):
    send(logged_in(client, member), post, "Écrire `@[Paul Martin]` pour mentionner.")

    assert other_member.email not in recipients(mailoutbox)


def test_an_edit_emails_only_the_newly_mentioned_members(
    client, post, member, other_member, coordinator, mailoutbox
):
    comment = BlogCommentFactory(post=post, user=member, comment="Bonjour @[Paul Martin].")
    logged_in(client, member)

    action(
        client, "edit", comment, {"comment": "Bonjour @[Paul Martin] et @[Camille Coordination]."}
    )

    assert recipients(mailoutbox) == [coordinator.email]


# Personal data ----------------------------------------------------------------------------


def test_deleting_an_account_leaves_its_comments_by_a_deleted_account(client, post, member):
    comment = BlogCommentFactory(
        post=post,
        user=member,
        comment="Mon avis.",
        user_name="Marie Dupont",
        user_email=member.email,
        user_url="https://exemple.org",
        ip_address="192.0.2.1",
    )
    logged_in(client, member)

    response = client.post(
        "/membres/moi/supprimer/", {"password": "mot-de-passe-de-test", "confirm": "on"}
    )

    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.user is None
    assert (comment.user_name, comment.user_email, comment.user_url) == ("", "", "")
    assert comment.ip_address is None
    html = client.get(post.url).content.decode()
    with translation.override("fr"):
        deleted = gettext("deleted account")
    assert "Mon avis." in html
    assert f'<span class="comment__author">{deleted}</span>' in html
    assert "Marie Dupont" not in html


def test_the_data_export_lists_the_members_comments(client, post, member):
    BlogCommentFactory(post=post, user=member, comment="Exporté.")

    data = json.loads(logged_in(client, member).get("/membres/moi/donnees/").content)

    assert [(c["post"], c["text"]) for c in data["comments"]] == [("Un article", "Exporté.")]
    assert data["comments"][0]["date"]


# For other apps, queries, demo -------------------------------------------------------------


def test_comments_since_gives_recent_public_comments_newest_first(blog, post, member):
    other_post = BlogPostPageFactory(parent=blog, title="Autre", slug="autre")
    since = old(30)
    BlogCommentFactory(post=post, comment="Trop ancien.", submit_date=old(60))
    first = BlogCommentFactory(post=post, comment="Premier.", submit_date=old(20), user=member)
    second = BlogCommentFactory(post=other_post, comment="Second.", submit_date=old(10))
    BlogCommentFactory(post=post, comment="Masqué.", is_public=False)
    BlogCommentFactory(post=post, comment="Supprimé.", is_removed=True)

    assert list(comments_since(since)) == [second, first]
    assert list(comments_since(since, post_ids=[post.pk])) == [first]
    with CaptureQueriesContext(connection) as captured:
        found = list(comments_since(since))
        assert [(c.user.name, c.post.title) for c in found] == [
            (second.user.name, "Autre"),
            ("Marie Dupont", "Un article"),
        ]
    assert len(captured) == 2  # the comments with their users, then their posts


def test_deleting_a_post_deletes_its_comments(post):
    BlogCommentFactory(post=post)

    post.delete()

    assert not BlogComment.objects.exists()


def add_comments(post, count):
    users = [UserFactory(status=User.Status.APPROVED) for _ in range(3)]
    for number in range(count // 3):
        comment = BlogCommentFactory(post=post, user=users[number % 3], submit_date=old(60))
        reply = BlogCommentFactory(post=post, parent=comment, user=users[(number + 1) % 3])
        BlogCommentFactory(post=post, parent=reply, user=users[(number + 2) % 3])


def queries(client, url):
    client.get(url)  # warm: site, content types, the user's permissions
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(captured)


@pytest.mark.parametrize("reader", ["visitor", "member", "coordinator"])
def test_post_page_queries_do_not_grow_with_comments(client, blog, reader, request):
    few_post = BlogPostPageFactory(parent=blog, title="Peu", slug="peu")
    many_post = BlogPostPageFactory(parent=blog, title="Beaucoup", slug="beaucoup")
    add_comments(few_post, 3)
    add_comments(many_post, 30)
    if reader != "visitor":
        client.force_login(request.getfixturevalue(reader))

    few = queries(client, few_post.url)
    many = queries(client, many_post.url)

    assert BlogComment.objects.on_posts([many_post.pk]).count() == 30
    assert many == few


def test_demo_comments_are_built_once(demo_tree):
    # load_demo_content --with-accounts has built them once already.
    first = sorted(BlogComment.objects.values_list("pk", "comment"))
    build_comments(StringIO())

    assert sorted(BlogComment.objects.values_list("pk", "comment")) == first
    assert len(first) == 4
    reply = BlogComment.objects.get(level=1)
    assert reply.user.email == "coordination@exemple.fr"
    assert "/membres/" in reply.body_html


def test_demo_comments_need_the_demo_accounts(db):
    call_command("load_demo_content", stdout=StringIO())
    out = StringIO()

    build_comments(out)

    assert not BlogComment.objects.exists()
    assert out.getvalue() == ""
