"""The pure parts of ``make bench`` (bench/run.py): percentiles, /proc parsing, the tables.
The benchmark itself is not run by the test suite."""

import pytest

from bench.run import (
    MARKER,
    NotOurDatabase,
    bench_database_name,
    build_plan,
    cpu_seconds,
    csrf_token,
    database_url,
    engine,
    migrations_hash,
    parse_scales,
    percentile,
    ratio_table,
    resident_mb,
    stamp_comment,
    summarise,
    table,
    targets_table,
    wrk_summary,
)


def test_percentile_is_the_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 0.5) == 50  # noqa: PLR2004
    assert percentile(values, 0.95) == 95  # noqa: PLR2004
    assert percentile(values, 0.99) == 99  # noqa: PLR2004
    assert percentile([7], 0.99) == 7  # noqa: PLR2004
    assert percentile([], 0.5) == 0


def test_cpu_and_memory_are_read_from_proc_lines():
    # a command name with spaces and a parenthesis, as /proc may show it
    stat = "1234 (gunicorn: work) er) S 1200 1200 1200 0 -1 4194560 1 0 0 0 250 50 0 0 20 0"
    assert cpu_seconds(stat) == 300 / 100  # utime + stime at 100 ticks a second
    status = "Name:\tgunicorn\nVmPeak:\t  300000 kB\nVmRSS:\t  153600 kB\nThreads:\t1\n"
    assert resident_mb(status) == 150  # noqa: PLR2004
    assert resident_mb("Name: x\n") == 0


def test_the_login_form_token_is_found():
    page = '<form><input type="hidden" name="csrfmiddlewaretoken" value="abc123"></form>'
    assert csrf_token(page) == "abc123"
    assert csrf_token("<p>rien</p>") == ""


def test_summary_and_tables():
    row = summarise([0.010, 0.020, 0.030, 0.040], errors=1, seconds=2, cpu=0.2, queries=12)
    assert row["rps"] == 2  # noqa: PLR2004
    assert row["p50"] == 20  # noqa: PLR2004
    assert row["cpu_ms"] == 50  # noqa: PLR2004
    rendered = table([("home", "anonymous", row)])
    assert rendered.splitlines()[0].startswith("| page | who | req/s | p50 ms")
    assert "| home | anonymous | 2 | 20.0 | 40.0 | 40.0 | 50.0 | 12 | 1 |" in rendered

    slower = summarise([0.030, 0.040, 0.050, 0.060], errors=0, seconds=2, cpu=0.2, queries=12)
    ratios = ratio_table([("home", "anonymous", row)], [("home", "anonymous", slower)], 1, 50)
    line = ratios.splitlines()[-1]
    assert line.startswith("| home | anonymous | 2.00 |")
    assert "12→12" in line and line.endswith("| non |")
    same = ratio_table([("home", "anonymous", row)], [("home", "anonymous", row)], 1, 50)
    assert same.splitlines()[-1].endswith("| oui |")


def test_wrk_results_count_only_the_200s_as_served():
    printed = (
        "Running 5s test @ http://127.0.0.1:8000/\n"
        'WRK {"requests": 1010, "duration_us": 5000000, "p50": 4100, "p95": 6200, '
        '"p99": 9000, "bad_status": 10, "socket_errors": 2}\n'
    )
    row = wrk_summary(printed, seconds=5.2, cpu=2.0)
    assert row["requests"] == 1000  # noqa: PLR2004
    assert row["errors"] == 12  # noqa: PLR2004
    assert row["rps"] == 200  # noqa: PLR2004  (wrk's own duration, not the wall clock)
    assert (row["p50"], row["p95"], row["p99"]) == (4.1, 6.2, 9.0)
    assert row["cpu_ms"] == 2  # noqa: PLR2004
    # wrk failed to start or printed nothing of ours: an error, never a fast page
    failed = wrk_summary("unable to connect\n", seconds=5, cpu=0.0)
    assert failed["errors"] == 1
    assert failed["rps"] == 0


def test_scales_and_the_migrations_hash(tmp_path):
    assert parse_scales("1 50") == [1, 50]
    assert parse_scales("1,2.5") == [1, 2.5]
    (tmp_path / "app" / "migrations").mkdir(parents=True)
    migration = tmp_path / "app" / "migrations" / "0001_initial.py"
    migration.write_text("a")
    first = migrations_hash(tmp_path)
    migration.write_text("b")
    assert migrations_hash(tmp_path) != first


