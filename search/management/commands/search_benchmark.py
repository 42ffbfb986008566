"""``manage.py search_benchmark --entries 12000``: the database backend's search speed at size.

For benchmarks only, on a scratch database (it refuses one holding pages): fills the index with
synthetic French entries (sentences of the demo content, shuffled; about 1,500 words each) and
times a few searches with the stem index and without it (scanning the term columns, as before
migration 0002), printing p50 and p95 per search in milliseconds.

``manage.py search_benchmark --content`` times the index already built instead (after
``generate_content --scale 50``, say), as an anonymous visitor and as a network member would
search (their ``Audience``, members-only subtrees excluded for the visitor): per search, p50
and p95 of the wall time and of this process's CPU time (SQLite runs in the process; a
PostgreSQL server on this machine adds the CPU time of the session's server process, read
from ``/proc``: a mean per search, its clock being too coarse for percentiles), and the number
of queries. Nothing is written.
"""

import ast
import datetime
import gc
import os
import pathlib
import random
import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Page

from core.roles import MEMBERS_GROUP
from core.searchable import FacetTag, IndexEntry
from search.backends.database import DatabaseBackend
from search.models import SearchDocument
from search.privacy import Audience, audience_for
from search.results import parse_query

SOURCES = (
    "blog/demo.py",
    "knowledge/demo_experience.py",
    "knowledge/demo_handouts.py",
    "knowledge/demo_lessons.py",
    "knowledge/demo_resources.py",
    "knowledge/demo_questionnaire.py",
    "website/demo.py",
)
TOPICS = 40
RARE = "zéolithes"  # in a handful of entries only
THEMES = [FacetTag(f"theme-{n}", f"Thème {n}") for n in range(12)]
STRUCTURES = [FacetTag(f"structure-{n}", f"Structure {n}") for n in range(60)]
KINDS = ["post"] * 10 + ["lesson"] * 2 + ["structure", "section", "resource"]
VISITOR = Audience(excluded_paths=("00010099",), sees_members_only=False)
SEARCHES = (
    ("common word", "achat", {}),
    ("rare word", RARE, {}),
    ("two words", "clauses sociales", {}),
    ("phrase", '"économie circulaire"', {}),
    ("word, facets", "marché", {"kind": ["post"], "theme": ["theme-3"]}),
)
CONTENT_SEARCHES = (
    ("common word", "achat", {}),
    ("rare word", "RGAA", {}),
    ("two words", "clauses sociales", {}),
    ("phrase", '"économie circulaire"', {}),
    ("word, filter", "marché", {"kind": ["post"]}),
    ("misspelt", "restauartion", {}),
    ("page 3", "achat", {"page": 3}),
)


