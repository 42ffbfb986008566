"""Deleting in the admin puts pages and comments in the trash; coordinators restore or purge."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_comments.models import CommentFlag
from wagtail.models import Page, PageViewRestriction, Revision

from blog.models import BlogComment, BlogPostPage
from blog.tests.factories import BlogCommentFactory, BlogIndexPageFactory, BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory
from website.tests.factories import StandardPageFactory
from website.trash.models import TrashedPage, TrashFolderPage
from website.trash.pages import is_in_trash, restore_page, trash_page


@pytest.fixture
def blog(home_page):
    return BlogIndexPageFactory(parent=home_page)


@pytest.fixture
def post(blog):
    post = BlogPostPageFactory(parent=blog, title="Nos premiers marchés", slug="premiers-marches")
    post.save_revision().publish()
    return BlogPostPage.objects.get(pk=post.pk)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def delete(client, page):
    return client.post(f"/admin/pages/{page.pk}/delete/")


def entry_of(page):
    return TrashedPage.objects.get(page_id=page.pk)


def test_deleting_a_post_puts_it_in_the_trash_off_the_site(
    coordinator_client, coordinator, blog, post
):
    comment = BlogCommentFactory(post=post)
    revisions = post.revisions.count()

    response = delete(coordinator_client, post)

    assert response.status_code == HTTPStatus.FOUND
    page = Page.objects.get(pk=post.pk)
    assert not page.live
    assert is_in_trash(page)
    entry = entry_of(post)
    assert entry.deleted_by == coordinator
    assert entry.original_parent_id == blog.pk
    assert entry.was_live
    assert page.revisions.count() >= revisions
    assert BlogComment.objects.filter(pk=comment.pk).exists()
    assert page.get_url() is None
    visitor = Client()
    for url in ["/blog/", "/blog/flux/rss/", "/sitemap.xml", "/"]:
        answer = visitor.get(url)
        assert answer.status_code == HTTPStatus.OK, url
        assert "Nos premiers marchés" not in answer.content.decode(), url
    assert visitor.get("/blog/premiers-marches/").status_code == HTTPStatus.NOT_FOUND
    explorer = coordinator_client.get(f"/admin/pages/{blog.pk}/").content.decode()
    assert f"/admin/pages/{post.pk}/edit/" not in explorer


def test_the_trash_lists_who_deleted_what_and_when(coordinator_client, coordinator, post):
    delete(coordinator_client, post)

    response = coordinator_client.get("/admin/corbeille/")

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Nos premiers marchés" in html
    assert coordinator.name in html
    assert "Corbeille" in html


def test_restoring_puts_the_page_back_in_its_place_live(coordinator_client, blog, post):
    BlogPostPageFactory(parent=blog, title="Après", slug="apres")
    comment = BlogCommentFactory(post=post)
    order = list(blog.get_children().values_list("pk", flat=True))
    delete(coordinator_client, post)

    response = coordinator_client.post(f"/admin/corbeille/pages/{entry_of(post).pk}/restaurer/")

    assert response.status_code == HTTPStatus.FOUND
    page = Page.objects.get(pk=post.pk)
    assert page.live
    assert page.slug == "premiers-marches"
    assert page.url_path.endswith("/blog/premiers-marches/")
    assert list(blog.get_children().values_list("pk", flat=True)) == order
    assert not TrashedPage.objects.exists()
    answer = coordinator_client.get("/blog/premiers-marches/")
    assert answer.status_code == HTTPStatus.OK
    assert comment.comment in answer.content.decode()


def test_a_draft_comes_back_a_draft(coordinator_client, blog):
    draft = BlogPostPageFactory(parent=blog, live=False, slug="brouillon")
    delete(coordinator_client, draft)

    coordinator_client.post(f"/admin/corbeille/pages/{entry_of(draft).pk}/restaurer/")

    assert not Page.objects.get(pk=draft.pk).live
    assert not is_in_trash(Page.objects.get(pk=draft.pk))


def test_restoring_keeps_own_and_inherited_privacy(coordinator_client, home_page):
    members_only = StandardPageFactory(parent=home_page, slug="reserve")
    PageViewRestriction.objects.create(page=members_only, restriction_type="login")
    section = StandardPageFactory(parent=members_only, slug="section")
    page = StandardPageFactory(parent=section, slug="note")
    team = Group.objects.create(name="Équipe")
    own = PageViewRestriction.objects.create(page=page, restriction_type="groups")
    own.groups.set([team])
    delete(coordinator_client, page)
    delete(coordinator_client, section)  # the parent is gone too: restore elsewhere
    entry = entry_of(page)

    response = coordinator_client.post(
        f"/admin/corbeille/pages/{entry.pk}/restaurer/", {"parent": home_page.pk}
    )

    assert response.status_code == HTTPStatus.FOUND
    page.refresh_from_db()
    assert page.get_parent().pk == home_page.pk
    kinds = {
        (r.restriction_type, tuple(g.pk for g in r.groups.all()))
        for r in PageViewRestriction.objects.filter(page=page)
    }
    assert kinds == {("groups", (team.pk,)), ("login", ())}
    assert coordinator_client.logout() is None
    assert page.url and "/note/" in page.url


def test_restoring_when_the_parent_is_gone_asks_where(coordinator_client, home_page, blog, post):
    delete(coordinator_client, post)
    entry = entry_of(post)
    blog_id = blog.pk
    Page.objects.get(pk=blog_id).delete()

    asked = coordinator_client.get(f"/admin/corbeille/pages/{entry.pk}/restaurer/")
    missing = coordinator_client.post(f"/admin/corbeille/pages/{entry.pk}/restaurer/", {})
    wrong = coordinator_client.post(
        f"/admin/corbeille/pages/{entry.pk}/restaurer/", {"parent": home_page.pk}
    )

    assert asked.status_code == HTTPStatus.OK
    assert 'name="parent"' in asked.content.decode()
    assert missing.status_code == HTTPStatus.BAD_REQUEST
    assert "Choisissez" in missing.content.decode()
    # A post belongs under a blog: the home page is refused, in French, and nothing moves.
    assert wrong.status_code == HTTPStatus.BAD_REQUEST
    assert "ne peut pas être placée" in wrong.content.decode()
    assert is_in_trash(Page.objects.get(pk=post.pk))
    other_blog = BlogIndexPageFactory(parent=home_page, slug="blog-2")
    done = coordinator_client.post(
        f"/admin/corbeille/pages/{entry.pk}/restaurer/", {"parent": other_blog.pk}
    )
    assert done.status_code == HTTPStatus.FOUND
    assert Page.objects.get(pk=post.pk).get_parent().pk == other_blog.pk
    assert Page.objects.get(pk=post.pk).live


def test_a_slug_taken_meanwhile_gets_a_suffix(coordinator_client, blog, post):
    delete(coordinator_client, post)
    BlogPostPageFactory(parent=blog, slug="premiers-marches")

    coordinator_client.post(f"/admin/corbeille/pages/{entry_of(post).pk}/restaurer/")

    page = Page.objects.get(pk=post.pk)
    assert page.slug == "premiers-marches-2"
    assert page.live


def test_purging_deletes_for_good(coordinator_client, post):
    comment = BlogCommentFactory(post=post)
    delete(coordinator_client, post)
    entry = entry_of(post)

    asked = coordinator_client.get(f"/admin/corbeille/pages/{entry.pk}/supprimer/")
    response = coordinator_client.post(f"/admin/corbeille/pages/{entry.pk}/supprimer/")

    assert asked.status_code == HTTPStatus.OK
    assert Page.objects.filter(pk=post.pk).exists() is False
    assert response.status_code == HTTPStatus.FOUND
    assert not Revision.objects.filter(object_id=str(post.pk)).exists()
    assert not BlogComment.objects.filter(pk=comment.pk).exists()
    assert not TrashedPage.objects.exists()


def test_emptying_the_trash(coordinator_client, blog, post):
    other = BlogPostPageFactory(parent=blog)
    delete(coordinator_client, post)
    delete(coordinator_client, other)

    coordinator_client.post("/admin/corbeille/vider/")

    assert not Page.objects.filter(pk__in=[post.pk, other.pk]).exists()
    assert TrashFolderPage.objects.exists()


def test_purge_trash_command_deletes_only_old_entries(coordinator, blog, post):
    recent = BlogPostPageFactory(parent=blog)
    trash_page(post, user=coordinator)
    trash_page(recent, user=coordinator)
    TrashedPage.objects.filter(page_id=post.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )

    call_command("purge_trash")

    assert not Page.objects.filter(pk=post.pk).exists()
    assert Page.objects.filter(pk=recent.pk).exists()
    call_command("purge_trash", "--days", "0")
    assert not Page.objects.filter(pk=recent.pk).exists()


def test_a_trashed_page_cannot_be_edited_or_moved_out(coordinator_client, blog, post):
    delete(coordinator_client, post)

    edit = coordinator_client.get(f"/admin/pages/{post.pk}/edit/")
    move = coordinator_client.post(f"/admin/pages/{post.pk}/move/{blog.pk}/confirm/")

    assert (edit.status_code, edit.url) == (HTTPStatus.FOUND, "/admin/corbeille/")
    assert (move.status_code, move.url) == (HTTPStatus.FOUND, "/admin/corbeille/")
    assert is_in_trash(Page.objects.get(pk=post.pk))


@pytest.mark.parametrize(
    "url",
    [
        "/admin/corbeille/pages/999999/restaurer/",
        "/admin/corbeille/pages/999999/supprimer/",
        "/admin/corbeille/pages/99999999999999999999999/restaurer/",
        "/admin/corbeille/commentaires/999999/supprimer/",
    ],
)
def test_a_missing_entry_is_a_404(coordinator_client, url):
    assert coordinator_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_restoring_a_missing_comment_is_a_404(coordinator_client):
    response = coordinator_client.post("/admin/corbeille/commentaires/999999/restaurer/")
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.fixture
def team_editor(pessac):
    from members.models import Membership

    editor = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=editor, structure=pessac, role=Membership.Role.STAFF_REFERENT)
    return editor


def test_only_coordinators_see_the_trash(client, coordinator, team_editor, post):
    trash_page(post, user=coordinator)
    entry = entry_of(post)
    client.force_login(team_editor)

    index = client.get("/admin/corbeille/")
    purge = client.post(f"/admin/corbeille/pages/{entry.pk}/supprimer/")
    restore = client.post(f"/admin/corbeille/pages/{entry.pk}/restaurer/")
    empty = client.post("/admin/corbeille/vider/")
    menu = client.get("/admin/")

    # Wagtail answers a refusal in its admin with a redirection to the dashboard.
    for response in [index, purge, restore, empty]:
        assert (response.status_code, response.get("Location")) == (HTTPStatus.FOUND, "/admin/")
    assert Page.objects.filter(pk=post.pk).exists()
    assert "/admin/corbeille/" not in menu.content.decode()


def test_a_team_editor_cannot_delete_a_colleagues_page(client, team_editor, pessac, blog):
    colleague_draft = BlogPostPageFactory(parent=blog, live=False, structure=pessac)
    own_draft = BlogPostPageFactory(parent=blog, live=False, structure=pessac, owner=team_editor)
    client.force_login(team_editor)

    refused = delete(client, colleague_draft)
    accepted = delete(client, own_draft)
    structure = delete(client, pessac)

    assert refused.status_code == HTTPStatus.FOUND
    assert not is_in_trash(Page.objects.get(pk=colleague_draft.pk))
    assert accepted.status_code == HTTPStatus.FOUND
    assert is_in_trash(Page.objects.get(pk=own_draft.pk))
    assert structure.status_code in {HTTPStatus.FOUND, HTTPStatus.FORBIDDEN}
    assert not is_in_trash(Page.objects.get(pk=pessac.pk))


def test_a_comment_deleted_by_a_coordinator_is_in_the_trash_and_restorable(
    coordinator_client, coordinator, post
):
    comment = BlogCommentFactory(post=post, comment="Un avis tranché.")
    coordinator_client.post(f"/commentaires/{comment.pk}/supprimer/")
    comment.refresh_from_db()
    assert comment.is_removed

    listing = coordinator_client.get("/admin/corbeille/").content.decode()
    restored = coordinator_client.post(f"/admin/corbeille/commentaires/{comment.pk}/restaurer/")

    assert "Un avis tranché." in listing
    assert restored.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert not comment.is_removed
    assert comment.comment == "Un avis tranché."
    assert not CommentFlag.objects.filter(
        comment=comment, flag=CommentFlag.MODERATOR_DELETION
    ).exists()
    assert "Un avis tranché." in coordinator_client.get(post.url).content.decode()


def test_purging_a_comment_erases_its_text_and_keeps_the_thread(coordinator_client, post):
    comment = BlogCommentFactory(post=post, comment="À effacer.")
    reply = BlogCommentFactory(post=post, parent=comment)
    coordinator_client.post(f"/commentaires/{comment.pk}/supprimer/")

    coordinator_client.post(f"/admin/corbeille/commentaires/{comment.pk}/supprimer/")

    comment.refresh_from_db()
    assert comment.comment == ""
    assert BlogComment.objects.filter(pk=reply.pk).exists()
    assert "À effacer." not in coordinator_client.get("/admin/corbeille/").content.decode()


def test_the_trash_listing_makes_a_bounded_number_of_queries(
    coordinator_client, coordinator, blog, django_assert_max_num_queries
):
    def fill(count):
        for _ in range(count):
            post = BlogPostPageFactory(parent=blog)
            comment = BlogCommentFactory(post=post)
            CommentFlag.objects.create(
                comment=comment, user=coordinator, flag=CommentFlag.MODERATOR_DELETION
            )
            BlogComment.objects.filter(pk=comment.pk).update(is_removed=True)
            trash_page(post, user=coordinator)

    fill(1)
    coordinator_client.get("/admin/corbeille/")  # warm the caches (content types, site)
    with CaptureQueriesContext(connection) as small:
        assert coordinator_client.get("/admin/corbeille/").status_code == HTTPStatus.OK
    fill(20)
    with django_assert_max_num_queries(len(small)):
        response = coordinator_client.get("/admin/corbeille/")
    assert response.content.decode().count("/restaurer/") == 42


def test_a_structures_section_rows_removed_in_an_edit_come_back_from_its_history(pessac):
    from knowledge.models import Action
    from knowledge.tests.factories import ActionFactory

    ActionFactory(page=pessac, title="Clauses sociales")
    ActionFactory(page=pessac, title="Sourcing local")
    before = pessac.save_revision()
    before.publish()
    edited = pessac.get_latest_revision_as_object()
    edited.actions = [a for a in edited.actions.all() if a.title == "Sourcing local"]
    edited.save_revision().publish()
    assert list(Action.objects.filter(page=pessac).values_list("title", flat=True)) == [
        "Sourcing local"
    ]

    # Wagtail's "revert to this revision": the old revision's rows are saved again.
    before.as_object().save_revision().publish()

    assert sorted(Action.objects.filter(page=pessac).values_list("title", flat=True)) == [
        "Clauses sociales",
        "Sourcing local",
    ]


def test_pages_related_to_a_trashed_structure_no_longer_show_it(coordinator, member, pessac, blog):
    from follows.models import Follow

    post = BlogPostPageFactory(parent=blog, structure=pessac, slug="a-pessac")
    Follow.objects.create(user=member, kind="structure", target_id=pessac.pk, frequency="daily")
    trash_page(pessac, user=coordinator)
    visitor, reader = Client(), Client()
    reader.force_login(member)

    pages = {
        "post": visitor.get("/blog/a-pessac/"),
        "directory": visitor.get("/structures/"),
        "follows": reader.get("/membres/moi/abonnements/"),
    }

    for name, response in pages.items():
        assert response.status_code == HTTPStatus.OK, name
        assert 'href="/structures/pessac/"' not in response.content.decode(), name
    assert "Pessac" not in pages["post"].content.decode()
    assert "Pessac" not in pages["directory"].content.decode()
    assert Page.objects.get(pk=post.pk).live


def test_deleting_asks_first_in_french(coordinator_client, post):
    response = coordinator_client.get(f"/admin/pages/{post.pk}/delete/")

    assert response.status_code == HTTPStatus.OK
    assert "Mettre à la corbeille" in response.content.decode()
    assert not TrashedPage.objects.exists()


def test_bulk_deleting_puts_the_pages_in_the_trash(coordinator_client, blog, post):
    other = BlogPostPageFactory(parent=blog)

    response = coordinator_client.post(
        f"/admin/bulk/wagtailcore/page/delete/?id={post.pk}&id={other.pk}"
    )

    assert response.status_code == HTTPStatus.FOUND
    assert TrashedPage.objects.filter(page_id__in=[post.pk, other.pk]).count() == 2
    assert not Page.objects.filter(pk__in=[post.pk, other.pk], live=True).exists()


def test_trashing_cancels_moderation_and_scheduled_publication(coordinator, blog):
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

    post = BlogPostPageFactory(parent=blog, live=False)
    post.save_revision()
    workflow = Workflow.objects.create(name="Relecture")
    task = GroupApprovalTask.objects.create(name="Validation")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow.start(post, coordinator)
    later = BlogPostPage.objects.get(pk=post.pk)
    later.go_live_at = timezone.now() + datetime.timedelta(days=1)
    later.save_revision(approved_go_live_at=later.go_live_at)

    trash_page(post, user=coordinator)

    assert Page.objects.get(pk=post.pk).current_workflow_state is None
    assert not Revision.objects.filter(
        object_id=str(post.pk), approved_go_live_at__isnull=False
    ).exists()


@pytest.fixture
def resource_of_pessac(home_page, pessac):
    from knowledge.models import ResourceIndexPage, ResourcePage

    library = home_page.add_child(instance=ResourceIndexPage(title="Ressources", slug="ressources"))
    resource = ResourcePage(
        title="Guide de l'équipe", slug="guide", summary="Résumé", team_structure=pessac
    )
    library.add_child(instance=resource)
    return resource


def test_purging_a_page_other_content_needs_is_refused_in_french(
    coordinator_client, coordinator, pessac, resource_of_pessac
):
    trash_page(pessac, user=coordinator)
    entry = entry_of(pessac)

    response = coordinator_client.post(f"/admin/corbeille/pages/{entry.pk}/supprimer/", follow=True)
    emptied = coordinator_client.post("/admin/corbeille/vider/", follow=True)
    call_command("purge_trash", "--days", "0")

    assert response.status_code == HTTPStatus.OK
    assert "ne peut pas être supprimée définitivement" in response.content.decode()
    assert "Guide de l&#x27;équipe" in response.content.decode()
    assert emptied.status_code == HTTPStatus.OK
    assert is_in_trash(Page.objects.get(pk=pessac.pk))
    assert TrashedPage.objects.filter(pk=entry.pk).exists()


def test_restoring_notifies_no_follower_again(
    coordinator, member, blog, django_capture_on_commit_callbacks
):
    from django.core import mail

    from follows.models import Follow

    Follow.objects.create(user=member, kind="blog", frequency="instant")
    new = BlogPostPageFactory(parent=blog, live=False, slug="nouvelle")
    with django_capture_on_commit_callbacks(execute=True):
        new.save_revision().publish()
    assert len(mail.outbox) == 1
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        entry = trash_page(new, user=coordinator)
        restore_page(entry, user=coordinator)

    assert Page.objects.get(pk=new.pk).live
    assert mail.outbox == []


def test_nothing_can_be_added_under_a_trashed_page(coordinator_client, home_page):
    section = StandardPageFactory(parent=home_page, slug="section")
    delete(coordinator_client, section)

    response = coordinator_client.get(f"/admin/pages/add/website/standardpage/{section.pk}/")

    assert (response.status_code, response.url) == (HTTPStatus.FOUND, "/admin/corbeille/")


def test_live_subpages_of_a_draft_leave_the_site_and_come_back(coordinator, home_page):
    section = StandardPageFactory(parent=home_page, slug="section", live=False)
    child = StandardPageFactory(parent=section, slug="enfant")
    child.save_revision().publish()

    entry = trash_page(section, user=coordinator)

    assert not Page.objects.get(pk=child.pk).live
    restore_page(entry, user=coordinator)
    assert Page.objects.get(pk=child.pk).live
    assert not Page.objects.get(pk=section.pk).live


def test_a_revision_no_longer_valid_comes_back_as_a_draft(coordinator_client, blog, post):
    delete(coordinator_client, post)
    entry = entry_of(post)
    revision = Revision.objects.get(pk=entry.live_revisions[str(post.pk)])
    revision.content["title"] = ""
    revision.save()

    response = coordinator_client.post(f"/admin/corbeille/pages/{entry.pk}/restaurer/", follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "restent des brouillons" in response.content.decode()
    page = Page.objects.get(pk=post.pk)
    assert not page.live
    assert page.get_parent().pk == blog.pk


def test_a_place_the_page_may_no_longer_go_asks_for_another(
    coordinator_client, coordinator, home_page, blog, post
):
    entry = trash_page(post, user=coordinator)
    # Its parent is now a page where posts may not go (as if the rules had changed).
    standard = StandardPageFactory(parent=home_page, slug="autre")
    TrashedPage.objects.filter(pk=entry.pk).update(original_parent=standard)

    refused = coordinator_client.post(f"/admin/corbeille/pages/{entry.pk}/restaurer/")
    chosen = coordinator_client.post(
        f"/admin/corbeille/pages/{entry.pk}/restaurer/", {"parent": blog.pk}
    )

    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert 'name="parent"' in refused.content.decode()
    assert chosen.status_code == HTTPStatus.FOUND
    assert Page.objects.get(pk=post.pk).get_parent().pk == blog.pk
