"""The cockpit on the demo content: seen from the day the demo's data stops."""

from http import HTTPStatus

import pytest
from bs4 import BeautifulSoup

from members.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.db_sensitive]


def test_the_demo_is_seen_from_30_june_2010(client, demo_tree):
    client.force_login(User.objects.get(email="coordination@exemple.fr"))
    response = client.get("/pilotage/")
    assert response.status_code == HTTPStatus.OK
    html = BeautifulSoup(response.content, "html.parser")
    assert html.find("input", {"name": "date"})["value"] == "2010-06-30"
    late = " ".join(html.find(id="retards").get_text(" ").split())
    assert "Pessac" in late and "Séminaire participatif" in late


def test_pessacs_referent_sees_pessac_only_in_the_hub(client, demo_tree):
    client.force_login(User.objects.get(email="pessac@exemple.fr"))
    assert client.get("/pilotage/").status_code == HTTPStatus.FORBIDDEN
    response = client.get("/espace-membres/")
    block = BeautifulSoup(response.content, "html.parser").find(id="hub-late-title").parent
    text = " ".join(block.get_text(" ").split())
    assert "Pessac" in text and "au 30 juin 2010" in text
    assert "Grand Dax" not in text
