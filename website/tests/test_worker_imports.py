"""What every web worker loads (issue 14: a worker under 200 MB at the large size).

Libraries only some requests or some deployments need are imported by those, not by every
worker: redis-py when ``REDIS_URL`` names a server (~5 MB), icalendar when a calendar file is
written (~3 MB), of the stemmers the French one only (PyStemmer; the pure-Python
snowballstemmer would load 30 languages, ~2 MB), and the PostgreSQL driver only on PostgreSQL
(~9 MB).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A worker on the embedded defaults once it has answered: the settings of `make serve`, the
# URLs loaded, both caches opened, a search word stemmed.
SCRIPT = """
import json, sys
import django
django.setup()
from django.core.cache import caches
from django.urls import get_resolver
get_resolver().url_patterns
caches["default"].get("x")
caches["pages"].get("x")
from search.text import stem
stem("achats")
print(json.dumps(sorted(name for name, module in sys.modules.items() if module)))
"""


def worker_modules(**environment):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "website.settings.serve",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-for-django-checks",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1:8000",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "",
        **environment,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(result.stdout.splitlines()[-1]))


def test_a_worker_on_the_defaults_loads_neither_redis_nor_icalendar_nor_other_stemmers():
    modules = worker_modules()

    assert "redis" not in modules
    assert "psycopg" not in modules
    assert "rest_framework" in modules  # what imported it before
    assert "icalendar" not in modules
    assert "search.text" in modules  # the check below means something
    assert not [name for name in modules if name.startswith("snowballstemmer.")]


def test_a_worker_with_redis_loads_redis():
    # Only the settings name the backend: nothing connects while the worker starts.
    modules = worker_modules(REDIS_URL="redis://127.0.0.1:6379/0")

    assert "redis" in modules


def test_a_worker_on_postgresql_loads_its_driver():
    # The settings only: nothing connects while the worker starts.
    modules = worker_modules(DATABASE_URL="postgresql://postgres@127.0.0.1:5432/unused")

    assert "psycopg" in modules
