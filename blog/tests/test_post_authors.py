"""The authors offered (and accepted) in a blog post's edit form are approved members."""

from http import HTTPStatus

import pytest
from wagtail.test.utils.form_data import querydict_from_html

from blog.models import BlogPostPage
from blog.tests.factories import BlogIndexPageFactory
from members.models import User
from members.tests.factories import UserFactory


@pytest.fixture
def people(home_page, coordinator):
    return {
        "blog": BlogIndexPageFactory(parent=home_page),
        "approved": UserFactory(status=User.Status.APPROVED, display_name="Agnès Approuvée"),
        "pending": UserFactory(status=User.Status.PENDING, display_name="Paul Attente"),
        "refused": UserFactory(status=User.Status.REFUSED, display_name="Rémi Refusé"),
    }


def add_url(blog):
    return f"/admin/pages/add/blog/blogpostpage/{blog.pk}/"


def test_author_choices_list_approved_members_only(client, coordinator, people):
    client.force_login(coordinator)

    response = client.get(add_url(people["blog"]))

    assert response.status_code == HTTPStatus.OK
    choices = set(response.context["form"].fields["authors"].queryset)
    assert people["approved"] in choices
    assert people["pending"] not in choices and people["refused"] not in choices
    html = response.content.decode()
    assert "Paul Attente" not in html and "Rémi Refusé" not in html


@pytest.mark.parametrize("who", ["pending", "refused"])
def test_a_posted_unapproved_author_is_refused_in_french(client, coordinator, people, who):
    client.force_login(coordinator)
    blog = people["blog"]
    data = querydict_from_html(client.get(add_url(blog)).content.decode(), form_id="page-edit-form")
    data.update({"title": "Un billet", "slug": "un-billet", "body": "Texte"})
    data.setlist("authors", [str(people["approved"].pk), str(people[who].pk)])

    response = client.post(add_url(blog), data)

    assert response.status_code == HTTPStatus.OK
    assert not BlogPostPage.objects.filter(slug="un-billet").exists()
    assert "Seuls les membres approuvés du réseau" in response.content.decode()


def test_an_approved_author_is_accepted(client, coordinator, people):
    client.force_login(coordinator)
    blog = people["blog"]
    data = querydict_from_html(client.get(add_url(blog)).content.decode(), form_id="page-edit-form")
    data.update({"title": "Un billet", "slug": "un-billet", "body": "Texte"})
    data.setlist("authors", [str(people["approved"].pk)])

    response = client.post(add_url(blog), data)

    assert response.status_code == HTTPStatus.FOUND
    assert list(BlogPostPage.objects.get(slug="un-billet").authors.all()) == [people["approved"]]
