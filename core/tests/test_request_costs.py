"""What every request pays, remembered by each process until a change (issue 14 "Fast"):
the Wagtail site of a host with its root page (core.sites), the permissions of groups
(core.auth_backends). A change is seen at the next request; a member's page runs no query for
either.

The fragment cache is on here (as in production); each test's data is rolled back at its end,
which sends no signal, so what processes remember is dropped around each test.
"""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from core import site_cache, sites
from members.models import MEMBERS_GROUP
from website.tests.factories import StandardPageFactory

pytestmark = pytest.mark.usefixtures("fragment_cache")  # conftest.py


def warm_queries(client, url, **extra):
    """The SQL of the second request to ``url`` (the first fills what processes remember)."""
    client.get(url, **extra)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
    assert response.status_code == 200  # noqa: PLR2004
    return [query["sql"] for query in captured.captured_queries]


def title_at_localhost(client):
    html = client.get("/", HTTP_HOST="localhost").content.decode()
    return re.search(r"<title>([^<·]*?) ·", html).group(1)


def admin_status(client):
    return client.get("/admin/").status_code


@pytest.fixture
def access_admin():
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


# The site ---------------------------------------------------------------------------------------


def test_a_page_view_looks_up_neither_the_site_nor_the_root_page(client, member, home_page):
    client.force_login(member)
    queries = warm_queries(client, "/")

    assert not [sql for sql in queries if "wagtailcore_site" in sql]
    assert not [sql for sql in queries if "website_homepage" in sql]


def test_a_site_hostname_change_is_seen_at_the_next_request(client, home_page):
    other_root = StandardPageFactory(parent=home_page, title="Une autre porte")
    assert title_at_localhost(client) == home_page.title

    other = Site.objects.create(hostname="localhost", port=80, root_page=other_root)
    assert title_at_localhost(client) == "Une autre porte"

    other.hostname = "ailleurs.exemple.fr"
    other.save()
    assert title_at_localhost(client) == home_page.title


def test_each_request_gets_its_own_copy_of_the_remembered_site(rf, home_page):
    first, second = rf.get("/"), rf.get("/")
    site = sites.site_for(first)
    site.marked = True
    site.root_page.specific.marked = True

    again = sites.site_for(second)
    assert again == site  # the same site...
    assert not hasattr(again, "marked")  # ...and nothing one request set on it
    assert not hasattr(again.root_page.specific, "marked")


def test_hosts_outside_allowed_hosts_are_not_remembered(rf, home_page):
    sites.site_for(rf.get("/", HTTP_HOST="inconnu.exemple.fr"))
    sites.site_for(rf.get("/"))

    assert list(site_cache.remember("sites-by-host", dict)) == [("testserver", "80")]


# Permissions ------------------------------------------------------------------------------------


def test_a_page_view_reads_no_permission(client, member, home_page):
    client.force_login(member)
    queries = warm_queries(client, "/")

    assert not [sql for sql in queries if "auth_permission" in sql]


def test_a_permission_granted_to_a_group_counts_at_the_next_request(client, member, access_admin):
    client.force_login(member)
    members = Group.objects.get(name=MEMBERS_GROUP)
    assert admin_status(client) == 302  # noqa: PLR2004

    members.permissions.add(access_admin)
    assert admin_status(client) == 200  # noqa: PLR2004

    members.permissions.remove(access_admin)
    assert admin_status(client) == 302  # noqa: PLR2004


def test_a_permission_of_ones_own_counts_at_the_next_request(client, member, access_admin):
    client.force_login(member)
    assert admin_status(client) == 302  # noqa: PLR2004

    member.user_permissions.add(access_admin)
    assert admin_status(client) == 200  # noqa: PLR2004

    member.user_permissions.clear()
    assert admin_status(client) == 302  # noqa: PLR2004


def test_joining_a_group_counts_at_the_next_request(client, member, access_admin):
    staff = Group.objects.create(name="Rédaction")
    staff.permissions.add(access_admin)
    client.force_login(member)
    assert admin_status(client) == 302  # noqa: PLR2004

    member.groups.add(staff)
    assert admin_status(client) == 200  # noqa: PLR2004

    staff.user_set.remove(member)  # from the group's side
    assert admin_status(client) == 302  # noqa: PLR2004


def test_a_deleted_permission_counts_at_the_next_request(client, member, access_admin):
    Group.objects.get(name=MEMBERS_GROUP).permissions.add(access_admin)
    client.force_login(member)
    assert admin_status(client) == 200  # noqa: PLR2004

    access_admin.delete()
    assert admin_status(client) == 302  # noqa: PLR2004


def test_a_user_whose_groups_change_is_asked_again(member, access_admin):
    staff = Group.objects.create(name="Rédaction")
    staff.permissions.add(access_admin)
    assert not member.has_perm("wagtailadmin.access_admin")

    member.groups.add(staff)
    for cached in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        member.__dict__.pop(cached, None)  # Django keeps these for the instance's life
    assert member.has_perm("wagtailadmin.access_admin")


# The generation ----------------------------------------------------------------------------------


def test_what_is_remembered_is_dropped_when_the_generation_changes(rf, home_page, member):
    assert member.has_perm("wagtailadmin.access_admin") is False
    sites.site_for(rf.get("/"))
    remembered = {key: value for key, (_generation, value) in site_cache._remembered.items()}
    assert {"sites-by-host", "permissions-by-group", "users-with-own-permissions"} <= set(
        remembered
    )

    site_cache.bump()
    assert site_cache.remember("sites-by-host", dict) == {}

    # Whatever the older generation left is dropped, even what is not asked for again.
    assert list(site_cache._remembered) == ["sites-by-host"]
