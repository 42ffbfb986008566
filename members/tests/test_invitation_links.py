"""The invitation email links to the site's address (SITE_URL), whatever host the request
came through (a proxy, another port)."""

import re

from django.core import mail
from django.test import override_settings

from members.models import Invitation


@override_settings(SITE_URL="https://raa.exemple.fr", ALLOWED_HOSTS=["*"])
def test_the_invitation_link_opens_on_the_site_address(client, coordinator, structures):
    client.force_login(coordinator)
    client.post(
        "/membres/inviter/",
        {"role": "team", "email": "nouvelle@exemple.fr", "structure": structures["pessac"].pk},
        HTTP_HOST="10.0.0.5:8001",
    )
    invitation = Invitation.objects.get()
    links = re.findall(r"https?://\S+/membres/invitation/\S+/", mail.outbox[-1].body)
    assert links == [f"https://raa.exemple.fr{invitation.get_absolute_url()}"]
