"""rdflib in memory: for tests and small scripts, and the baseline our benchmarks beat."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.query import Result

from ..errors import QueryError
from ..namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ..query_safety import PARSING, QueryDataset
from .base import QueryResult, Store, Term, Triple, from_rdflib

# rdflib fetches a FROM graph it does not hold from the file or web address it names;
# a store never does (a FROM is checked against the graphs held before it gets here).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
LARGE_TRIPLES = 200_000
"""Above this many triples, `memory:` is the wrong store. rdflib answered a reader's query
on the 10,000-claim benchmark graph (207,000 triples) in seconds, but on the 100,000-claim
one (2.06 million) it took 191 s and 2.6 GB for one query, where Oxigraph takes well
under a second; the seed corpus is a tenth of the limit."""
# A default graph with nothing in it: the dataset of a query that names only named graphs.
_EMPTY_GRAPH = URIRef("urn:x-partnergraph:empty-default-graph")


class MemoryStore(Store):
    def __init__(self, _arg: str = "") -> None:
        self.descriptor = "memory:"
        self._dataset = Dataset(default_union=True)

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        self._dataset.remove_graph(graph)
        self._dataset.graph(graph).parse(turtle, format="turtle")

    @property
    def advice(self) -> str | None:
        """What to say to a user whose graph is too large for rdflib (see LARGE_TRIPLES)."""
        triples = len(self._dataset)
        if triples <= LARGE_TRIPLES:
            return None
        return (
            f"the memory: store holds {triples:,} triples; above {LARGE_TRIPLES:,} rdflib takes minutes "
            "and gigabytes for one query — use the default Oxigraph store (leave out --store memory:)"
        )

    def clear_graph(self, graph: URIRef) -> None:
        self._dataset.remove_graph(graph)

    def _run(self, sparql: str, dataset: QueryDataset) -> Result:
        """The build's own datasets are views of the store; any other is rdflib's dataset
        clause (which copies the graphs it names), replacing whatever FROM the query has."""
        try:
            with PARSING:  # pyparsing is not safe to call from several threads at once
                query = prepareQuery(sparql)
            target: Graph = self._dataset
            if dataset == QueryDataset((str(ASSERTED_GRAPH), str(INFERRED_GRAPH))):
                query.algebra["datasetClause"] = None
            elif dataset == QueryDataset((str(ASSERTED_GRAPH),)):
                query.algebra["datasetClause"] = None
                target = self._dataset.graph(ASSERTED_GRAPH)
            else:
                named = self.graph_names() if dataset.named is None else dataset.named
                query.algebra["datasetClause"] = [
                    CompValue("DatasetClause", default=URIRef(g)) for g in dataset.default or [_EMPTY_GRAPH]
                ] + [CompValue("DatasetClause", named=URIRef(g)) for g in named]
            return target.query(query)
        except Exception as exc:  # rdflib raises pyparsing errors of several kinds
            raise QueryError(f"malformed SPARQL or failed query: {exc}") from exc

    def _select(self, sparql: str, dataset: QueryDataset, limit: int | None) -> QueryResult:
        result = self._run(sparql, dataset)
        if result.type == "ASK":
            return QueryResult(["ask"], [(Term.literal(str(result.askAnswer).lower(), None, None),)])
        if result.type != "SELECT":
            raise QueryError("only SELECT and ASK queries can be run here")
        variables = [str(v) for v in result.vars or []]
        rows = [tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in islice(result, limit)]
        return QueryResult(variables, rows)

    def _construct(self, sparql: str, dataset: QueryDataset, limit: int | None) -> list[Triple]:
        result = self._run(sparql, dataset)
        if result.type not in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError("only CONSTRUCT and DESCRIBE queries give triples")
        return [tuple(from_rdflib(node) for node in triple) for triple in islice(result, limit)]  # type: ignore[misc]

    def graph_names(self) -> set[str]:
        return {str(g.identifier) for g in self._dataset.graphs() if len(g)}

    def triple_count(self, graph: URIRef) -> int:
        return len(self._dataset.graph(graph))
