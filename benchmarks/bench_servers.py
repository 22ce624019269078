"""Load a built project into real SPARQL servers and time every named query on each.

Issue 16 asks that the 1,000,000-claim corpus, pushed to a real SPARQL server (Oxigraph
server, and OpenLink Virtuoso), answers the named queries, with each query's time on
each store. This script loads the build into each server the ways it supports, reports
the load times, then runs every named query (`queries/*.rq`) through the project's own
store interface, as `partnergraph --store sparql:URL query NAME` does, on the embedded
store and on each server, and prints a table query x store -> seconds, rows, and
whether the rows are the embedded store's.

    python benchmarks/bench_servers.py --project /work/scale/f100k --concept concept-1
    python benchmarks/bench_servers.py --claims 1000 --workdir /tmp/servers

Each query runs in a process of its own (this script's --query-worker mode), so a query
past its timeout is killed and the table says so; the time is the query's own, without
Python's start-up. The servers start on 127.0.0.1 with a database of their own in the
work directory, the way the tests start them (tests/conftest.py).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))  # the servers start as the tests start them

from conftest import VIRTUOSO_INI, VirtuosoAdmin, free_port, wait_for_endpoint  # noqa: E402
from partnergraph.namespaces import ASSERTED_GRAPH  # noqa: E402
from partnergraph.project import Project  # noqa: E402

EMBEDDED = "embedded"
# Virtuoso's buffers are 8 KB pages; the tests' 10,000 (80 MB) hold the seed graph, a
# million claims (20M triples) want gigabytes. Its rule of thumb: two thirds of the memory
# it may use as buffers, three quarters of those dirty.
VIRTUOSO_BUFFERS = 340_000
VIRTUOSO_MAX_ROWS = 10_000_000


@dataclass
class Server:
    """A running server: its query URL and how to stop it."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    admin: VirtuosoAdmin | None = None

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Answer:
    """One query on one store: seconds and rows, or why there are none."""

    seconds: float | None = None
    rows: int | None = None
    digest: str = ""
    error: str = ""


@dataclass
class Report:
    loads: dict[str, float | str] = field(default_factory=dict)
    answers: dict[str, dict[str, Answer]] = field(default_factory=dict)  # query -> store -> answer


def oxigraph_executable() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if found is None:
        raise SystemExit("the `oxigraph` server is not installed: pip install -e '.[dev]'")
    return found