def test_the_engine_and_the_postgresql_database_names():
    assert engine(None) == "sqlite"
    assert engine("") == "sqlite"
    assert engine("PostgreSQL") == "postgresql"
    assert engine("postgres") == "postgresql"
    with pytest.raises(ValueError, match="sqlite or postgresql"):
        engine("mysql")
    assert bench_database_name(50) == "raa_bench_scale_50"
    assert bench_database_name(0.5) == "raa_bench_scale_0_5"
    # the server's own database (used to create ours) is replaced, user, port and options kept
    server = "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable"
    assert database_url(server, "raa_bench_scale_1") == (
        "postgresql://postgres@127.0.0.1:5432/raa_bench_scale_1?sslmode=disable"
    )
    assert database_url("postgresql://u:p@db", "raa_bench_scale_1") == (
        "postgresql://u:p@db/raa_bench_scale_1"
    )


def test_a_bench_database_is_created_reused_or_rebuilt_only_when_its_own():
    name = "raa_bench_scale_50"
    assert build_plan(name, exists=False, comment=None, wanted="abc") == "create"
    assert build_plan(name, exists=True, comment=stamp_comment("abc"), wanted="abc") == "reuse"
    # built with other migrations, or interrupted while building: its own, built again
    assert build_plan(name, exists=True, comment=stamp_comment("old"), wanted="abc") == "rebuild"
    assert build_plan(name, exists=True, comment=MARKER + "building", wanted="abc") == "rebuild"


@pytest.mark.parametrize(
    ("name", "comment"),
    [
        # a database of the bench's name that the bench did not create: real content, maybe
        ("raa_bench_scale_50", None),
        ("raa_bench_scale_50", ""),
        ("raa_bench_scale_50", "Production, restored 1 December"),
        ("raa_bench_scale_50", "abc"),  # a bare hash is not the marker
        # never another database, even one carrying the marker
        ("raa", stamp_comment("abc")),
        ("postgres", stamp_comment("abc")),
        ("raa_bench_scale_50; DROP DATABASE raa", stamp_comment("abc")),
    ],
)
def test_any_other_database_is_refused(name, comment):
    with pytest.raises(NotOurDatabase):
        build_plan(name, exists=True, comment=comment, wanted="abc")


def row_of(rps=100.0, p50=10.0, p95=20.0, cpu_ms=5.0):
    return {"rps": rps, "p50": p50, "p95": p95, "p99": p95, "cpu_ms": cpu_ms, "queries": 3}


def verdicts(rendered):
    """``{target: (measured, holds)}`` of a targets table."""
    lines = rendered.splitlines()[2:]
    return {
        cells[0]: (cells[1], cells[2])
        for cells in (line.strip("| ").split(" | ") for line in lines)
    }


def test_the_targets_table_says_which_target_holds():
    large = [
        ("home", "anonymous", row_of(rps=2000)),
        ("home", "member", row_of(cpu_ms=4.0)),
        ("post", "anonymous", row_of(rps=1400)),
        ("post", "member", row_of(cpu_ms=9.5)),
        ("structure page", "member", row_of(cpu_ms=16.0)),
        ("search, common word", "anonymous", row_of(p95=160)),
        ("search, common word", "member", row_of(p95=40, cpu_ms=6.0)),
        ("static file", "anonymous", row_of(rps=3000, cpu_ms=0.8)),
    ]
    small = [("home", "member", row_of(cpu_ms=3.0)), ("post", "member", row_of(cpu_ms=9.0))]

    found = verdicts(targets_table(large, 210.4, small))

    cached = found["cached anonymous pages ≥ half the static file's req/s"]
    assert cached == ("1/2 pages, the slowest 1400 req/s against 1500", "non")
    assert found["CPU of a member's home ≤ a third of bakerydemo's 56 ms"] == (
        "4.0 ms ≤ 18.7 (2.0 at the issue's speed)",
        "oui",
    )
    # 9.5 ms here, where the static file costs twice the issue's: 4.75 ms on the machine.
    assert found["CPU of a member's post ≤ a third of bakerydemo's 27 ms"][1] == (
        "at the issue's speed"
    )
    assert found["CPU of a member's structure page ≤ a third of bakerydemo's 21 ms"][1] == "non"
    assert found["CPU of a member's search, common word ≤ a third of bakerydemo's 52 ms"][1] == (
        "oui"
    )
    assert "CPU of a member's blog index ≤ a third of bakerydemo's 37 ms" not in found
    assert found["search p95 < 150 ms"] == ("at most 160 ms", "non")
    assert found["large size ≤ 1.3× the small one (p50 and CPU)"] == (
        "1/2 pages, at most 1.33 (home, member)",
        "non",
    )
    assert found["a worker < 200 MB after the run"] == ("210 MB", "non")


def test_one_size_alone_has_no_ratio_target():
    large = [("home", "member", row_of()), ("static file", "anonymous", row_of(cpu_ms=0.4))]

    found = verdicts(targets_table(large, 150.0))

    assert not any(target.startswith("large size") for target in found)
    assert found["a worker < 200 MB after the run"] == ("150 MB", "oui")
