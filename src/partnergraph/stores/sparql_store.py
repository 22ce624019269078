"""Any SPARQL 1.1 endpoint: the Protocol to query, the Graph Store Protocol to load.

The descriptor is `sparql:QUERY_URL`, optionally followed by `#gsp=STORE_URL`. Without
it the Graph Store endpoint is guessed from the query URL the way the common servers
lay theirs out (Oxigraph `/query` -> `/store`, Fuseki `/ds/query` -> `/ds/data`).
Standard-library HTTP only: one fewer dependency for a team on a locked-down machine.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from rdflib import URIRef

from ..errors import QueryError, StoreError
from .base import QueryResult, Store, Term, default_graphs

TIMEOUT_SECONDS = 120


def guess_graph_store_url(query_url: str) -> str:
    if query_url.endswith("/sparql"):
        return query_url[: -len("/sparql")] + "/data"
    if query_url.endswith("/query"):
        base = query_url[: -len("/query")]
        # Oxigraph serves /query and /store at the root; Fuseki serves /<dataset>/data.
        return base + ("/store" if urllib.parse.urlsplit(base).path in {"", "/"} else "/data")
    raise StoreError(
        f"cannot tell the Graph Store Protocol endpoint of {query_url}: "
        "write the descriptor as sparql:QUERY_URL#gsp=STORE_URL"
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

    @property
    def graph_store_url(self) -> str:
        return self._gsp or guess_graph_store_url(self.query_url)

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

    def _graph_url(self, graph: URIRef) -> str:
        return f"{self.graph_store_url}?{urllib.parse.urlencode({'graph': str(graph)})}"

    def replace_graph(self, graph: URIRef, turtle: Path) -> None:
        request = urllib.request.Request(
            self._graph_url(graph),
            data=turtle.read_bytes(),
            method="PUT",
            headers={"Content-Type": "text/turtle"},
        )
        self._request(request)

    def clear_graph(self, graph: URIRef) -> None:
        request = urllib.request.Request(self._graph_url(graph), method="DELETE")
        try:
            self._request(request)
        except StoreError as exc:
            if "HTTP 404" not in str(exc):  # clearing a graph that does not exist is fine
                raise

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
