"""The default store: embedded Oxigraph on disk, queried through pyoxigraph itself.

Readers open the store read-only, so any number of them (`evidence` in one terminal,
`serve` in another) run side by side; RocksDB allows only one writer, so the store
reopens itself read-write on the first write (`build`, `reason`, `push`), and a
writer that finds the lock taken says who holds it instead of printing RocksDB's
"No locks available".
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import QueryError, StoreError
from ..query_safety import QueryDataset
from .base import QueryResult, Store, Term, Triple


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


class OxigraphStore(Store):
    def __init__(self, path: str, create: bool = False) -> None:
        self.descriptor = f"oxigraph:{path}"
        self.path = Path(path)
        self._writable = False
        if is_oxigraph_store(self.path):
            try:
                self._store = ox.Store.read_only(str(self.path))
            except OSError as exc:
                raise StoreError(f"cannot open the Oxigraph store at {path}: {exc}") from exc
        elif create:
            self._open_writable()
        else:
            raise StoreError(
                f"no Oxigraph store at {path} — run `partnergraph build` to make one, "
                "or give the path of an existing store with --store oxigraph:PATH"
            )

    def _open_writable(self) -> None:
        if self._writable:
            return
        from ..serve_lock import refuse_if_served

        refuse_if_served(self.path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"the Oxigraph store at {self.path} is being written by another process "
                    "(another `partnergraph build`, `reason` or `push`?); wait for it and try again"
                ) from exc
            raise StoreError(f"cannot open the Oxigraph store at {self.path}: {exc}") from exc
        self._writable = True

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        self._open_writable()
        name = ox.NamedNode(str(graph))
        self._store.clear_graph(name)
        self._store.bulk_load(path=str(turtle), format=ox.RdfFormat.TURTLE, to_graph=name)
        self._store.flush()

    def clear_graph(self, graph: URIRef) -> None:
        self._open_writable()
        self._store.clear_graph(ox.NamedNode(str(graph)))

    def _query(self, sparql: str, dataset: QueryDataset) -> object:
        named = None if dataset.named is None else [ox.NamedNode(g) for g in dataset.named]
        try:
            return self._store.query(
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
        return {g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)}

    def triple_count(self, graph: URIRef) -> int:
        result = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(str(graph))
        )
        return int(next(iter(result))["n"].value)

    def close(self) -> None:
        del self._store
