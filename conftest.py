"""Shared fixtures: the demo page tree, users, clients, and Chromium for browser tests."""

import os
import shutil

# Playwright's sync API keeps an event loop running in the main thread; without this every
# database access in a browser test raises SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAS_CHROMIUM = os.path.exists(CHROMIUM)


def is_transactional(item):
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or "live_server" in fixtures
        or "transactional_db" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Transactional tests flush the database: they run last. pytest-django sorts them so, but
    # pytest's own grouping of session-parametrised fixtures (Playwright's browser) runs after
    # it and can pull other tests behind them. Sort again, stably, once everyone is done.
    items.sort(key=is_transactional)
    if HAS_CHROMIUM:
        return
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


@pytest.fixture(scope="session", autouse=True)
def _playwright_before_database(request):
    """Start Playwright before pytest-django creates the test database.

    Started later, the ORM gets another connection wrapper in browser tests and
    ``serialized_rollback`` restores nothing (see ../shared/TOOLCHAIN.md).
    """
    has_browser_tests = any("browser" in item.keywords for item in request.session.items)
    if HAS_CHROMIUM and has_browser_tests:
        request.getfixturevalue("playwright")


@pytest.fixture
def demo_tree(db):
    """The page tree that ``load_demo_content`` builds, without its accounts."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo_content", stdout=StringIO())
    from website.models import HomePage

    return HomePage.objects.get()


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
