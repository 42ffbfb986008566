"""Shared fixtures: the demo site, users, clients, and Chromium for browser tests.

Expensive things are built once: the demo content once per test module (``demo_tree``, inside
a transaction rolled back after the module), the demo server for browser tests once per
session (``demo_server``). Everything else comes from factories.
"""

import os
import shutil

# Playwright's sync API keeps an event loop running in the main thread; without this every
# database access made after a browser test raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in getattr(item, "fixturenames", ())
    )


# What depends on the database engine: migrations, constraints, searching, filtering and
# counting, dates, query counts. CI runs these on PostgreSQL too (`-m db_sensitive`); every
# test runs on SQLite.
DB_SENSITIVE_MODULES = {
    "blog/tests/test_blog.py",
    "core/tests/test_backups.py",
    "follows/tests/test_digests.py",
    "follows/tests/test_follows.py",
    "knowledge/tests/test_dashboard.py",
    "knowledge/tests/test_directory.py",
    "knowledge/tests/test_handouts.py",
    "knowledge/tests/test_lessons.py",
    "knowledge/tests/test_migrations.py",
    "knowledge/tests/test_models.py",
    "knowledge/tests/test_questionnaire.py",
    "knowledge/tests/test_resources.py",
    "knowledge/tests/test_search.py",
    "members/tests/test_directory.py",
    "members/tests/test_invitations.py",
    "members/tests/test_models.py",
    "core/tests/test_visibility_scale.py",
    "search/tests/test_database_backend.py",
    "search/tests/test_indexing.py",
    "search/tests/test_search_demo.py",
    "website/tests/test_agenda.py",
    "website/tests/test_faults.py",
    "website/tests/test_journeys.py",
    "website/tests/test_query_counts.py",
    "website/tests/test_concurrent_edits.py",
    "website/tests/test_trash.py",
}
DB_SENSITIVE_WORDS = ("queries", "query_count", "migration", "constraint", "concurrent")


def is_db_sensitive(item):
    module = item.nodeid.split("::")[0]
    return module in DB_SENSITIVE_MODULES or any(w in item.name for w in DB_SENSITIVE_WORDS)


def pytest_itemcollected(item):
    # As each test is collected, so that `-m db_sensitive` sees the marker.
    if is_db_sensitive(item):
        item.add_marker(pytest.mark.db_sensitive)


UNGROUPED = {}  # node id: the message its test fails with (see check_xdist_groups)


def check_xdist_groups(config, items):
    """Under ``--dist loadgroup`` (``make test``), the tests of one ``xdist_group`` (the browser
    tests, the backups' drill) run on one worker, so that what they build once (the demo server,
    the drill's archive) is built once, not on every worker. pytest-xdist marks them by adding
    ``@group`` to their node id, which pytest 9.2 ignores: such tests then fail, saying why,
    rather than let every worker build the demo server and the drill again."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            UNGROUPED[item.nodeid] = (
                "pytest-xdist did not keep this xdist_group test with its group: keep pytest "
                "and pytest-xdist at the versions of requirements-dev.txt."
            )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Tests on the demo content after the others, module by module, so that each module
    # builds it once and no test meant for an empty site runs beside it; then the tests that
    # flush the database; browser tests last (Playwright's event loop then stays out of the
    # database tests' way).
    items.sort(
        key=lambda item: (
            "browser" in item.keywords,
            is_transactional(item),
            "demo_tree" in item.fixturenames,
        )
    )
    check_xdist_groups(config, items)
    if HAS_CHROMIUM:
        return
    if IN_CI and any("browser" in item.keywords for item in items):
        raise pytest.UsageError(f"CI=true but Chromium is not installed ({CHROMIUM}).")
    skip = pytest.mark.skip(reason=f"Chromium is not installed ({CHROMIUM}): browser test skipped")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """The demo site with its accounts, served by its own process (browser tests)."""
    from website.tests.browser import start_demo_server

    server = start_demo_server(tmp_path_factory.mktemp("demo-server"))
    yield server
    server.stop()


# The demo content, built once per test process: its modules run one after the other (see
# ``pytest_collection_modifyitems``), inside one transaction opened by the first of them and
# rolled back before the first test that does not ask for it, or at the end.
_DEMO = {}


def _close_demo(blocker):
    atomic = _DEMO.pop("atomic", None)
    _DEMO.pop("home", None)
    if atomic is None:
        return
    from django.core.cache import cache
    from django.db import transaction

    with blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
        cache.clear()  # Wagtail caches the site's root paths


@pytest.fixture(scope="session")
def _demo_content(django_db_setup, django_db_blocker):
    """Closes the demo's transaction before the test database goes."""
    yield _DEMO
    _close_demo(django_db_blocker)


