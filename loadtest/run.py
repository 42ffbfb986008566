"""``make loadtest``: 50 simulated members against ``make serve`` for 60 s, then the checks.

1. ``make serve`` on a free port (migrate, static files, the demo content with its accounts when
   the database is empty, gunicorn and the task worker), over ``DATABASE_URL`` or, by default,
   its own SQLite file ``loadtest.sqlite3``, with ``RAA_LOAD_TEST=1`` (website.settings.serve:
   the comment and login rate limits raised, for this process only);
2. ``manage.py create_loadtest_members`` (charge-001@exemple.fr ...);
3. locust headless (``loadtest/locustfile.py``): its summary (requests, failures, percentiles);
4. the server stopped, ``manage.py check_loadtest_comments``: each accepted comment stored once.

Exits 1 on any failed request or any lost or duplicated comment. Settings through the
environment: ``LOADTEST_USERS`` (50), ``LOADTEST_DURATION`` (60s), ``WORKERS`` (2).
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
DURATION = os.environ.get("LOADTEST_DURATION", "60s")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, server, log, timeout=900):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"make serve stopped; its output is in {log}")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                if response.status == 200:  # noqa: PLR2004
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(1)
    sys.exit(f"make serve did not answer {url}; its output is in {log}")


def aggregated(prefix):
    """The 'Aggregated' row of locust's statistics CSV."""
    with open(f"{prefix}_stats.csv", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                return row
    return {}


def main():
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'loadtest.sqlite3'}"
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    work = Path(tempfile.mkdtemp(prefix="raa-loadtest-"))
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": database_url,
        "SITE_URL": url,
        "RAA_LOAD_TEST": "1",
    }
    manage_env = {**env, "DJANGO_SETTINGS_MODULE": "website.settings.dev", "DEBUG": "true"}
    log = work / "serve.log"
    print(f"Load test {run}: {USERS} members for {DURATION} against {url} ({engine})", flush=True)
    with open(log, "wb") as output:
        server = subprocess.Popen(  # noqa: S603
            ["make", "--no-print-directory", "serve"],  # noqa: S607
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn and the worker stop with it
        )
    try:
        wait_for(url + "/", server, log)
        subprocess.run(  # noqa: S603
            [PYTHON, "manage.py", "create_loadtest_members", "--count", str(USERS)],
            cwd=ROOT,
            env=manage_env,
            check=True,
        )
        prefix = work / "locust"
        report = work / "comments.json"
        subprocess.run(  # noqa: S603
            [
                *(PYTHON, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py")),
                *("--headless", "--only-summary", "--host", url),
                *("--users", str(USERS), "--spawn-rate", "10", "--run-time", DURATION),
                *("--csv", str(prefix), "--loglevel", "WARNING"),
            ],
            cwd=ROOT,
            env={**env, "LOADTEST_RUN": run, "LOADTEST_REPORT": str(report)},
            check=False,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    totals = aggregated(prefix)
    requests = int(totals.get("Request Count", 0))
    failures = int(totals.get("Failure Count", 0))
    print(
        f"\n{engine}: {requests} requests, {failures} errors, "
        f"{float(totals.get('Requests/s', 0)):.1f} requests/s, "
        f"median {totals.get('50%')} ms, p95 {totals.get('95%')} ms, p99 {totals.get('99%')} ms",
        flush=True,
    )
    check = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "check_loadtest_comments", str(report)],
        cwd=ROOT,
        env=manage_env,
        check=False,
    )
    print(f"Server output: {log}")
    if failures or not requests or check.returncode:
        sys.exit("Load test failed: see the errors above.")
    print("Load test passed: 0 errors, every comment stored exactly once.")


if __name__ == "__main__":
    main()
