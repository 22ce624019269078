"""The one interface every reading command uses, whatever holds the graph.

Results come back as plain `Term`s rather than rdflib nodes: converting every cell to
rdflib objects is what made oxrdflib several times slower than pyoxigraph itself in
our measurements (DESIGN.md), and plain values compare equal across backends, which
is what the compliance tests check.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from ..errors import QueryError, StoreError
from ..namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ..query_safety import QueryDataset, QueryRefused, declared_dataset

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, slots=True)
class Term:
    """An RDF term in a query result: 'iri', 'literal' or 'bnode', with its lexical value."""

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    def __str__(self) -> str:
        return self.value

    @classmethod
    def literal(cls, value: str, datatype: str | None, language: str | None) -> Term:
        """Normalises the two spellings of a plain string across RDF 1.0 and 1.1 backends."""
        if language:
            return cls("literal", value, RDF_LANG_STRING, language.lower())
        return cls("literal", value, datatype or XSD_STRING, None)

    def to_python(self) -> str | int | float | bool:
        if self.kind == "literal" and self.datatype:
            name = self.datatype.rsplit("#", 1)[-1]
            try:
                if name in {"integer", "int", "long", "nonNegativeInteger"}:
                    return int(self.value)
                if name in {"decimal", "double", "float"}:
                    return float(self.value)
            except ValueError:
                return self.value
            if name == "boolean":
                return self.value in {"true", "1"}
        return self.value


@dataclass(frozen=True)
class QueryResult:
    """The solutions of a SELECT (or the answer of an ASK, as one row with ?ask)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Term | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, Term | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


Triple = tuple[Term, Term, Term]


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped."""


def from_rdflib(node: Identifier | None) -> Term | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return Term("iri", str(node))
    if isinstance(node, BNode):
        return Term("bnode", str(node))
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype else None
        return Term.literal(str(node), datatype, node.language)
    raise TypeError(f"unexpected RDF term {node!r}")


class Store(ABC):
    """A place that holds the built graph: the asserted triples and the inferred ones."""

    descriptor: str

    @abstractmethod
    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        """Make `graph` hold exactly the triples of the Turtle file."""

    @abstractmethod
    def clear_graph(self, graph: URIRef) -> None: ...

    def select(
        self,
        sparql: str,
        bindings: Mapping[str, Identifier] | None = None,
        *,
        include_inferred: bool = True,
        dataset: QueryDataset | None = None,
        limit: int | None = None,
    ) -> QueryResult:
        """Run a SELECT or ASK query over the asserted (and inferred) graphs.

        `bindings` pre-binds variables to RDF terms, the same way on every backend.
        `dataset` is a request's (the protocol's `default-graph-uri`); without it the
        query's own FROM / FROM NAMED decide, and without those the build's graphs.
        `limit` stops reading solutions after that many, so a cap costs no memory.
        """
        text = inline_bindings(sparql, bindings or {})
        return self._select(text, self.dataset_for(text, dataset, include_inferred), limit)

    def construct(
        self, sparql: str, *, dataset: QueryDataset | None = None, limit: int | None = None
    ) -> list[Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query, over the dataset `select` would use."""
        return self._construct(sparql, self.dataset_for(sparql, dataset, True), limit)

    def dataset_for(self, text: str, given: QueryDataset | None, include_inferred: bool) -> QueryDataset:
        """A FROM may only name a graph this store holds: no backend ever fetches one
        from a file or the web (rdflib would, for `FROM <file:///...>`)."""
        if given is not None:
            return given
        declared = declared_dataset(text)
        if declared is None:
            return QueryDataset(tuple(str(g) for g in default_graphs(include_inferred)))
        held = self.graph_names()
        for graph in (*declared.default, *(declared.named or ())):
            if graph not in held:
                raise QueryRefused(
                    f"FROM <{graph}>: the store holds no such graph (it holds "
                    + ", ".join(f"<{g}>" for g in sorted(held))
                    + "); graphs are never fetched from files or other servers"
                )
        return declared

    @abstractmethod
    def _select(self, sparql: str, dataset: QueryDataset, limit: int | None) -> QueryResult: ...

    @abstractmethod
    def _construct(self, sparql: str, dataset: QueryDataset, limit: int | None) -> list[Triple]: ...

    @abstractmethod
    def graph_names(self) -> set[str]:
        """The IRIs of the named graphs the store holds."""

    @abstractmethod
    def triple_count(self, graph: URIRef) -> int: ...

    def close(self) -> None:  # noqa: B027 - most backends hold nothing to release
        """Release files or connections."""

    def load_build(self, asserted: Path, inferred: Path | None, build_id: str | None = None) -> None:
        """Replace the store's content with a build's output. `build_id` is recorded by
        backends that can (Oxigraph), so readers can tell the store holds that build."""
        self.replace_graph(ASSERTED_GRAPH, asserted)
        if inferred is not None and inferred.is_file():
            self.replace_graph(INFERRED_GRAPH, inferred)
        else:
            self.clear_graph(INFERRED_GRAPH)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SAFE_IRI = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def _skip_prologue_position(query: str) -> int:
    """Index just after the first '{' outside IRIs, strings and comments: the WHERE group."""
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch == "#":
            i = query.find("\n", i)
            i = n if i < 0 else i
        elif ch == "<" and re.match(r"<[^<>\"{}|^`\\\s]*>", query[i:]):
            i = query.index(">", i)
        elif ch in "\"'":
            quote = query[i : i + 3] if query[i : i + 3] in ('"""', "'''") else ch
            i = query.find(quote, i + len(quote))
            if i < 0:
                break
            i += len(quote) - 1
        elif ch == "{":
            return i + 1
        i += 1
    raise QueryError("the query has no WHERE { ... } group to bind parameters in")


def inline_bindings(query: str, bindings: Mapping[str, Identifier]) -> str:
    """Bind variables for an endpoint that knows no substitution: a VALUES block of
    RDF terms serialised by rdflib (escaped as N-Triples), opening the WHERE group."""
    if not bindings:
        return query
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"'{name}' is not a SPARQL variable name")
        if isinstance(term, URIRef) and not _SAFE_IRI.fullmatch(str(term)):
            raise QueryError(f"'{term}' is not a valid IRI for parameter '{name}'")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    at = _skip_prologue_position(query)
    return f"{query[:at]} VALUES ({names}) {{ ({values}) }} {query[at:]}"


def default_graphs(include_inferred: bool) -> list[URIRef]:
    return [ASSERTED_GRAPH, INFERRED_GRAPH] if include_inferred else [ASSERTED_GRAPH]
