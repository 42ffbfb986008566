"""The site under faults: database unreachable, Redis down, disk full while saving a file.

The database is made unreachable in two real ways: a gunicorn process pointed at a closed port
(or at a SQLite file it cannot open), and one pointed at PostgreSQL through a TCP relay the test
cuts and restores, which shows the site coming back by itself with persistent connections.
"""

import errno
import logging
import os
import selectors
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from html import unescape
from http import HTTPStatus
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings
from wagtail.documents import get_document_model
from wagtail.models import Collection

from blog.models import BlogComment
from blog.tests.factories import BlogPostPageFactory
from core.storage import MediaStorage
from knowledge.demo_resources import pdf_bytes
from website.tests.browser import ROOT, free_port

DOWN_TITLE = "Site momentanément indisponible"
FULL_TITLE = "Le fichier n'a pas pu être enregistré"


def closed_port():
    """A local port nobody listens on."""
    return free_port()


# The database is unreachable ------------------------------------------------------------------


@pytest.fixture
def database_down():
    """Every new connection or cursor fails as it does when PostgreSQL is stopped."""
    error = OperationalError('connection to server at "127.0.0.1", port 5432 failed')
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=error):
        yield


@pytest.mark.django_db
def test_a_page_answers_a_french_503_when_the_database_is_unreachable(home_page, database_down):
    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    page = unescape(response.content.decode())
    assert DOWN_TITLE in page
    assert "Traceback" not in page
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_member_gets_the_503_page_too(home_page, member):
    client = Client(raise_request_exception=False)
    client.force_login(member)
    error = OperationalError("server closed the connection unexpectedly")
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", side_effect=error):
        response = client.get("/")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert DOWN_TITLE in unescape(response.content.decode())


