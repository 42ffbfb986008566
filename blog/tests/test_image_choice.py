"""A structure team cannot attach an image it may not choose by tampering with the request."""

from http import HTTPStatus

import pytest
from django.utils import translation
from django.utils.translation import gettext
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import querydict_from_html

from blog.models import BlogPostPage
from blog.tests.factories import BlogIndexPageFactory
from core.tests.test_markdown import png
from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory
from members.models import Membership, StructureTeam, User
from members.tests.factories import UserFactory


@pytest.fixture
def team(home_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    blog = BlogIndexPageFactory(parent=home_page)
    directory = StructureIndexPageFactory(parent=home_page)
    pessac = StructurePageFactory(parent=directory, title="Pessac", slug="pessac")
    haillan = StructurePageFactory(parent=directory, title="Le Haillan", slug="le-haillan")
    referent = UserFactory(status=User.Status.APPROVED)
    Membership.objects.create(user=referent, structure=pessac, role=Membership.Role.STAFF_REFERENT)
    Membership.objects.create(
        user=UserFactory(status=User.Status.APPROVED),
        structure=haillan,
        role=Membership.Role.STAFF_REFERENT,
    )
    Image = get_image_model()
    own = Image.objects.create(
        title="Nôtre",
        file=png(40, 20),
        collection=StructureTeam.objects.get(structure=pessac).collection,
    )
    other = Image.objects.create(
        title="Voisine",
        file=png(40, 20),
        collection=StructureTeam.objects.get(structure=haillan).collection,
    )
    root = Image.objects.create(
        title="Racine", file=png(40, 20), collection=Collection.get_first_root_node()
    )
    return blog, pessac, referent, own, other, root


def submit(client, blog, pessac, image, slug):
    url = f"/admin/pages/add/blog/blogpostpage/{blog.pk}/"
    data = querydict_from_html(client.get(url).content.decode(), form_id="page-edit-form")
    data.update({"title": "Article", "slug": slug, "body": "Texte", "structure": pessac.pk})
    data["cover_image"] = str(image.pk)
    return client.post(url, data)


def test_a_team_cannot_attach_another_collections_image(client, team):
    blog, pessac, referent, _own, other, root = team
    client.force_login(referent)

    for n, image in enumerate([other, root]):
        with translation.override("fr"):
            response = submit(client, blog, pessac, image, f"refuse-{n}")
            expected = gettext(
                "You cannot use this image: it belongs to a collection you may not choose from."
            )

        assert response.status_code == HTTPStatus.OK
        assert response.context["form"].errors["cover_image"] == [expected]
        assert not BlogPostPage.objects.filter(slug=f"refuse-{n}").exists()


def test_a_team_attaches_an_image_of_its_own_collection(client, team):
    blog, pessac, referent, own, _other, _root = team
    client.force_login(referent)

    response = submit(client, blog, pessac, own, "accepte")

    assert response.status_code == HTTPStatus.FOUND
    assert BlogPostPage.objects.get(slug="accepte").cover_image == own
