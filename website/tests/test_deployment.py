"""How the site runs: the embedded SQLite default under several writers, production settings."""

import json
import os
import subprocess
import sys
import threading

from django.conf import settings
from django.db.utils import ConnectionHandler

from website.settings import base as base_settings
from website.settings.base import database
from website.tests.test_project import PRODUCTION_ENV, ROOT


def test_sqlite_urls_get_wal_a_busy_timeout_and_immediate_transactions():
    options = database("sqlite:////tmp/raa-elsewhere.sqlite3")["OPTIONS"]

    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
    assert "OPTIONS" not in database("postgres://raa@db.exemple.fr:5432/raa") or (
        "transaction_mode" not in database("postgres://raa@db.exemple.fr:5432/raa")["OPTIONS"]
    )


def write_in_transaction(connection, value, holding=None, hold_until=None):
    """Read then write in one transaction, as a publish does; optionally keep the write lock
    until ``hold_until`` is set, telling ``holding`` once it has it."""
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM revision")
        cursor.execute("INSERT INTO revision (value) VALUES (%s)", [value])
        if holding is not None:
            holding.set()
            hold_until.wait(timeout=10)
    connection.commit()
    connection.set_autocommit(True)


def test_two_concurrent_sqlite_writers_wait_for_each_other_instead_of_failing(
    tmp_path, django_db_blocker
):
    """An editor publishing while another page's autosave writes: the second writer waits."""
    with django_db_blocker.unblock():
        run_two_writers(tmp_path)


def run_two_writers(tmp_path):
    config = database(f"sqlite:///{tmp_path / 'site.sqlite3'}")
    handler = ConnectionHandler({"default": config, "autosave": config, "publish": config})
    setup = handler["default"]
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE revision (id integer primary key, value text)")
    setup.close()

    holding, release, errors = threading.Event(), threading.Event(), []

    def autosave():
        connection = handler["autosave"]
        try:
            write_in_transaction(connection, "autosave", holding, release)
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
        finally:
            connection.close()

    def publish():
        connection = handler["publish"]
        try:
            holding.wait(timeout=10)
            # The autosave keeps its lock a moment after this writer starts waiting.
            threading.Timer(0.3, release.set).start()
            write_in_transaction(connection, "publish")
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
            release.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=autosave), threading.Thread(target=publish)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    check = handler["default"]
    with check.cursor() as cursor:
        cursor.execute("SELECT value FROM revision ORDER BY id")
        assert [row[0] for row in cursor.fetchall()] == ["autosave", "publish"]
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
    check.close()


def production_settings(**env):
    """Some settings as ``website.settings.production`` computes them in a fresh process."""
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'preload': s.SECURE_HSTS_PRELOAD, 'silenced': s.SILENCED_SYSTEM_CHECKS,"
        " 'tasks': s.TASKS['default']['BACKEND'], 'email': s.EMAIL_BACKEND,"
        " 'delivery': s.RAA_EMAIL_DELIVERY_BACKEND, 'site_url': s.SITE_URL,"
        " 'admin_url': s.WAGTAILADMIN_BASE_URL,"
        " 'db_options': s.DATABASES['default'].get('OPTIONS', {}),"
        " 'keep': s.DATABASES['default']['CONN_MAX_AGE']}))"
    )
    result = run_python(code, env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def run_python(code, env):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_reads_site_url_and_database_url_from_the_environment():
    values = production_settings(
        SITE_URL="https://raa.exemple.fr/", DATABASE_URL="sqlite:////tmp/raa-prod.sqlite3"
    )

    assert values["site_url"] == values["admin_url"] == "https://raa.exemple.fr"
    assert values["db_options"]["transaction_mode"] == "IMMEDIATE"


def test_production_keeps_database_connections_between_requests_unless_told():
    # a new connection per request cost ~5 ms of CPU on every page (make bench)
    assert production_settings()["keep"] == 600  # noqa: PLR2004
    assert production_settings(CONN_MAX_AGE="0")["keep"] == 0


def test_production_hsts_preload_is_opt_in():
    assert production_settings()["preload"] is False
    assert production_settings(SECURE_HSTS_PRELOAD="true")["preload"] is True


def test_production_queues_every_email_as_a_task_in_the_database():
    values = production_settings(EMAIL_URL="smtp+tls://robot:secret@smtp.exemple.fr:587")

    assert values["tasks"] == "django_tasks_db.DatabaseBackend"
    assert values["email"] == "core.mail.QueuedEmailBackend"
    assert values["delivery"] == "django.core.mail.backends.smtp.EmailBackend"


def test_make_run_and_the_tests_run_tasks_immediately():
    immediate = "django_tasks.backends.immediate.ImmediateBackend"

    assert base_settings.TASKS["default"]["BACKEND"] == immediate  # dev takes base's
    assert settings.TASKS["default"]["BACKEND"] == immediate