@pytest.mark.django_db
def test_any_other_error_keeps_the_500_page(home_page):
    with mock.patch.object(type(home_page), "get_context", side_effect=RuntimeError("bug")):
        response = Client(raise_request_exception=False).get("/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Une erreur est survenue" in unescape(response.content.decode())


class Server:
    """``gunicorn website.wsgi`` with the test settings and ``env``, on a free port."""

    def __init__(self, tmp_path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "website.settings.test",
            "TEST_MEDIA_ROOT": str(tmp_path / "media"),
            "TEST_SITE_URL": self.url,
            **env,
        }
        environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.log = open(tmp_path / f"gunicorn-{self.port}.log", "w+b")  # noqa: SIM115
        gunicorn = [sys.executable, "-m", "gunicorn", "website.wsgi:application"]
        self.process = subprocess.Popen(  # noqa: S603
            [
                *gunicorn,
                "--workers",
                "1",
                "--no-control-socket",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait()

    def wait(self):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{self.output()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not start:\n{self.output()}")

    def get(self, path="/"):
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:  # noqa: S310
                return response.status, unescape(response.read().decode())
        except urllib.error.HTTPError as error:
            return error.code, unescape(error.read().decode())

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


@pytest.fixture
def server(tmp_path):
    started = []

    def start(**env):
        started.append(Server(tmp_path, **env))
        return started[-1]

    yield start
    for each in started:
        each.stop()


def test_gunicorn_answers_503_in_french_when_postgresql_is_not_there(server):
    site = server(DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/raa")

    status, page = site.get("/")

    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert DOWN_TITLE in page
    assert "Traceback" not in page
    assert "OperationalError" in site.output()  # logged for the operators, not shown


def test_gunicorn_answers_503_in_french_when_the_sqlite_file_cannot_be_opened(server, tmp_path):
    site = server(DATABASE_URL=f"sqlite:///{tmp_path / 'gone' / 'db.sqlite3'}")

    status, page = site.get("/")

    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert DOWN_TITLE in page


class Relay:
    """A TCP relay from a local port to ``target``, that the test cuts and restores: cutting it
    closes the open connections and stops listening, as a stopped PostgreSQL does."""

    def __init__(self, target):
        self.target = target
        self.port = free_port()
        self.listener = None
        self.thread = None
        self.sockets = []
        self.lock = threading.Lock()

    def start(self):
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ)
        peers = {}
        while self.running:
            for key, _mask in selector.select(timeout=0.1):
                if key.fileobj is self.listener:
                    client, _address = self.listener.accept()
                    upstream = socket.create_connection(self.target)
                    with self.lock:
                        self.sockets += [client, upstream]
                    peers[client], peers[upstream] = upstream, client
                    selector.register(client, selectors.EVENT_READ)
                    selector.register(upstream, selectors.EVENT_READ)
                    continue
                try:
                    data = key.fileobj.recv(65536)
                except OSError:
                    data = b""
                other = peers.get(key.fileobj)
                if not data or other is None:
                    for each in (key.fileobj, other):
                        if each is not None and each.fileno() != -1:
                            selector.unregister(each)
                            each.close()
                    continue
                other.sendall(data)
        selector.close()

    def cut(self):
        self.running = False
        self.thread.join(timeout=5)
        self.listener.close()
        with self.lock:
            for each in self.sockets:
                each.close()
            self.sockets = []


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs the PostgreSQL test database (DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_site_comes_back_by_itself_when_postgresql_returns(server, home_page):
    database = connection.settings_dict
    relay = Relay((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    url = f"postgres://{database['USER']}@127.0.0.1:{relay.port}/{database['NAME']}"
    # Persistent connections, checked before each request (CONN_HEALTH_CHECKS).
    site = server(DATABASE_URL=url, CONN_MAX_AGE="600", DATABASE_CONNECT_TIMEOUT="2")

    assert site.get("/")[0] == HTTPStatus.SERVICE_UNAVAILABLE  # PostgreSQL not there yet
    relay.start()
    assert site.get("/")[0] == HTTPStatus.OK
    assert site.get("/")[0] == HTTPStatus.OK  # the kept connection
    relay.cut()  # PostgreSQL stops: the kept connection is dead
    status, page = site.get("/")
    assert status == HTTPStatus.SERVICE_UNAVAILABLE
    assert DOWN_TITLE in page
    relay.start()  # PostgreSQL is back: no restart of the site
    assert site.get("/")[0] == HTTPStatus.OK
    relay.cut()  # PostgreSQL restarts between two requests: the kept connection is dead,
    relay.start()  # the health check replaces it before the page is served
    assert site.get("/")[0] == HTTPStatus.OK
    relay.cut()


# Redis is down --------------------------------------------------------------------------------


@pytest.fixture
def redis_down():
    """The default cache is Redis at a closed port."""
    redis = {
        "default": {
            "BACKEND": "core.redis_cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with override_settings(CACHES=redis):  # Django's signal resets the cache connections
        yield caches["default"]


@pytest.mark.django_db
def test_pages_are_served_when_redis_is_down_and_the_failure_is_logged(
    home_page, redis_down, caplog
):
    from core import redis_cache as resilient

    resilient.ResilientRedisCache._last_warning = 0.0  # noqa: SLF001
    with caplog.at_level(logging.WARNING, logger="core.redis_cache"):
        response = Client().get("/")

    assert response.status_code == HTTPStatus.OK
    assert "Redis cache unreachable" in caplog.text


def test_the_cache_answers_as_an_empty_cache_when_redis_is_down(redis_down):
    cache = redis_down
    assert cache.get("key") is None
    assert cache.get("key", "default") == "default"
    assert cache.add("key", 1) is False
    assert cache.set("key", 1) is None
    assert cache.incr("counter") == 1
    assert cache.get_many(["a", "b"]) == {}
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.get_or_set("key", "computed") == "computed"
    assert cache.delete("key") is False
    assert cache.has_key("key") is False


@pytest.mark.django_db
def test_a_member_comments_when_redis_is_down(blog, member, redis_down):
    post = BlogPostPageFactory(parent=blog, title="Un article", slug="un-article")
    client = Client()
    client.force_login(member)

    response = client.post(f"/commentaires/article/{post.pk}/", {"comment": "Malgré Redis."})

    assert response.status_code == HTTPStatus.FOUND
    assert BlogComment.objects.filter(comment="Malgré Redis.").count() == 1


def redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_the_resilient_cache_stores_values_when_redis_is_up():
    from core.redis_cache import ResilientRedisCache

    cache = ResilientRedisCache("redis://127.0.0.1:6379/14", {"KEY_PREFIX": "raa-faults-test"})
    cache.delete_many(["key", "count"])
    cache.set("key", "value", 30)
    cache.set("count", 1, 30)

    assert cache.get("key") == "value"
    assert cache.incr("count") == 2  # noqa: PLR2004
    cache.delete_many(["key", "count"])


# The disk is full -----------------------------------------------------------------------------


class FullDisk:
    """A file opened on a full disk: the first write lands half, then ENOSPC."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def close(self):
        self.real.close()


def full_disk_writes():
    """Files that Django's storage opens for writing are on a full disk."""
    real_fdopen = os.fdopen
    return mock.patch(
        "django.core.files.storage.filesystem.os.fdopen",
        side_effect=lambda fd, *args, **kwargs: FullDisk(real_fdopen(fd, *args, **kwargs)),
    )


@pytest.fixture
def full_disk():
    with full_disk_writes():
        yield


def files_under(folder):
    return {os.path.join(d, f) for d, _dirs, files in os.walk(folder) for f in files}


@pytest.mark.parametrize("name", ["documents/rapport.pdf", "images/photo.jpg"])
def test_a_save_on_a_full_disk_keeps_no_half_file(tmp_path, full_disk, name):
    storage = MediaStorage(location=tmp_path / "media")
    with (
        override_settings(DOCUMENTS_ROOT=tmp_path / "documents"),
        pytest.raises(OSError, match="No space left") as raised,
    ):
        storage.save(name, ContentFile(b"%PDF-" + b"x" * 10_000))

    assert raised.value.errno == errno.ENOSPC
    assert files_under(tmp_path) == set()


def test_a_saved_file_gets_its_name_or_a_free_one_and_no_temporary_file(tmp_path):
    storage = MediaStorage(location=tmp_path / "media")
    with override_settings(DOCUMENTS_ROOT=tmp_path / "documents"):
        first = storage.save("documents/rapport.pdf", ContentFile(b"one"))
        second = storage.save("documents/rapport.pdf", ContentFile(b"two"))
        image = storage.save("images/photo.jpg", ContentFile(b"jpg"))

        assert first == "documents/rapport.pdf"
        assert second.startswith("documents/rapport_") and second != first
        assert storage.open(first).read() == b"one"
        assert storage.open(second).read() == b"two"
        assert image == "images/photo.jpg"
        assert files_under(tmp_path) == {
            str(tmp_path / "documents" / first),
            str(tmp_path / "documents" / second),
            str(tmp_path / "media" / image),
        }


@pytest.mark.django_db
def test_a_document_upload_on_a_full_disk_answers_in_french_and_keeps_nothing(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    before = files_under(settings.DOCUMENTS_ROOT)

    with full_disk_writes():
        response = client.post(
            "/admin/documents/add/",
            {
                "title": "Rapport",
                "file": SimpleUploadedFile("rapport.pdf", pdf_bytes("rapport") * 50),
                "collection": Collection.get_first_root_node().pk,
            },
        )

    assert response.status_code == HTTPStatus.INSUFFICIENT_STORAGE
    page = unescape(response.content.decode())
    assert FULL_TITLE in page
    assert "rien n'a été enregistré" in page
    assert get_document_model().objects.count() == 0
    assert files_under(settings.DOCUMENTS_ROOT) == before


def test_files_are_saved_on_a_file_system_without_hard_links(tmp_path):
    storage = MediaStorage(location=tmp_path / "media")
    no_links = OSError(errno.EPERM, "Operation not permitted")
    with mock.patch("core.storage.os.link", side_effect=no_links):
        first = storage.save("images/photo.jpg", ContentFile(b"one"))
        second = storage.save("images/photo.jpg", ContentFile(b"two"))

    assert first == "images/photo.jpg"
    assert second != first
    assert storage.open(first).read() == b"one"
    assert storage.open(second).read() == b"two"
    assert len(files_under(tmp_path)) == 2  # noqa: PLR2004
