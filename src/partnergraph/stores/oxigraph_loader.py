"""Bulk-load Turtle (or N-Triples) files into a new Oxigraph directory, in a process of its own.

pyoxigraph's `bulk_load` does not return to Python until it is done, so Ctrl-C in
the process running it waited for the whole load (and was then lost). The build
runs this file as a script instead (it imports pyoxigraph only, not the package):
the build only waits for it, wakes up for Ctrl-C at once and kills it.

The build's SHACL shapes run here too, as SPARQL queries on the directory just loaded
(see `shapes_sparql`): a second load of two million triples only to check them would
cost as much as the first, and the queries, like the load, run for seconds without
returning to Python.

Usage: python oxigraph_loader.py STORE_DIR COUNT_GRAPH [--checks QUERIES.json] FILE GRAPH [FILE GRAPH ...]

Prints one JSON object a line: {"progress": TEXT} as each file starts and every
PROGRESS_SECONDS while it loads (how much of it is read, then that the indexes are being
written), {"loaded": TRIPLES_IN_COUNT_GRAPH, "seconds": S} once the load is done,
then, with --checks (a JSON list of SELECT queries, run on COUNT_GRAPH),
{"rows": [ROWS OF EACH QUERY], "seconds": S}, each term as [kind, value, datatype, language].
Exits 1 with the error on stderr if the load fails.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator

import pyoxigraph as ox

PR_SET_PDEATHSIG = 1
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
Encoded = list[str | None] | None


PARENT = "PARTNERGRAPH_LOADER_PARENT"
PROGRESS_SECONDS = 2.0
MB = 1024 * 1024
_printing = threading.Lock()  # progress comes from a thread of its own


def die_with_parent() -> None:
    """A loader whose build was killed (SIGKILL) stops too instead of loading for nobody.

    A build killed while this process was still starting, before the death signal was
    set, has left it to another parent: the pid the build wrote into the environment
    tells, and the loader stops at once."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    expected = os.environ.get(PARENT)
    if expected and int(expected) != os.getppid():
        sys.exit(1)


def encode(term: object) -> Encoded:
    """A term as JSON can carry it, for `stores.oxigraph_store.decode` to rebuild."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ["iri", term.value, None, None]
    if isinstance(term, ox.BlankNode):
        return ["bnode", term.value, None, None]
    if isinstance(term, ox.Literal):
        return ["literal", term.value, term.datatype.value, term.language]
    raise TypeError(f"unexpected RDF term {term!r}")


def run_checks(store: ox.Store, graph: str, queries: list[str]) -> list[list[list[Encoded]]]:
    """The rows of each SELECT query over `graph`, every variable in the query's order."""
    answers = []
    for query in queries:
        solutions = store.query(query, default_graph=ox.NamedNode(graph))
        names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
        answers.append([[encode(row[name]) for name in names] for row in solutions])  # type: ignore[union-attr]
    return answers


def report(payload: dict) -> None:
    with _printing:
        print(json.dumps(payload), flush=True)


def read_position(path: str) -> int | None:
    """How far this process has read the file at `path` (a real path), or None when it
    does not hold it open. `bulk_load` reads in Rust and tells Python nothing until it is
    done, but the kernel keeps the offset of every open file (Linux's /proc/self/fdinfo);
    elsewhere there is no such place and the answer is None."""
    try:
        descriptors = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for fd in descriptors:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != path:
                continue
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as info:
                for line in info:
                    if line.startswith("pos:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue  # closed meanwhile
    return None


def load_progress(read: int | None, size: int, seconds: float) -> str:
    """What the load is doing: `read` bytes of `size`, or, when the file is read (None),
    the sorting and writing of the indexes, which at a million claims takes longer."""
    if read is None:
        return f"writing the indexes ({seconds:.0f} s)"
    return f"read {read / MB:,.0f} of {size / MB:,.0f} MB ({seconds:.0f} s)"


@contextlib.contextmanager
def progress_of(path: str) -> Iterator[None]:
    """Report the load of `path` as it starts and then every PROGRESS_SECONDS until it ends."""
    real, size = os.path.realpath(path), os.path.getsize(path)
    start = time.perf_counter()
    finished = threading.Event()

    def watch() -> None:
        opened = False
        while not finished.wait(PROGRESS_SECONDS):
            read = read_position(real)
            opened = opened or read is not None
            if read is None and not opened:  # not opened yet
                read = 0
            report({"progress": load_progress(read, size, time.perf_counter() - start)})

    report({"progress": load_progress(0, size, 0.0)})
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides what Ctrl-C means
    die_with_parent()
    target, count_graph, *rest = argv
    queries: list[str] | None = None
    if rest[:1] == ["--checks"]:
        with open(rest[1], encoding="utf-8") as handle:
            queries = json.load(handle)
        rest = rest[2:]
    try:
        start = time.perf_counter()
        store = ox.Store(target)
        for path, graph in zip(rest[::2], rest[1::2], strict=True):
            # N-Triples where the name says so: its parser loaded 2 million triples 10% faster.
            syntax = ox.RdfFormat.N_TRIPLES if path.endswith(".nt") else ox.RdfFormat.TURTLE
            with progress_of(path):
                store.bulk_load(path=path, format=syntax, to_graph=ox.NamedNode(graph))
        store.flush()
        result = store.query(COUNT, default_graph=ox.NamedNode(count_graph))
        triples = int(next(iter(result))["n"].value)  # type: ignore[index,call-overload]
        report({"loaded": triples, "seconds": time.perf_counter() - start})
        if queries is not None:
            start = time.perf_counter()
            report({"rows": run_checks(store, count_graph, queries), "seconds": time.perf_counter() - start})
    except (OSError, SyntaxError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
