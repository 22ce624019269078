"""How `partnergraph serve` answers 20 people at once, on the seed corpus and the Oxigraph store.

Copies the repository's seed corpus into a temporary folder, builds it, starts
`partnergraph serve` in its own process on 127.0.0.1 (so the clients here do not share
its interpreter lock) and sends `--clients` concurrent clients `--requests` requests each,
cycling through a simple SELECT on /sparql, a concept page, a work page, the overview
and the gap map. Prints p50 and p99 per kind of request. Not a timed test: figures for
the notes of whoever changes the explorer. Every request goes to 127.0.0.1 only, and the
run is bounded in count (clients × requests) and in time (`--deadline` seconds). Run:

    python benchmarks/bench_serve.py [--clients 20] [--requests 10]
"""

from __future__ import annotations

import argparse
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
TARGETS = {
    "sparql SELECT": "/sparql?" + urllib.parse.urlencode({"query": SELECT}),
    "concept page": "/concept/trust",
    "work page": "/work/wallace2010",
    "overview /": "/",
    "gap map /map": "/map",
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


def start_server(project: Project, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "partnergraph", "--project", str(project.root), "serve"]
    process = subprocess.Popen([*command, "--port", str(port)], stdout=subprocess.DEVNULL)
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
    base: str, clients: int, requests: int, deadline: float
) -> tuple[dict[str, list[float]], Counter[str]]:
    """Each client walks the targets in turn from its own starting point; returns the
    seconds each answered request took, by kind, and the failures by kind and status."""
    timings: dict[str, list[float]] = {kind: [] for kind in TARGETS}
    failures: Counter[str] = Counter()
    lock = threading.Lock()
    kinds = list(TARGETS)
    stop = time.monotonic() + deadline

    def client(index: int) -> None:
        for n in range(requests):
            if time.monotonic() > stop:
                return
            kind = kinds[(index + n) % len(kinds)]
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(base + TARGETS[kind], timeout=120) as response:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=10, help="per client")
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds; later requests are skipped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, steps(3, "bench serve") as step:
        step("build the seed corpus")
        project = seed_project(Path(folder) / "seed")
        step("start serve")
        port = free_port()
        server = start_server(project, port)
        try:
            step(f"{args.clients} clients × {args.requests} requests")
            started = time.perf_counter()
            timings, failures = load(f"http://127.0.0.1:{port}", args.clients, args.requests, args.deadline)
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    done = sum(len(t) for t in timings.values())
    rate = done / wall
    print(f"{args.clients} clients, {done} answered, {sum(failures.values())} failed, {rate:.1f} answers/s")
    for failure, count in failures.most_common():
        print(f"  failed {count}×: {failure}")
    print(f"{'request':<16} {'n':>4} {'p50 s':>8} {'p99 s':>8}")
    for kind, values in timings.items():
        if values:
            p50, p99 = statistics.median(values), percentile(values, 0.99)
            print(f"{kind:<16} {len(values):>4} {p50:>8.3f} {p99:>8.3f}")


if __name__ == "__main__":
    main()
