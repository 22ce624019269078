"""The default store: embedded Oxigraph on disk, queried through pyoxigraph itself.

Readers open the store read-only, so any number of them (`evidence` in one terminal,
`serve` in another) run side by side; RocksDB allows only one writer, so the store
reopens itself read-write on the first write (`reason`), and a writer that finds
the lock taken says who holds it instead of printing RocksDB's "No locks available".
A whole build is never written into the live store: `load_build` loads a fresh
directory beside it and swaps it in (see `staging`).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import QueryError, StoreError
from ..namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ..query_safety import QueryDataset
from .base import QueryResult, Store, Term, Triple
from .oxigraph_loader import PARENT as LOADER_PARENT
from .staging import (
    MARKER,
    exclusive,
    new_build_id,
    read_marker,
    remove_stale,
    retire,
    staged_dir,
    store_lock,
    swap_in,
    write_json_atomically,
)

COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def from_oxigraph(node: object) -> Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("iri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, ox.Literal):
        return Term.literal(node.value, node.datatype.value, node.language)
    raise TypeError(f"unexpected RDF term {node!r}")


def is_oxigraph_store(path: Path) -> bool:
    """RocksDB writes CURRENT when it creates a database; an empty folder is no store."""
    return (path / "CURRENT").is_file()


def decode(encoded: Sequence[str | None] | None) -> Term | None:
    """A term as `oxigraph_loader.encode` sent it."""
    if encoded is None:
        return None
    kind, value, datatype, language = encoded
    return Term.literal(value, datatype, language) if kind == "literal" else Term(kind, value)  # type: ignore[arg-type]


@dataclass
class StagedCheck:
    """SELECT queries answered on a freshly loaded directory before anyone reads it.

    `judge` gets each query's rows and raises to refuse the load (the directory is then
    removed and the live store kept); `on_loaded` is told when the load is done and the
    queries start. `seconds` records how long each part took."""

    queries: list[str]
    judge: Callable[[list[list[list[Term | None]]]], None]
    on_loaded: Callable[[], None] = lambda: None
    seconds: dict[str, float] = field(default_factory=dict)


def load_in_child(
    target: Path,
    files: list[tuple[Path, URIRef]],
    check: StagedCheck | None = None,
    meanwhile: Callable[[], None] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> int:
    """Bulk-load in a child process (see `oxigraph_loader`); return the asserted triple count.

    Waiting on a child is interruptible, so Ctrl-C stops the build at once; the child
    is then killed. A child and not a fork: RocksDB's threads do not survive a fork.
    `meanwhile` is work of the caller's done while the child loads (the build writes
    its Turtle file then, on the second core). `on_progress` is told how the load goes,
    as the child reports it."""
    args = [str(target), str(ASSERTED_GRAPH)]
    with contextlib.ExitStack() as stack:
        err = stack.enter_context(tempfile.TemporaryFile(mode="w+", encoding="utf-8", errors="replace"))
        if check is not None:
            queries = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8"))
            json.dump(check.queries, queries)
            queries.flush()
            args += ["--checks", queries.name]
        args += [str(part) for pair in files for part in pair]
        loader = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("oxigraph_loader.py")), *args],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env={**os.environ, LOADER_PARENT: str(os.getpid())},  # see oxigraph_loader.die_with_parent
        )
        messages = []
        start = time.perf_counter()
        try:
            if meanwhile is not None:
                meanwhile()
            assert loader.stdout is not None
            for line in loader.stdout:  # one JSON object a line, as each part finishes
                messages.append(json.loads(line))
                if "progress" in messages[-1] and on_progress is not None:
                    on_progress(messages[-1]["progress"])
                if "loaded" in messages[-1] and check is not None:
                    check.seconds["load"] = time.perf_counter() - start
                    check.on_loaded()
            loader.wait()
        finally:
            if loader.poll() is None:
                loader.kill()
                loader.wait()
        if loader.returncode != 0:
            err.seek(0)
            detail = err.read().strip() or f"the loader stopped with exit status {loader.returncode}"
            raise StoreError(
                f"cannot load the Oxigraph store at {target}: {detail} — the previous store was kept"
            )
    if check is not None:
        check.seconds["checks"] = time.perf_counter() - start - check.seconds["load"]
        rows = next(m["rows"] for m in messages if "rows" in m)
        check.judge([[[decode(term) for term in row] for row in answer] for answer in rows])
    return next(int(m["loaded"]) for m in messages if "loaded" in m)


def check_in_scratch(parent: Path, files: list[tuple[Path, URIRef]], check: StagedCheck) -> None:
    """Run `check` on a directory loaded only for it and removed after: for a build whose
    store is not an Oxigraph directory (`memory:`, `sparql:`, `--no-store`)."""
    with tempfile.TemporaryDirectory(dir=parent, prefix=".shapes-") as scratch:
        load_in_child(Path(scratch), files, check)


class OxigraphStore(Store):
    def __init__(self, path: str, create: bool = False) -> None:
        """`create` is for writers (`build`, `push`): nothing is opened until they write,
        so loading a build never holds the old store open."""
        self.descriptor = f"oxigraph:{path}"
        self.path = Path(path)
        self._writable = False
        self._store: ox.Store | None = None
        self._held = contextlib.ExitStack()
        self._locked = False
        if is_oxigraph_store(self.path) and not create:
            try:
                self._store = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"cannot open the Oxigraph store at {path}: {exc}") from exc
        elif not create:
            raise StoreError(
                f"no Oxigraph store at {path} — run `partnergraph build` to make one, "
                "or give the path of an existing store with --store oxigraph:PATH"
            )

    def _busy(self) -> str:
        return (
            f"the Oxigraph store at {self.path} is being written by another process "
            "(another `partnergraph build`, `reason` or `push`?); wait for it and try again"
        )

    def _lock(self) -> None:
        """Held until `close`: one writer at a time, builds included."""
        from ..serve_lock import refuse_if_served

        refuse_if_served(self.path)
        if not self._locked:
            self._held.enter_context(exclusive(store_lock(self.path), self._busy()))
            self._locked = True
            remove_stale(self.path)  # what writers killed before us left; none can be at work now

    def _open_writable(self) -> None:
        if self._writable:
            return
        self._lock()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(self._busy()) from exc
            raise StoreError(f"cannot open the Oxigraph store at {self.path}: {exc}") from exc
        self._writable = True

    @property
    def _handle(self) -> ox.Store:
        if self._store is None:
            raise StoreError(f"no Oxigraph store at {self.path} — run `partnergraph build` to make one")
        return self._store

    def load_build(
        self,
        asserted: Path,
        inferred: Path | None,
        build_id: str | None = None,
        check: StagedCheck | None = None,
        meanwhile: Callable[[], None] | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        """Load a fresh directory beside the live store and swap it in (see `staging`).

        Until the swap the old store answers as before; after it, the new one does.
        Whatever a fault leaves half-done is removed here or by the next writer. A
        `check` that refuses the loaded directory leaves the live store as it was."""
        self._lock()
        files = [(asserted, ASSERTED_GRAPH)]
        if inferred is not None and inferred.is_file():
            files.append((inferred, INFERRED_GRAPH))
        self._swap_in_loaded(files, build_id, check, meanwhile, on_progress=on_progress)

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        """Staged like `load_build` (`reason` replacing the inferences must not leave them
        half-loaded either), and it keeps the build id, since the build it holds is the same.

        When the store has no such graph yet (`reason` right after a build), the new
        directory starts as a checkpoint of the live one, hard links made at once, and only
        the new graph is loaded into it: dumping and reloading every other graph took 43 of
        `reason`'s 68 s at 100,000 claims. Otherwise the other graphs are copied out and
        loaded beside the new one (clearing a graph in a copy was slower still)."""
        self._lock()
        build_id = (read_marker(self.path) or {}).get("id")
        live = self._store
        if live is not None and str(graph) not in self.graph_names():
            self._swap_in_loaded([(turtle, graph)], build_id, start=lambda target: live.backup(str(target)))
            return
        with tempfile.TemporaryDirectory(dir=self.path.parent, prefix=f".{self.path.name}.swap-") as copies:
            files = self._other_graphs_copied(graph, Path(copies))
            files.append((turtle, graph))
            self._swap_in_loaded(files, build_id)

    def _other_graphs_copied(self, graph: URIRef, folder: Path) -> list[tuple[Path, URIRef]]:
        """Each named graph but `graph`, dumped as N-Triples (which Turtle includes)."""
        files: list[tuple[Path, URIRef]] = []
        if self._store is not None:
            for index, other in enumerate(self._store.named_graphs()):
                if isinstance(other, ox.NamedNode) and other.value != str(graph):
                    copy = folder / f"{index}.nt"
                    self._store.dump(copy, ox.RdfFormat.N_TRIPLES, from_graph=other)
                    files.append((copy, URIRef(other.value)))
        return files

    def _swap_in_loaded(
        self,
        files: list[tuple[Path, URIRef]],
        build_id: str | None,
        check: StagedCheck | None = None,
        meanwhile: Callable[[], None] | None = None,
        start: Callable[[Path], None] | None = None,
        on_progress: Callable[[str], None] | None = None,
    ) -> None:
        """`start` makes the new directory (a checkpoint of the live store); by default it
        starts empty."""
        directory_id = new_build_id()  # unique even when the same build is loaded again (`push`)
        build_id = build_id or directory_id
        target = staged_dir(self.path, directory_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            if start is None:
                target.mkdir()
            else:
                start(target)
            write_json_atomically(target / MARKER, {"id": build_id, "state": "loading"})
            triples = load_in_child(target, files, check, meanwhile, on_progress)
            write_json_atomically(target / MARKER, {"id": build_id, "state": "complete", "triples": triples})
        except BaseException:
            retire(target, self.path)
            raise
        self._store, self._writable = None, False
        previous = swap_in(self.path, target, directory_id)
        try:
            self._store = ox.Store.read_only(str(self.path))
        finally:  # a Ctrl-C or SIGTERM here must not leave the store just replaced behind
            if previous is not None and previous.name != target.name:
                retire(previous, self.path)

    def clear_graph(self, graph: URIRef) -> None:
        self._open_writable()
        self._handle.clear_graph(ox.NamedNode(str(graph)))

    def _query(self, sparql: str, dataset: QueryDataset) -> object:
        named = None if dataset.named is None else [ox.NamedNode(g) for g in dataset.named]
        try:
            return self._handle.query(
                sparql, default_graph=[ox.NamedNode(g) for g in dataset.default], named_graphs=named
            )
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc

    def _select(self, sparql: str, dataset: QueryDataset, limit: int | None) -> QueryResult:
        result = self._query(sparql, dataset)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["ask"], [(Term.literal(str(bool(result)).lower(), None, None),)])
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries can be run here")
        variables = [v.value for v in result.variables]
        rows = [tuple(from_oxigraph(solution[v]) for v in variables) for solution in islice(result, limit)]
        return QueryResult(variables, rows)

    def _construct(self, sparql: str, dataset: QueryDataset, limit: int | None) -> list[Triple]:
        result = self._query(sparql, dataset)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("only CONSTRUCT and DESCRIBE queries give triples")
        return [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))  # type: ignore[misc]
            for t in islice(result, limit)
        ]

    def graph_names(self) -> set[str]:
        return {g.value for g in self._handle.named_graphs() if isinstance(g, ox.NamedNode)}

    def triple_count(self, graph: URIRef) -> int:
        result = self._handle.query(COUNT_QUERY, default_graph=ox.NamedNode(str(graph)))
        return int(next(iter(result))["n"].value)  # type: ignore[index,call-overload]

    def close(self) -> None:
        self._store = None
        self._held.close()
        self._locked = False
