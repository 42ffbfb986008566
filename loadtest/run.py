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

import json
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
from collections import Counter
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


def percentile(times, fraction):
    """The response time (ms) under which ``fraction`` of the requests in ``times`` fell."""
    total, seen = sum(times.values()), 0
    for ms in sorted(times):
        seen += times[ms]
        if seen >= fraction * total:
            return round(ms)
    return 0


def summary(path):
    """Print one line per request kind from locust's final JSON; return the totals."""
    with open(path, encoding="utf-8") as source:
        entries = sorted(json.load(source), key=lambda entry: (entry["name"], entry["method"]))
    print(f"{'request':58} {'count':>6} {'errors':>6} {'median':>7} {'p95':>7} {'max':>7}")
    every = Counter()
    for entry in entries:
        times = Counter({float(ms): count for ms, count in entry["response_times"].items()})
        every.update(times)
        name = f"{entry['method']} {entry['name']}"
        print(
            f"{name:58} {entry['num_requests']:>6} {entry['num_failures']:>6} "
            f"{percentile(times, 0.5):>7} {percentile(times, 0.95):>7} "
            f"{round(entry['max_response_time']):>7}"
        )
    requests = sum(entry["num_requests"] for entry in entries)
    first = min((entry["start_time"] for entry in entries), default=0)
    last = max((entry["last_request_timestamp"] or 0 for entry in entries), default=0)
    return {
        "requests": requests,
        "failures": sum(entry["num_failures"] for entry in entries),
        "rate": requests / (last - first) if last > first else 0.0,
        "p50": percentile(every, 0.5),
        "p95": percentile(every, 0.95),
        "p99": percentile(every, 0.99),
    }


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
        stats = work / "locust"  # locust adds ".json"
        report = work / "comments.json"
        subprocess.run(  # noqa: S603
            [
                *(PYTHON, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py")),
                *("--headless", "--only-summary", "--host", url),
                *("--users", str(USERS), "--spawn-rate", "10", "--run-time", DURATION),
                *("--json-file", str(stats), "--loglevel", "WARNING", "--stop-timeout", "30"),
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
    print("\nResponse times in milliseconds (locust):")
    result = summary(f"{stats}.json")
    print(
        f"\n{engine}: {result['requests']} requests, {result['failures']} errors, "
        f"{result['rate']:.1f} requests/s, median {result['p50']} ms, "
        f"p95 {result['p95']} ms, p99 {result['p99']} ms",
        flush=True,
    )
    check = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "check_loadtest_comments", str(report)],
        cwd=ROOT,
        env=manage_env,
        check=False,
    )
    print(f"Server output: {log}")
    if result["failures"] or not result["requests"] or check.returncode:
        sys.exit("Load test failed: see the errors above.")
    print("Load test passed: 0 errors, every comment stored exactly once.")


if __name__ == "__main__":
    main()
