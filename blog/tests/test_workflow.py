"""Structure teams write posts about their own structure; a coordinator approves them."""

from http import HTTPStatus

import pytest
from wagtail.models import Page, WorkflowState
from wagtail.test.utils.form_data import querydict_from_html

from blog.models import BlogPostPage
from blog.tests.factories import BlogIndexPageFactory
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import Membership, User
from members.tests.factories import UserFactory


@pytest.fixture
def setup(home_page):
    blog = BlogIndexPageFactory(parent=home_page)
    directory = StructureIndexPageFactory(parent=home_page)
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    referent = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=referent, structure=pessac, role=Membership.Role.STAFF_REFERENT)
    return blog, pessac, haillan, referent


def add_url(blog):
    return f"/admin/pages/add/blog/blogpostpage/{blog.pk}/"


def test_a_team_member_may_only_pick_their_own_structure(client, setup):
    blog, pessac, haillan, referent = setup
    client.force_login(referent)

    response = client.get(add_url(blog))

    assert response.status_code == HTTPStatus.OK
    choices = list(response.context["form"].fields["structure"].queryset)
    assert choices == [pessac]


def test_a_team_post_is_submitted_for_moderation_not_published(client, setup):
    blog, pessac, haillan, referent = setup
    client.force_login(referent)
    data = querydict_from_html(client.get(add_url(blog)).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Nos premiers marchés",
            "slug": "nos-premiers-marches",
            "body": "Texte",
            "structure": pessac.pk,
        }
    )
    data["action-submit"] = "1"

    response = client.post(add_url(blog), data)

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    post = BlogPostPage.objects.get(slug="nos-premiers-marches")
    assert not post.live
    assert WorkflowState.objects.filter(object_id=str(post.pk), status="in_progress").exists()
    assert post.structure == pessac
    assert not Page.objects.get(pk=post.pk).permissions_for_user(referent).can_publish()


def test_writing_about_another_structure_is_refused(client, setup):
    blog, pessac, haillan, referent = setup
    client.force_login(referent)
    data = querydict_from_html(client.get(add_url(blog)).content.decode(), form_id="page-edit-form")
    data.update(
        {
            "title": "Chez les voisins",
            "slug": "chez-les-voisins",
            "body": "x",
            "structure": haillan.pk,
        }
    )

    response = client.post(add_url(blog), data)

    assert response.status_code == HTTPStatus.OK
    assert not BlogPostPage.objects.filter(slug="chez-les-voisins").exists()


def test_members_outside_a_team_cannot_write_posts(client, setup):
    blog, *_ = setup
    client.force_login(UserFactory(status=User.Status.APPROVED))

    response = client.get(add_url(blog))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/comptes/login/")  # no admin access at all