def sentences():
    found = set()
    for name in SOURCES:
        tree = ast.parse((pathlib.Path(settings.BASE_DIR) / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for part in node.value.replace("\n", " ").split(". "):
                    if len(part.split()) >= 5:
                        found.add(part.strip().rstrip(".") + ".")
    return sorted(found)


def entries(count, words_per_entry, seed=1):
    rng = random.Random(seed)  # noqa: S311 - reproducible text, not secrets
    pool = sentences()
    # Each entry is about two of TOPICS subjects (a tenth of its sentences from anywhere), so
    # that a common word is in a share of the entries, not in all of them.
    shuffled = rng.sample(pool, len(pool))
    topics = [shuffled[n::TOPICS] for n in range(TOPICS)]
    for n in range(count):
        body, size = [], 0
        subjects = topics[n % TOPICS] + topics[(n * 7 + 3) % TOPICS]
        while size < words_per_entry:
            sentence = rng.choice(pool if rng.random() < 0.1 else subjects)
            body.append(sentence)
            size += len(sentence.split())
        if n % 2500 == 7:
            body.insert(rng.randrange(len(body)), f"Les {RARE} filtrent l'eau.")
        yield IndexEntry(
            key=f"bench:{n}",
            page_id=n + 1,
            path=f"0001{n % 100:04d}{n:06d}",
            kind=KINDS[n % len(KINDS)],
            title=" ".join(rng.choice(pool).split()[:8]).rstrip(".,"),
            url=f"/bench/{n}/",
            summary=rng.choice(pool),
            body=" ".join(body),
            date=datetime.date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
            structure=STRUCTURES[n % len(STRUCTURES)],
            facets={"theme": [THEMES[n % len(THEMES)], THEMES[(n * 7) % len(THEMES)]]},
            members_only=n % 17 == 0,
        )


class Command(BaseCommand):
    help = (
        "Time the database search backend on synthetic entries, with its index and scanning "
        "(scratch database only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, default=12000)
        parser.add_argument("--words", type=int, default=1500)
        parser.add_argument("--runs", type=int, default=30)
        parser.add_argument(
            "--content",
            action="store_true",
            help="Time searches on the index as it is (a generated database), writing nothing.",
        )
        parser.add_argument(
            "--keep", action="store_true", help="Reuse the index already built by a previous run."
        )

    def handle(self, *args, **options):
        if options["content"]:
            self.time_content(DatabaseBackend({}), options["runs"])
            return
        # Migrations leave a root and a welcome page; real content goes deeper.
        if Page.objects.filter(depth__gt=2).exists():
            raise CommandError("This database holds pages: run the benchmark on a scratch one.")
        backend = DatabaseBackend({})
        if not (options["keep"] and SearchDocument.objects.filter(key__startswith="bench:")):
            started = time.perf_counter()
            backend.rebuild(entries(options["entries"], options["words"]), options["entries"])
            self.stderr.write(f"indexed in {time.perf_counter() - started:.0f} s")
        self.stdout.write(
            f"{connection.vendor}, {SearchDocument.objects.count()} entries, "
            f"{options['runs']} runs each"
        )
        backends = {"index": backend, "scan": DatabaseBackend({"INDEX": False})}
        for label, text, filters in SEARCHES:
            query = parse_query(text, filters)
            line = f"{label:<13} {text!r:<24}"
            for name, searcher in backends.items():
                times = []
                for _ in range(options["runs"]):
                    started = time.perf_counter()
                    response = searcher.search(query, VISITOR)
                    times.append((time.perf_counter() - started) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
                line += (
                    f" | {name}: {response.total:>5} found, p50 {statistics.median(times):5.0f} ms,"
                    f" p95 {p95:5.0f} ms"
                )
            self.stdout.write(line)

    def time_content(self, backend, runs, audiences=None):
        if audiences is None:
            audiences = readers()
        self.stdout.write(
            f"{connection.vendor}, {SearchDocument.objects.count()} entries, {runs} runs each "
            f"(visitor: {len(audiences['visitor'].excluded_paths)} subtrees excluded)"
        )
        self.stdout.write(
            f"{'search':<13} {'query':<24} {'reader':<8} {'found':>6} {'queries':>7} "
            f"{'wall p50':>8} {'wall p95':>8} {'cpu p50':>8} {'cpu p95':>8} {'server':>6}"
        )
        for label, raw, filters in CONTENT_SEARCHES:
            filters = dict(filters)
            page = filters.pop("page", 1)
            query = parse_query(raw, filters, page=page)
            for reader, audience in audiences.items():
                with CaptureQueriesContext(connection) as queries:
                    backend.search(query, audience)  # counted, and warms the caches
                walls, cpus = [], []
                server = server_cpu()
                # As in production: DEBUG on records every query with its parameters (a
                # thousand excluded subtrees make that costly).
                gc.collect()  # not the previous search's garbage
                with override_settings(DEBUG=False):
                    for _ in range(runs):
                        started, cpu = time.perf_counter(), time.process_time()
                        response = backend.search(query, audience)
                        cpus.append((time.process_time() - cpu) * 1000)
                        walls.append((time.perf_counter() - started) * 1000)
                server = server_cpu() - server if server is not None else None
                self.stdout.write(
                    f"{label:<13} {raw!r:<24} {reader:<8} {response.total:>6} {len(queries):>7} "
                    f"{percentile(walls, 50):8.0f} {percentile(walls, 95):8.0f} "
                    f"{percentile(cpus, 50):8.0f} {percentile(cpus, 95):8.0f} "
                    + (f"{server / runs:6.0f}" if server is not None else f"{'-':>6}")
                )


def readers():
    """``{name: Audience}``: an anonymous visitor and, if there is one, a network member."""
    member = (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, groups__name=MEMBERS_GROUP)
        .first()
    )
    audiences = {"visitor": audience_for(AnonymousUser())}
    if member is not None:
        audiences["member"] = audience_for(member)
    return audiences


def percentile(times, share):
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, max(0, round(share / 100 * len(ordered)) - 1))]


def server_cpu():
    """The CPU milliseconds used so far by this session's PostgreSQL server process, or None
    (another engine, or a server elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime, the 14th and 15th fields (11th and 12th after the command's name).
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
