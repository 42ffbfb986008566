"""The demo site served by its own process, for the browser tests (Chromium through Playwright).

The server is built once per test session: a fresh SQLite file, ``migrate``, the demo content
with its accounts, then ``runserver`` on a free port with the test settings (DEBUG off, French
error pages, the strict Content-Security-Policy). Browser tests never touch the test database:
they read the site as its users do, so they need no transactional database and no demo content
rebuilt per test.
"""

import email
import email.policy
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DEMO_ACCOUNTS = {
    "coordinator": ("coordination@exemple.fr", "demo-coordination"),
    "referent": ("pessac@exemple.fr", "demo-pessac"),
    "member": ("membre@exemple.fr", "demo-membre"),
}
BUILD_DEMO = """
from io import StringIO
from django.core.management import call_command
from django.test.utils import override_settings
with override_settings(DEBUG=True):  # --with-accounts refuses to run with DEBUG off
    call_command("load_demo_content", "--with-accounts", stdout=StringIO())
"""
CSP_ERRORS = ("Content Security Policy", "Refused to")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # between messages in the file-based backend's files


@dataclass
class DemoServer:
    url: str
    process: subprocess.Popen
    log: Path
    mail: Path  # the server's outgoing emails, one file per connection (file-based backend)
    media: Path  # its MEDIA_ROOT (runserver with DEBUG off does not serve it)
    drop_database: Callable[[], None] | None = None  # a PostgreSQL database of its own

    def emails(self, to=None):
        """The emails the server has sent so far, oldest first (``email.message.EmailMessage``),
        only those addressed to ``to`` if given."""
        messages = []
        for path in sorted(self.mail.glob("*.log"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
            for raw in path.read_bytes().split(MAIL_SEPARATOR):
                if raw.strip():
                    messages.append(email.message_from_bytes(raw, policy=email.policy.default))
        if to is not None:
            messages = [m for m in messages if to in m.get("To", "")]
        return messages

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        if self.drop_database:
            self.drop_database()


def demo_database(folder):
    """``(url, drop)``: where the demo server keeps its data. A SQLite file in ``folder``; when
    the tests run on PostgreSQL (``DATABASE_URL``), a fresh database beside theirs, which
    ``drop()`` removes."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        return f"sqlite:///{folder / 'demo.sqlite3'}", None
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'raa'}_demo_{os.getpid()}"
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))

    def run(sql):
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def start_demo_server(folder):
    """Build the demo database in ``folder`` and serve it; returns a ``DemoServer``."""
    port = free_port()
    database_url, drop_database = demo_database(folder)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.test",
        "DATABASE_URL": database_url,
        "TEST_MEDIA_ROOT": str(folder / "media"),
        "TEST_SITE_URL": f"http://127.0.0.1:{port}",
        "TEST_EMAIL_FILE_PATH": str(folder / "mail"),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )

    try:
        manage("migrate", "--no-input")
        manage("shell", "-c", BUILD_DEMO)
    except subprocess.CalledProcessError:
        if drop_database:
            drop_database()
        raise
    log = folder / "server.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = DemoServer(
        f"http://127.0.0.1:{port}", process, log, folder / "mail", folder / "media", drop_database
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(server.url + "/robots.txt", timeout=2)  # noqa: S310
            return server
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None:
                break
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"The demo server did not start:\n{log.read_text()}")


def log_in(page, server, role):
    """Log ``page``'s browser context in as one of the demo accounts, through the login form."""
    email, password = DEMO_ACCOUNTS[role]
    page.goto(server.url + "/comptes/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


def open_action_plan(page, demo_server):
    """Pessac's edit view, from the "Edit" link of the userbar on its page, at the plan tab."""
    page.goto(demo_server.url + "/structures/pessac/")
    edit_url = page.locator("a[href$='/edit/'][href*='/admin/pages/']").first.get_attribute("href")
    page.goto(urljoin(page.url, edit_url))
    page.get_by_role("tab", name="Plan d'actions").click()


# Stops Wagtail's autosave and waits for the save in flight or pending (its 500 ms debounce), if
# any. An autosave of a new page creates it and points the form at its edit view: one that
# fires just after "Publish" or "Submit" posts the new page a second time, and one of the two is
# refused (the slug is taken); its history.replaceState also ends Playwright's wait for the
# navigation before the real one. CI saw the first; the second, on PostgreSQL.
STOP_AUTOSAVE = """async () => {
    const form = document.querySelector("form[data-edit-form]");
    const autosave = form && window.wagtail?.app?.getControllerForElementAndIdentifier(
        form, "w-autosave"
    );
    if (!autosave) return;
    autosave.activeValue = false;
    while (autosave.submitPromise) await autosave.submitPromise.catch(() => null);
}"""


def click_editor_action(page, name):
    """Clicks the editor's ``name`` button (``action-publish``, ``action-submit``), autosave
    stopped first, and waits for the page it leads to."""
    page.evaluate(STOP_AUTOSAVE)
    # The buttons sit in the save button's menu; the menu's toggle is not what we test.
    with page.expect_navigation():
        page.evaluate(f"document.querySelector('button[name={name}]').click()")


def editor_messages(page):
    """The admin's messages after an action, followed by each field's error if the form came
    back with errors (so that a failed assertion on them says which field)."""
    messages = page.locator(".messages").inner_text().strip()
    return " ".join([messages, *page.locator(".error-message").all_inner_texts()])


def publish(page):
    click_editor_action(page, "action-publish")


def submit_for_moderation(page):
    click_editor_action(page, "action-submit")


def watch_csp(page):
    """A list that fills with the page's Content-Security-Policy violations."""
    errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and any(marker in message.text for marker in CSP_ERRORS)
            and errors.append(message.text)
        ),
    )
    return errors


def axe_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


def overflow(page):
    return max(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"), 0)