def start_oxigraph(location: Path, read_only: bool) -> Server:
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [oxigraph_executable(), mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    wait_for_endpoint(url, process, 300, f"oxigraph {mode}")
    return Server("oxigraph", url, process)


def virtuoso_available() -> bool:
    return bool(shutil.which("virtuoso-t") and (shutil.which("isql-vt") or shutil.which("isql")))


def start_virtuoso(directory: Path, readable: Path) -> Server:
    """Virtuoso with buffers for millions of triples, no row cap below this benchmark's
    answers, no query time limit of its own (the worker's timeout is the limit), and
    `readable` among the directories its bulk loader may read."""
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = VIRTUOSO_INI.format(
        dir=directory, sql_port=sql_port, http_port=http_port, max_rows=VIRTUOSO_MAX_ROWS
    )
    ini = (
        ini.replace("NumberOfBuffers = 10000", f"NumberOfBuffers = {VIRTUOSO_BUFFERS}")
        .replace("MaxDirtyBuffers = 6000", f"MaxDirtyBuffers = {VIRTUOSO_BUFFERS * 3 // 4}")
        .replace(f"DirsAllowed = ., {directory}", f"DirsAllowed = ., {directory}, {readable}")
        .replace("MaxQueryExecutionTime = 60", "MaxQueryExecutionTime = 0")
    )
    (directory / "virtuoso.ini").write_text(ini)
    log = (directory / "stdout.log").open("wb")
    process = subprocess.Popen(
        [
            shutil.which("virtuoso-t") or "virtuoso-t",
            "+configfile",
            str(directory / "virtuoso.ini"),
            "+foreground",
        ],
        cwd=directory,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{http_port}/sparql"
    wait_for_endpoint(url, process, 120, f"virtuoso-t (log in {directory})")
    admin = VirtuosoAdmin(shutil.which("isql-vt") or shutil.which("isql") or "isql", sql_port)
    admin.run('GRANT SPARQL_UPDATE TO "SPARQL"')
    return Server("virtuoso", url, process, admin)


def isql(admin: VirtuosoAdmin, statement: str, timeout: float) -> str:
    """One statement through Virtuoso's own client, with a timeout for long ones
    (`VirtuosoAdmin.run` allows 30 s, enough for a GRANT, not for a bulk load)."""
    command = [admin.isql, f"127.0.0.1:{admin.port}", "dba", "dba", f"exec={statement};"]
    done = subprocess.run(command, check=True, capture_output=True, text=True, timeout=timeout)
    return done.stdout


def load_timed(report: Report, name: str, args, action: object, *given: object) -> bool:
    """Time one load into report.loads; a load past --load-timeout is recorded as such
    (a million claims on a busy machine can take longer than any query) and its store's
    queries are left out."""
    start = time.perf_counter()
    try:
        action(*given)  # type: ignore[operator]
    except subprocess.TimeoutExpired:
        report.loads[name] = f"> {args.load_timeout:.0f} s (stopped)"
    else:
        report.loads[name] = time.perf_counter() - start
    shown = report.loads[name]
    note(args, f"load {name}: {shown if isinstance(shown, str) else f'{shown:.1f} s'}")
    return not isinstance(shown, str)


def load_oxigraph_cli(project: Project, location: Path, timeout: float) -> None:
    """`oxigraph load`: the server's own bulk loader, into its directory before it starts."""
    into = ["--location", str(location), "--graph", str(ASSERTED_GRAPH)]
    subprocess.run(
        [oxigraph_executable(), "load", *into, "--file", str(project.graph_file)],
        check=True,
        capture_output=True,
        timeout=timeout,
    )


def load_by_push(project: Project, url: str) -> None:
    """`partnergraph push`: the Graph Store Protocol, as a team would load a shared server."""
    from partnergraph.push import push_build
    from partnergraph.stores import open_store

    with open_store(f"sparql:{url}") as store:
        push_build(project, store)


def load_virtuoso_bulk(server: Server, project: Project, timeout: float) -> None:
    """Virtuoso's bulk loader (ld_dir + rdf_loader_run), then a checkpoint so that the
    load is on disk as a push's would be; a file it could not read fails the benchmark."""
    assert server.admin is not None
    folder, name = project.graph_file.parent, project.graph_file.name
    isql(server.admin, f"ld_dir('{folder}', '{name}', '{ASSERTED_GRAPH}')", 60)
    isql(server.admin, "rdf_loader_run()", timeout)
    isql(server.admin, "checkpoint", timeout)
    errors = isql(
        server.admin, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL", 60
    )
    if "0 Rows" not in errors:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {errors}")


def query_parameters(project: Project, concept: str, work: str) -> dict[str, dict[str, str]]:
    """Every named query's parameters: the benchmark's concept and work for each."""
    from partnergraph.queries import named_queries

    values = {"concept": concept, "work": work}
    return {
        name: {p.name: values.get(p.type, p.default or "") for p in query.parameters}
        for name, query in named_queries(project).items()
    }


def cell_text(term: object) -> str:
    """A term as compared between stores: its lexical form. Servers give the same number
    other datatypes (Virtuoso counts as xsd:int), so the datatype is left out."""
    return "" if term is None else str(term)


def query_worker(descriptor: str, root: Path, name: str, params: dict[str, str]) -> None:
    """Run one named query; print seconds, row count and a digest of the sorted rows."""
    from partnergraph.queries import find_query, run_query
    from partnergraph.stores import open_store

    project = Project.locate(root)
    query = find_query(name, project)
    with open_store(descriptor, project) as store:
        start = time.perf_counter()
        result = run_query(store, query, params)
        seconds = time.perf_counter() - start
    rows = sorted("\t".join(cell_text(term) for term in row) for row in result.rows)
    digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    print(json.dumps({"seconds": seconds, "rows": len(rows), "digest": digest}))


def run_worker(
    descriptor: str, project: Project, name: str, params: dict[str, str], timeout: float
) -> Answer:
    argv = [
        sys.executable,
        __file__,
        "--query-worker",
        descriptor,
        str(project.root),
        name,
        json.dumps(params),
    ]
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return Answer(error=f"timeout {timeout:.0f} s")
    if process.returncode != 0:
        last = (err.strip().splitlines() or ["failed"])[-1]
        return Answer(error=last.partition(": ")[2][:60] or last[:60])  # the message, not the class
    found = json.loads(out.strip().splitlines()[-1])
    return Answer(found["seconds"], found["rows"], found["digest"])


def run_queries(
    report: Report, store: str, descriptor: str, project: Project, params: dict[str, dict[str, str]], args
) -> None:
    for name, values in params.items():
        answer = run_worker(descriptor, project, name, values, args.timeout)
        report.answers.setdefault(name, {})[store] = answer
        note(args, f"{store:18} {name:32} {cell(answer, None)}")


def cell(answer: Answer | None, embedded: Answer | None) -> str:
    if answer is None:
        return "-"
    if answer.error:
        return answer.error
    same = (
        ""
        if embedded is None or embedded is answer
        else (" =" if answer.digest == embedded.digest else " DIFFER")
    )
    return f"{answer.seconds:.2f} s {answer.rows:,}{same}"


def table(report: Report, stores: list[str]) -> str:
    """Markdown: a row a query, a column a store: seconds, rows, and `=` where the rows
    are the embedded store's (DIFFER where not)."""
    lines = [
        "| load | " + " | ".join(report.loads) + " |",
        "| --- |" + " --- |" * len(report.loads),
        "| seconds | "
        + " | ".join(v if isinstance(v, str) else f"{v:.1f}" for v in report.loads.values())
        + " |",
        "",
        "| query | " + " | ".join(stores) + " |",
        "| --- |" + " --- |" * len(stores),
    ]
    for name, answers in report.answers.items():
        embedded = answers.get(EMBEDDED)
        lines.append(f"| {name} | " + " | ".join(cell(answers.get(s), embedded) for s in stores) + " |")
    return "\n".join(lines)


def note(args, line: str) -> None:
    """Progress on stderr, and in --log as it happens, so that a long run loses nothing."""
    print(line, file=sys.stderr, flush=True)
    if args.log:
        with args.log.open("a", encoding="utf-8") as log:
            log.write(line + "\n")


def prepare_project(args) -> Project:
    """The given built project, or one generated at --claims and built here."""
    if args.project:
        return Project.locate(args.project)
    sys.path.insert(0, str(HERE))
    from bench_scale import make_project

    root, args.concept = make_project(args.workdir / f"project-{args.claims}", args.claims)
    subprocess.run(
        [sys.executable, "-m", "partnergraph", "--project", str(root), "build"],
        check=True,
        capture_output=True,
    )
    return Project.locate(root)


@contextlib.contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


def bench(args) -> tuple[Report, list[str]]:
    project = prepare_project(args)
    params = query_parameters(project, args.concept, args.work)
    report = Report()
    stores = []
    if not args.no_embedded:
        stores.append(EMBEDDED)
        run_queries(report, EMBEDDED, project.default_store, project, params, args)
    work = args.workdir
    if "oxigraph-load" in args.loads:
        location = work / "oxigraph-load"
        if load_timed(report, "oxigraph load", args, load_oxigraph_cli, project, location, args.load_timeout):
            with running(start_oxigraph(location, read_only=True)) as server:
                stores.append("oxigraph server")
                run_queries(report, "oxigraph server", f"sparql:{server.url}", project, params, args)
        shutil.rmtree(location)
    if "oxigraph-push" in args.loads:
        location = work / "oxigraph-push"
        with running(start_oxigraph(location, read_only=False)) as server:
            loaded = load_timed(report, "oxigraph push", args, load_by_push, project, server.url)
            if loaded and "oxigraph server" not in stores:
                stores.append("oxigraph server")
                run_queries(report, "oxigraph server", f"sparql:{server.url}", project, params, args)
        shutil.rmtree(location)
    for way in ("virtuoso-bulk", "virtuoso-push"):
        if way not in args.loads:
            continue
        if not virtuoso_available():
            report.loads[way.replace("-", " ")] = "not installed"
            continue
        directory = work / way
        with running(start_virtuoso(directory, project.graph_file.parent)) as server:
            if way == "virtuoso-bulk":
                loaded = load_timed(
                    report, "virtuoso bulk", args, load_virtuoso_bulk, server, project, args.load_timeout
                )
            else:
                loaded = load_timed(report, "virtuoso push", args, load_by_push, project, server.url)
            if loaded and "virtuoso" not in stores:
                stores.append("virtuoso")
                run_queries(report, "virtuoso", f"sparql:{server.url}", project, params, args)
        shutil.rmtree(directory)
    return report, stores


LOADS = ("oxigraph-load", "oxigraph-push", "virtuoso-bulk", "virtuoso-push")


def main() -> None:
    if sys.argv[1:2] == ["--query-worker"]:
        descriptor, root, name, params = sys.argv[2:6]
        query_worker(descriptor, Path(root), name, json.loads(params))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--project", type=Path, help="A built project (read only: nothing is written in it).")
    parser.add_argument(
        "--claims", type=int, default=1000, help="Without --project: generate and build this size."
    )
    parser.add_argument("--workdir", type=Path, required=True, help="Where the servers' databases go.")
    parser.add_argument(
        "--concept", default="concept-1", help="The concept queries with a parameter ask about."
    )
    parser.add_argument("--work", default="work1", help="The work queries with a parameter ask about.")
    parser.add_argument("--loads", default=",".join(LOADS), help=f"Comma-separated, of: {', '.join(LOADS)}.")
    parser.add_argument("--timeout", type=float, default=300, help="Seconds before a query is given up.")
    parser.add_argument("--load-timeout", type=float, default=3600, help="Seconds before a load is given up.")
    parser.add_argument(
        "--no-embedded",
        action="store_true",
        help="Leave out the embedded store's queries (e.g. when another run times them); "
        "the digests in --json still compare with that run's.",
    )
    parser.add_argument("--log", type=Path, help="Also append each figure here as it is measured.")
    parser.add_argument("--json", type=Path, help="Also write the report as JSON.")
    args = parser.parse_args()
    args.loads = [way for way in args.loads.split(",") if way]
    unknown = set(args.loads) - set(LOADS)
    if unknown:
        parser.error(f"unknown loads: {', '.join(sorted(unknown))}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    report, stores = bench(args)
    print(table(report, stores))
    if args.json:
        payload = {
            "loads": report.loads,
            "answers": {q: {s: vars(a) for s, a in by.items()} for q, by in report.answers.items()},
        }
        args.json.write_text(json.dumps(payload, indent=1))


if __name__ == "__main__":
    main()
