"""Any SPARQL 1.1 endpoint: the Protocol to query, the Graph Store Protocol to load.

The descriptor is `sparql:QUERY_URL`, optionally followed by `#gsp=STORE_URL`. Without
it the Graph Store endpoint is guessed from the query URL the way the common servers
lay theirs out (graph_store.py). Standard-library HTTP only: one fewer dependency for a
team on a locked-down machine.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from functools import cached_property
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from ..errors import QueryError, StoreError
from ..namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from ..query_safety import QueryDataset
from .base import QueryResult, QueryTimeout, Store, Term, Triple
from .graph_store import delete_graph, guess_graph_store_url, needs_server_name, put_graph, server_name
from .oxigraph_store import from_oxigraph

TIMEOUT_SECONDS = 120


def _row_cap(headers: Message) -> int | None:
    value = headers.get("X-SPARQL-MaxRows", "")
    return int(value) if value.strip().isdigit() else None


def _check_not_cut(query_url: str, cap: int | None, count: int, limit: int | None) -> None:
    """Virtuoso ends an answer at its ResultSetMaxRows (10,000 in Debian's ini) and says
    so only in a header; a table or gap map made from it would silently lack rows."""
    if cap is not None and count >= cap and (limit is None or limit > cap):
        raise StoreError(
            f"the server at {query_url} stopped at its limit of {cap} rows "
            "(X-SPARQL-MaxRows), so the answer may be cut: raise the limit (on Virtuoso, "
            "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini) or narrow the query"
        )


def _term(binding: dict[str, str]) -> Term:
    kind = binding["type"]
    if kind == "uri":
        return Term("iri", binding["value"])
    if kind == "bnode":
        return Term("bnode", binding["value"])
    return Term.literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


class SparqlStore(Store):
    def __init__(self, url: str) -> None:
        query_url, _, fragment = url.partition("#")
        self.descriptor = f"sparql:{url}"
        self.query_url = query_url
        options = dict(urllib.parse.parse_qsl(fragment))
        self._gsp = options.get("gsp")
        self.timeout: float = TIMEOUT_SECONDS

    @cached_property
    def graph_store_url(self) -> str:
        if self._gsp:
            return self._gsp
        server = server_name(self.query_url) if needs_server_name(self.query_url) else ""
        return guess_graph_store_url(self.query_url, server)

    def _request(self, request: urllib.request.Request) -> tuple[bytes, str, int | None]:
        """The body and media type of the answer, and the row limit it says it was cut at.
        Past `timeout` the query is given up with `QueryTimeout`: on a server the HTTP
        client's limit is the only one we hold."""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers.get_content_type(), _row_cap(response.headers)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise QueryError(f"the endpoint refused the query: {detail}") from exc
            raise StoreError(f"{request.full_url}: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
                raise QueryTimeout(f"the query ran longer than {self.timeout:g} s and was stopped") from exc
            raise StoreError(f"cannot reach {request.full_url}: {exc}") from exc

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        put_graph(self.graph_store_url, str(graph), turtle)

    def clear_graph(self, graph: URIRef) -> None:
        delete_graph(self.graph_store_url, str(graph))

    def _post(self, sparql: str, dataset: QueryDataset | None, accept: str) -> tuple[bytes, str, int | None]:
        """POST the query with its dataset as the SPARQL Protocol's graph parameters."""
        form = [("query", sparql)]
        if dataset is not None:
            named = (str(ASSERTED_GRAPH), str(INFERRED_GRAPH)) if dataset.named is None else dataset.named
            form += [("default-graph-uri", g) for g in dataset.default]
            form += [("named-graph-uri", g) for g in named]
        request = urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        )
        return self._request(request)

    def _select(self, sparql: str, dataset: QueryDataset | None, limit: int | None) -> QueryResult:
        body, _, cap = self._post(sparql, dataset, "application/sparql-results+json")
        payload = json.loads(body)
        if "boolean" in payload:
            answer = str(bool(payload["boolean"])).lower()
            return QueryResult(["ask"], [(Term.literal(answer, None, None),)])
        variables = payload["head"].get("vars", [])
        _check_not_cut(self.query_url, cap, len(payload["results"]["bindings"]), limit)
        rows = [
            tuple(_term(b[v]) if v in b else None for v in variables)
            for b in islice(payload["results"]["bindings"], limit)
        ]
        return QueryResult(variables, rows)

    def _construct(self, sparql: str, dataset: QueryDataset, limit: int | None) -> list[Triple]:
        body, kind, cap = self._post(sparql, dataset, "application/n-triples, text/turtle;q=0.9")
        rdf_format = ox.RdfFormat.from_media_type(kind) or ox.RdfFormat.N_TRIPLES
        triples = [
            (from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object))
            for t in islice(ox.parse(body, format=rdf_format), limit)
        ]
        _check_not_cut(self.query_url, cap, len(triples), limit)
        return triples  # type: ignore[return-value]

    def graph_names(self) -> set[str]:
        result = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None, None)
        return {term.value for term in result.column("g") if term is not None}

    def triple_count(self, graph: URIRef) -> int:
        result = self._select(
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", QueryDataset((str(graph),), ()), None
        )
        return int(result.rows[0][0].value)  # type: ignore[union-attr]
