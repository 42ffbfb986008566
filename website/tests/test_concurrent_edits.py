"""Two editors of one page: the second save of an outdated copy is refused, never silent."""

from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client
from wagtail.test.utils.form_data import querydict_from_html

from website.tests.factories import StandardPageFactory


@pytest.fixture
def page(home_page):
    page = StandardPageFactory(parent=home_page, title="Méthode", slug="methode")
    page.save_revision()
    return page


@pytest.fixture
def editors(coordinator):
    from django.contrib.auth.models import Group

    from members.models import User
    from members.tests.factories import UserFactory

    other = UserFactory(status=User.Status.APPROVED, display_name="Camille Martin")
    other.groups.add(Group.objects.get(name="Coordination"))
    first, second = Client(), Client()
    first.force_login(other)
    second.force_login(coordinator)
    return first, second


def edit_form(client, page):
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == HTTPStatus.OK
    return querydict_from_html(response.content.decode(), form_id="page-edit-form")


def save(client, page, data, title):
    data = data.copy()
    data["title"] = title
    return client.post(f"/admin/pages/{page.pk}/edit/", data)


def test_editing_sessions_are_on():
    assert settings.WAGTAIL_EDITING_SESSION_PING_INTERVAL > 0


def test_the_second_save_of_an_outdated_copy_is_refused(editors, page):
    first, second = editors
    first_form = edit_form(first, page)
    second_form = edit_form(second, page)
    assert first_form["loaded_revision_id"] == second_form["loaded_revision_id"]

    saved = save(first, page, first_form, "Méthode (version de Camille)")
    stale = save(second, page, second_form, "Méthode (autre version)")

    assert saved.status_code == HTTPStatus.FOUND
    assert stale.status_code == HTTPStatus.CONFLICT
    html = stale.content.decode()
    assert "Camille Martin" in html
    assert "Méthode (autre version)" in html  # the editor's text is given back
    page.refresh_from_db()
    assert page.get_latest_revision().content["title"] == "Méthode (version de Camille)"

    # The form given back carries the latest revision: saving again overwrites knowingly.
    again = querydict_from_html(html, form_id="page-edit-form")
    assert again["loaded_revision_id"] == str(page.latest_revision_id)
    assert save(second, page, again, "Méthode (autre version)").status_code == HTTPStatus.FOUND
    page.refresh_from_db()
    assert page.get_latest_revision().content["title"] == "Méthode (autre version)"


def test_an_up_to_date_save_goes_through(editors, page):
    first, _ = editors
    form = edit_form(first, page)
    assert save(first, page, form, "Méthode revue").status_code == HTTPStatus.FOUND
    assert save(first, page, edit_form(first, page), "Méthode revue 2").status_code == (
        HTTPStatus.FOUND
    )
