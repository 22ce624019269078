"""How `partnergraph serve` answers 20 people at once, on the seed corpus and the Oxigraph store.

Copies the repository's seed corpus into a temporary folder, builds it, starts
`partnergraph serve` in its own process on 127.0.0.1 (so the clients here do not share
its interpreter lock) and sends `--clients` concurrent clients `--requests` requests each,
cycling through a simple SELECT on /sparql, a concept page, a work page, the overview
and the gap map. Prints p50 and p99 per kind of request. Not a timed test: figures for
the notes of whoever changes the explorer. Every request goes to 127.0.0.1 only, and the
run is bounded in count (clients × requests) and in time (`--deadline` seconds).

`--before SRC` also runs, in the same run and on the same build, a server from another
source tree (its `src` folder, e.g. from `git archive OLD src | tar -x -C /tmp/old`) and
prints the ratio of the p50s, old over new. Run:

    python benchmarks/bench_serve.py [--clients 20] [--requests 10] [--before /tmp/old/src]
                                     [--project DIR]

`--project DIR` serves a project already built (a 100,000-claim synthetic one, say)
instead of building the seed; its concepts and works are then asked of its store.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from partnergraph import Project, build
from partnergraph.progress import steps

REPO = Path(__file__).resolve().parent.parent
SELECT = "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } ORDER BY ?label LIMIT 20"
PAGES = 20
"""Distinct concept and work pages asked for, so that most are not asked for twice in a row."""


_NAMED = """
SELECT DISTINCT ?key WHERE { ?claim pg:%s ?thing .
  BIND(STRAFTER(STR(?thing), "/%s/") AS ?key) } ORDER BY ?key LIMIT %d"""


def named_by_claims(project: Project) -> tuple[list[str], list[str]]:
    """The first `PAGES` concepts and works that claims name, asked of the built store (a
    100,000-claim corpus takes minutes to read from its YAML)."""
    from partnergraph.namespaces import sparql_prologue
    from partnergraph.stores import open_store

    with open_store(project.default_store, project) as store:
        concepts = _NAMED % ("about", "concept", PAGES)
        works = _NAMED % ("assertedBy", "work", PAGES)
        return [
            [str(row[0]) for row in store.select(sparql_prologue() + query).rows]
            for query in (concepts, works)
        ]  # type: ignore[return-value]


def targets(project: Project) -> dict[str, list[str]]:
    """Paths by kind: one SELECT, the first `PAGES` concepts and works that claims name."""
    concepts, works = named_by_claims(project)
    return {
        "sparql SELECT": ["/sparql?" + urllib.parse.urlencode({"query": SELECT})],
        "concept page": [f"/concept/{urllib.parse.quote(slug)}" for slug in concepts],
        "work page": [f"/work/{urllib.parse.quote(key)}" for key in works],
        "overview /": ["/"],
        "gap map /map": ["/map"],
    }


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_project(root: Path) -> Project:
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(REPO / part, root / part)
    project = Project.locate(root)
    build(project)
    return project


def start_server(project: Project, port: int, source: Path | None = None) -> subprocess.Popen[bytes]:
    """`partnergraph serve` in its own process; from the `source` tree when given."""
    command = [sys.executable, "-m", "partnergraph", "--project", str(project.root), "serve"]
    environment = {**os.environ, "PYTHONPATH": str(source)} if source else None
    process = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=5).close()
            return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.2)
    process.kill()
    raise SystemExit("partnergraph serve did not start")


def load(
    base: str, paths: dict[str, list[str]], clients: int, requests: int, deadline: float
) -> tuple[dict[str, list[float]], Counter[str]]:
    """Each client walks the targets in turn from its own starting point; returns the
    seconds each answered request took, by kind, and the failures by kind and status."""
    timings: dict[str, list[float]] = {kind: [] for kind in paths}
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    kinds = list(paths)
    stop = time.monotonic() + deadline

    def client(index: int) -> None:
        for n in range(requests):
            if time.monotonic() > stop:
                return
            kind = kinds[(index + n) % len(kinds)]
            choices = paths[kind]
            path = choices[(index * requests + n) % len(choices)]
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + path, timeout=120) as response:
                    response.read()
                failure = None
            except urllib.error.HTTPError as exc:
                failure = f"{kind}: {exc.code} {exc.read()[:80].decode('utf-8', 'replace')}"
            except OSError as exc:
                failure = f"{kind}: {exc}"
            took = time.perf_counter() - started
            with lock:
                if failure:
                    failures[failure] += 1
                else:
                    timings[kind].append(took)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings, failures


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def resident_mb(pid: int) -> float:
    """The server process's resident memory (Linux), its SPARQL worker processes not counted."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(project: Project, clients: int, requests: int, deadline: float, source: Path | None) -> dict:
    """p50 and p99 by kind of request, for a server from `source` (None: this tree)."""
    port = free_port()
    launched = time.perf_counter()
    server = start_server(project, port, source)
    ready = time.perf_counter() - launched
    try:
        memory = [resident_mb(server.pid)]
        started = time.perf_counter()
        timings, failures = load(f"http://127.0.0.1:{port}", targets(project), clients, requests, deadline)
        wall = time.perf_counter() - started
        memory.append(resident_mb(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=30)
    done = sum(len(t) for t in timings.values())
    print(
        f"\n{source or 'this tree'}: {clients} clients, {done} answered, {sum(failures.values())} failed, "
        f"{done / wall:.1f} answers/s; ready in {ready:.1f} s; "
        f"server memory {memory[0]:.0f} -> {memory[1]:.0f} MB"
    )
    for failure, count in failures.most_common():
        print(f"  failed {count}×: {failure}")
    print(f"{'request':<16} {'n':>4} {'p50 s':>8} {'p99 s':>8}")
    figures = {}
    for kind, values in timings.items():
        if values:
            figures[kind] = (statistics.median(values), percentile(values, 0.99))
            print(f"{kind:<16} {len(values):>4} {figures[kind][0]:>8.3f} {figures[kind][1]:>8.3f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds; later requests are skipped")
    parser.add_argument("--before", type=Path, help="an older source tree's src folder to compare with")
    parser.add_argument(
        "--project",
        type=Path,
        help="a project already built (e.g. a synthetic 100,000-claim one) instead of the seed",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, steps(3 if args.before else 2, "bench serve") as step:
        if args.project:
            step(f"use the build of {args.project}")
            project = Project.locate(args.project)
        else:
            step("build the seed corpus")
            project = seed_project(Path(folder) / "seed")
        legs = [args.before, None] if args.before else [None]
        results = []
        for source in legs:
            step(f"{args.clients} clients × {args.requests} requests, {source or 'this tree'}")
            results.append(measure(project, args.clients, args.requests, args.deadline, source))
    if args.before:
        print("\np50 ratio, before / after:")
        for kind, (p50, _) in results[1].items():
            if kind in results[0]:
                print(f"{kind:<16} {results[0][kind][0] / p50:>8.1f}×")


if __name__ == "__main__":
    main()
