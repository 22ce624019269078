"""benchmarks/bench_servers.py at a tiny size against real servers on 127.0.0.1: every
load way runs, every named query answers on every store with the embedded store's rows,
and the table says so (and says DIFFER where rows are not the same)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REQUIRE_SERVERS_ENV
from partnergraph.project import Project
from partnergraph.queries import named_queries

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import bench_servers  # noqa: E402

STORES = ("embedded", "oxigraph server", "virtuoso")


@pytest.fixture(scope="module")
def bench_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str, Path]:
    if not bench_servers.virtuoso_available():
        if os.environ.get(REQUIRE_SERVERS_ENV):
            pytest.fail("OpenLink Virtuoso is not installed")
        pytest.skip("OpenLink Virtuoso is not installed")
    work = tmp_path_factory.mktemp("bench-servers")
    out = work / "report.json"
    # 1,000 claims: the smallest size at which every named query has rows to compare
    options = ["--claims", "1000", "--timeout", "60", "--json", str(out), "--log", str(work / "log.txt")]
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "bench_servers.py"), "--workdir", str(work), *options],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(out.read_text()), done.stdout, work


def test_every_load_way_is_timed(bench_report: tuple[dict, str, Path]) -> None:
    report, _, work = bench_report
    assert set(report["loads"]) == {"oxigraph load", "oxigraph push", "virtuoso bulk", "virtuoso push"}
    assert all(isinstance(s, float) and s > 0 for s in report["loads"].values())
    # the servers' databases are removed once measured
    assert not [p for p in work.iterdir() if p.name.startswith(("oxigraph-", "virtuoso-"))]


def test_every_named_query_answers_alike_on_every_store(bench_report: tuple[dict, str, Path]) -> None:
    report, _, work = bench_report
    project = Project.locate(work / "project-1000")
    assert set(report["answers"]) == set(named_queries(project))
    for name, by_store in report["answers"].items():
        assert set(by_store) == set(STORES), name
        embedded = by_store["embedded"]
        assert embedded["error"] == "" and embedded["rows"] > 0, name
        for store in STORES[1:]:
            assert by_store[store]["digest"] == embedded["digest"], (name, store)
            assert by_store[store]["rows"] == embedded["rows"], (name, store)


def test_the_table_marks_matching_rows(bench_report: tuple[dict, str, Path]) -> None:
    report, table, _ = bench_report
    lines = [line for line in table.splitlines() if line.startswith("| ")]
    assert lines[0] == "| load | oxigraph load | oxigraph push | virtuoso bulk | virtuoso push |"
    assert "| query | embedded | oxigraph server | virtuoso |" in lines
    rows = {line.split(" | ")[0][2:]: line for line in lines}
    for name in report["answers"]:
        assert rows[name].count(" = |") == 2, rows[name]


def test_rows_that_differ_are_marked() -> None:
    """A store whose rows are not the embedded store's is shown as such, not as equal."""
    embedded = bench_servers.Answer(0.5, 3, "aaa")
    report = bench_servers.Report(
        loads={"oxigraph load": 1.0},
        answers={"q": {"embedded": embedded, "oxigraph server": bench_servers.Answer(0.4, 3, "bbb")}},
    )
    table = bench_servers.table(report, ["embedded", "oxigraph server", "virtuoso"])
    assert "| q | 0.50 s 3 | 0.40 s 3 DIFFER | - |" in table.splitlines()


def test_a_query_past_its_timeout_is_killed_and_reported(tmp_path: Path, built: Project) -> None:
    """The worker runs in a session of its own; past the timeout it is killed, not awaited."""
    answer = bench_servers.run_worker(built.default_store, built, "evidence-map", {}, timeout=0.01)
    assert answer == bench_servers.Answer(error="timeout 0 s")


def test_a_load_past_its_timeout_is_reported_and_its_queries_left_out(
    bench_report: tuple[dict, str, Path],
) -> None:
    _, _, work = bench_report
    out = work / "stopped.json"
    script = str(REPO / "benchmarks" / "bench_servers.py")
    options = ["--loads", "oxigraph-load", "--load-timeout", "0.01", "--no-embedded", "--json", str(out)]
    done = subprocess.run(
        [
            sys.executable,
            script,
            "--project",
            str(work / "project-1000"),
            "--workdir",
            str(work / "stopped"),
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    assert report == {"loads": {"oxigraph load": "> 0 s (stopped)"}, "answers": {}}
    assert not (work / "x" / "oxigraph-load").exists()
