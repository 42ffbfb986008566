"""The pieces of ``make serve`` and ``make loadtest`` that run inside Django: the demo loaded on
an empty database only, the load test's members, and the count of the comments it posted."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from wagtail.models import Page

from blog.tests.factories import BlogCommentFactory, BlogPostPageFactory
from members.models import User
from members.tests.factories import UserFactory


def test_the_demo_is_not_loaded_into_a_database_that_holds_content(db):
    UserFactory()
    pages = Page.objects.count()
    out = StringIO()

    with override_settings(DEBUG=True):
        call_command("load_demo_content", "--with-accounts", "--if-empty", stdout=out)

    assert "already holds content" in out.getvalue()
    assert Page.objects.count() == pages
    assert not User.objects.filter(email="membre@exemple.fr").exists()


def test_load_test_members_are_approved_and_refused_without_debug(db):
    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("create_loadtest_members", "--count", "2", stdout=StringIO())

    with override_settings(DEBUG=True):
        call_command("create_loadtest_members", "--count", "3", stdout=StringIO())
        call_command("create_loadtest_members", "--count", "3", stdout=StringIO())  # idempotent

    members = User.objects.filter(email__startswith="charge-")
    assert members.count() == 3  # noqa: PLR2004
    assert all(member.is_network_member for member in members)
    assert members.get(email="charge-002@exemple.fr").check_password("demo-charge")


@pytest.fixture
def post(blog):
    return BlogPostPageFactory(parent=blog)


def report(tmp_path, posted, failed=()):
    path = tmp_path / "comments.json"
    path.write_text(json.dumps({"run": "r1", "posted": posted, "failed": list(failed)}))
    return str(path)


def comment(post, token, run="r1"):
    return BlogCommentFactory(post=post, comment=f"Texte [charge {run} {token}] fin.")


def test_every_posted_comment_stored_once_passes(post, tmp_path):
    comment(post, "1")
    comment(post, "2")
    comment(post, "1", run="another-run")
    out = StringIO()

    call_command("check_loadtest_comments", report(tmp_path, ["1", "2"]), stdout=out)

    assert "2 accepted, 0 refused or failed, 2 stored; lost 0, duplicated 0" in out.getvalue()


@pytest.mark.parametrize(
    ("stored", "message"),
    [(["1"], "Comments lost: ['2']"), (["1", "2", "2"], "stored more than once: ['2']")],
)
def test_a_lost_or_duplicated_comment_fails(post, tmp_path, stored, message):
    for token in stored:
        comment(post, token)

    with pytest.raises(CommandError) as raised:
        call_command("check_loadtest_comments", report(tmp_path, ["1", "2"]), stdout=StringIO())

    assert message in str(raised.value)


SERVE_SETTINGS = """
from django.conf import settings as s
from allauth.account import app_settings as a
print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.RAA_COMMENT_RATE_LIMIT,
      a.RATE_LIMITS["login"], s.STORAGES["staticfiles"]["BACKEND"].rsplit(".", 1)[1])
"""


@pytest.mark.parametrize(
    ("load_test", "expected"),
    [
        ("", "False False False 5 30/m/ip CompressedManifestStaticFilesStorage"),
        ("1", "False False False 1000000 1000/m/ip CompressedManifestStaticFilesStorage"),
    ],
)
def test_make_serve_runs_production_over_http_with_limits_raised_for_the_load_test_only(
    load_test, expected
):
    from website.tests.test_project import PRODUCTION_ENV, run_manage

    env = {
        **PRODUCTION_ENV,
        "DJANGO_SETTINGS_MODULE": "website.settings.serve",
        "SITE_URL": "http://127.0.0.1:8000",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RAA_LOAD_TEST": load_test,
    }
    result = run_manage("shell", "-c", SERVE_SETTINGS, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_the_load_test_limits_never_apply_in_production():
    from website.tests.test_project import PRODUCTION_ENV, run_manage

    result = run_manage("shell", "-c", SERVE_SETTINGS, env={**PRODUCTION_ENV, "RAA_LOAD_TEST": "1"})

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split()[3:5] == ["5", "30/m/ip"]
