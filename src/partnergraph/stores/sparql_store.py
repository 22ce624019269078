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
from functools import cached_property
from pathlib import Path

from rdflib import URIRef

from ..errors import QueryError, StoreError
from .base import QueryResult, Store, Term, default_graphs
from .graph_store import delete_graph, guess_graph_store_url, needs_server_name, put_graph, server_name

TIMEOUT_SECONDS = 120


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

    @cached_property
    def graph_store_url(self) -> str:
        if self._gsp:
            return self._gsp
        server = server_name(self.query_url) if needs_server_name(self.query_url) else ""
        return guess_graph_store_url(self.query_url, server)

    def _request(self, request: urllib.request.Request) -> bytes:
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise QueryError(f"the endpoint refused the query: {detail}") from exc
            raise StoreError(f"{request.full_url}: HTTP {exc.code} {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach {request.full_url}: {exc}") from exc

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        put_graph(self.graph_store_url, str(graph), turtle)

    def clear_graph(self, graph: URIRef) -> None:
        delete_graph(self.graph_store_url, str(graph))

    def _select(self, sparql: str, include_inferred: bool) -> QueryResult:
        return self._query(sparql, default_graphs(include_inferred))

    def _query(self, sparql: str, graphs: list[URIRef]) -> QueryResult:
        """POST the query with the dataset's default graph made of `graphs` (SPARQL Protocol)."""
        form = [("query", sparql)] + [("default-graph-uri", str(g)) for g in graphs]
        request = urllib.request.Request(
            self.query_url,
            data=urllib.parse.urlencode(form).encode(),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        payload = json.loads(self._request(request))
        if "boolean" in payload:
            answer = str(bool(payload["boolean"])).lower()
            return QueryResult(["ask"], [(Term.literal(answer, None, None),)])
        variables = payload["head"].get("vars", [])
        rows = [
            tuple(_term(b[v]) if v in b else None for v in variables) for b in payload["results"]["bindings"]
        ]
        return QueryResult(variables, rows)

    def triple_count(self, graph: URIRef) -> int:
        result = self._query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", [graph])
        return int(result.rows[0][0].value)  # type: ignore[union-attr]
