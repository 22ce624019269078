"""rdflib in memory: for tests and small scripts, and the baseline our benchmarks beat."""

from __future__ import annotations

from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from ..errors import QueryError
from ..namespaces import ASSERTED_GRAPH
from .base import QueryResult, Store, Term, from_rdflib


class MemoryStore(Store):
    def __init__(self, _arg: str = "") -> None:
        self.descriptor = "memory:"
        self._dataset = Dataset(default_union=True)

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        self._dataset.remove_graph(graph)
        self._dataset.graph(graph).parse(turtle, format="turtle")

    def clear_graph(self, graph: URIRef) -> None:
        self._dataset.remove_graph(graph)

    def _select(self, sparql: str, include_inferred: bool) -> QueryResult:
        target: Graph = self._dataset if include_inferred else self._dataset.graph(ASSERTED_GRAPH)
        try:
            result = target.query(sparql)
        except Exception as exc:  # rdflib raises pyparsing errors of several kinds
            raise QueryError(f"malformed SPARQL or failed query: {exc}") from exc
        if result.type == "ASK":
            return QueryResult(["ask"], [(Term.literal(str(result.askAnswer).lower(), None, None),)])
        if result.type != "SELECT":
            raise QueryError("only SELECT and ASK queries can be run here")
        variables = [str(v) for v in result.vars or []]
        rows = [tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in result]
        return QueryResult(variables, rows)

    def triple_count(self, graph: URIRef) -> int:
        return len(self._dataset.graph(graph))
