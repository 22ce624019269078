"""Bulk-load Turtle files into a new Oxigraph directory, in a process of its own.

pyoxigraph's `bulk_load` does not return to Python until it is done, so Ctrl-C in
the process running it waited for the whole load (and was then lost). The build
runs this file as a script instead (it imports pyoxigraph only, not the package):
the build only waits for it, wakes up for Ctrl-C at once and kills it.

Usage: python oxigraph_loader.py STORE_DIR COUNT_GRAPH FILE GRAPH [FILE GRAPH ...]
Prints the number of triples in COUNT_GRAPH as the last line; exits 1 with the
error on stderr if the load fails.
"""

from __future__ import annotations

import ctypes
import signal
import sys

import pyoxigraph as ox

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """A loader whose build was killed (SIGKILL) stops too instead of loading for nobody."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build decides what Ctrl-C means
    die_with_parent()
    target, count_graph, *pairs = argv
    try:
        store = ox.Store(target)
        for path, graph in zip(pairs[::2], pairs[1::2], strict=True):
            store.bulk_load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        store.flush()
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        result = store.query(count, default_graph=ox.NamedNode(count_graph))
        print(next(iter(result))["n"].value)  # type: ignore[index,call-overload]
    except (OSError, SyntaxError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