@pytest.fixture(scope="module")
def demo_tree(_demo_content, django_db_blocker):
    """The page tree and accounts ``load_demo_content --with-accounts`` builds, made once per
    test process inside a transaction that is never committed (each test rolls back its own
    changes, as usual). Returns the home page."""
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock():
        if "home" not in _DEMO:
            _DEMO["atomic"] = atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with override_settings(DEBUG=True):  # --with-accounts refuses with DEBUG off
                    call_command("load_demo_content", "--with-accounts", stdout=StringIO())
                from website.models import HomePage

                _DEMO["home"] = HomePage.objects.get()
            except BaseException:
                _close_demo(django_db_blocker)
                raise
        cache.clear()  # each module starts from the same state
        yield _DEMO["home"]


@pytest.fixture(autouse=True)
def _demo_test_rolls_back(request):
    """A demo test without the ``db`` fixture (it reads through ``demo_tree``'s access) still
    leaves the demo as it found it for the modules after it."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if "demo_tree" not in request.fixturenames or uses_db:
        yield
        return
    from django.db import transaction

    request.getfixturevalue("demo_tree")
    with request.getfixturevalue("django_db_blocker").unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.nodeid in UNGROUPED:
        pytest.fail(UNGROUPED[item.nodeid], pytrace=False)
    if "atomic" in _DEMO and "demo_tree" not in item.fixturenames:
        from pytest_django.plugin import blocking_manager_key

        _close_demo(item.config.stash[blocking_manager_key])


@pytest.fixture(autouse=True)
def _no_search_changes_from_earlier_tests():
    """Pages queued for the search index by an earlier test whose transaction rolled back (its
    on-commit callbacks never ran) are not this test's: start with none pending."""
    from search import signals

    signals._pending().pages.clear()
    signals._pending().subtrees.clear()


@pytest.fixture
def commit(db):
    """``commit()`` runs what waits for the transaction to commit (the search index's updates,
    queued emails...), as a real commit would: a test's transaction never commits."""
    from django.db import connection

    def run():
        while connection.run_on_commit:
            callbacks, connection.run_on_commit = connection.run_on_commit, []
            for _savepoints, callback, _robust in callbacks:
                callback()

    return run


@pytest.fixture
def home_page(db):
    """A bare home page as the default site's root."""
    from website.tests.factories import HomePageFactory, make_site_root

    home = HomePageFactory()
    make_site_root(home)
    return home


@pytest.fixture
def user(db):
    from members.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def member(db):
    """An approved network member."""
    from members.models import User
    from members.tests.factories import UserFactory

    return UserFactory(status=User.Status.APPROVED)


@pytest.fixture
def pending_user(db):
    """A signed-up account a coordinator has not approved yet."""
    from members.models import User
    from members.tests.factories import UserFactory

    return UserFactory(status=User.Status.PENDING)


@pytest.fixture
def coordinator(db):
    """An approved account in the coordinators' group."""
    from django.contrib.auth.models import Group

    from members.models import User
    from members.tests.factories import UserFactory

    user = UserFactory(status=User.Status.APPROVED)
    user.groups.add(Group.objects.get(name="Coordination"))
    return user


@pytest.fixture
def blog(home_page):
    """The blog index at /blog/."""
    from blog.tests.factories import BlogIndexPageFactory

    return BlogIndexPageFactory(parent=home_page)


@pytest.fixture
def pessac(home_page):
    """The structures directory with one structure, Pessac, at /structures/pessac/."""
    from knowledge.tests.factories import StructureIndexPageFactory, StructurePageFactory

    directory = StructureIndexPageFactory(parent=home_page)
    return StructurePageFactory(parent=directory, title="Pessac", slug="pessac")


@pytest.fixture
def lessons(home_page):
    """The lessons learned index at /enseignements/."""
    from knowledge.models import LessonIndexPage

    return home_page.add_child(
        instance=LessonIndexPage(title="Enseignements", slug="enseignements")
    )


@pytest.fixture
def fragment_cache(settings, monkeypatch):
    """The fragment cache and what processes remember on (both off in tests), empty before and
    after the test; kept inside the test's transaction, as a server keeps them between
    requests."""
    from django.core.cache import caches

    from core import site_cache

    settings.RAA_FRAGMENT_CACHE = True
    monkeypatch.setattr(site_cache, "in_transaction", lambda: False)
    for alias in ("default", "pages"):
        caches[alias].clear()
    site_cache.forget_all()
    yield
    for alias in ("default", "pages"):
        caches[alias].clear()
    site_cache.forget_all()
