"""The default store: embedded Oxigraph on disk, queried through pyoxigraph itself."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import QueryError, StoreError
from .base import QueryResult, Store, Term, default_graphs


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


class OxigraphStore(Store):
    def __init__(self, path: str) -> None:
        self.descriptor = f"oxigraph:{path}"
        self.path = Path(path)
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(f"cannot open the Oxigraph store at {path}: {exc}") from exc

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        name = ox.NamedNode(str(graph))
        self._store.clear_graph(name)
        self._store.bulk_load(path=str(turtle), format=ox.RdfFormat.TURTLE, to_graph=name)
        self._store.flush()

    def clear_graph(self, graph: URIRef) -> None:
        self._store.clear_graph(ox.NamedNode(str(graph)))

    def _select(self, sparql: str, include_inferred: bool) -> QueryResult:
        graphs = [ox.NamedNode(str(g)) for g in default_graphs(include_inferred)]
        try:
            result = self._store.query(sparql, default_graph=graphs)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(["ask"], [(Term.literal(str(bool(result)).lower(), None, None),)])
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries can be run here")
        variables = [v.value for v in result.variables]
        rows = [tuple(from_oxigraph(solution[v]) for v in variables) for solution in result]
        return QueryResult(variables, rows)

    def triple_count(self, graph: URIRef) -> int:
        result = self._store.query(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graph=ox.NamedNode(str(graph))
        )
        return int(next(iter(result))["n"].value)

    def close(self) -> None:
        del self._store
