"""`/sparql` of `partnergraph serve`: the SPARQL 1.1 Protocol for queries, read-only.

GET `?query=`, POST as a form or as `application/sparql-query`; results by content
negotiation (JSON, XML, CSV, TSV for SELECT and ASK; Turtle, N-Triples, JSON-LD and
RDF/XML for CONSTRUCT and DESCRIBE; 406 when the Accept header allows none);
`default-graph-uri` / `named-graph-uri` choose the dataset, else the query's FROM /
FROM NAMED; HEAD and OPTIONS; a SPARQL 1.1 Service Description at the URL itself.

What it refuses is decided by parsing the query (query_safety.py): every update form,
SERVICE, a FROM naming a graph the store does not hold. Queries run in worker processes
killed at the time limit (query_workers.py); on a `sparql:` store the HTTP client's
timeout is the limit. At most `RESULT_CAP` rows or triples are returned; a cut answer
stays a valid document and says so in a `Link` header pointing at the service
description's note on the cap (docs/design-notes.md).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from http import HTTPStatus

import pyoxigraph as ox

from .errors import PartnergraphError, QueryError
from .http_response import Response, error
from .namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, sparql_prologue
from .project import Project
from .query_safety import QueryDataset, QueryRefused, inspect_query
from .query_workers import WorkerPool
from .sparql_results import (
    FORMAT_NAMES,
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Answer,
    Job,
    answer,
    media_type_header,
)
from .stores import Store, open_store
from .stores.base import QueryTimeout

QUERY_SECONDS = 10.0
RESULT_CAP = 10_000
ALLOW = "GET, HEAD, POST, OPTIONS"
CAP_NOTE = "result-cap"
RELATION = "describedby"
SD_FORMATS = (
    *("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"),
    *("Turtle", "N-Triples", "JSON-LD", "RDF_XML"),
)
_HOST = re.compile(r"[A-Za-z0-9.:\[\]-]+")


def negotiate(accept: str, offers: list[str]) -> str | None:
    """The offer the Accept header rates highest (RFC 9110 §12.5.1: the most specific
    range sets an offer's quality; q=0 excludes it); ties go to the earlier offer.
    No Accept header means anything is acceptable."""
    ranges: list[tuple[str, float]] = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    if not ranges:
        return offers[0] if offers else None
    best, best_quality = None, 0.0
    for offer in offers:
        family = offer.split("/")[0] + "/*"
        rank, quality = -1, 0.0
        for media, q in ranges:
            fit = 2 if media == offer else 1 if media == family else 0 if media == "*/*" else -1
            if fit > rank:
                rank, quality = fit, q
            elif fit == rank and fit >= 0:
                quality = max(quality, q)
        if quality > best_quality:
            best, best_quality = offer, quality
    return best


class SparqlEndpoint:
    """The endpoint over one store; `handle` is called from the server's threads."""

    def __init__(self, project: Project, store: Store) -> None:
        self.project, self.store = project, store
        self._remote: Store | None = None
        self._pool: WorkerPool | None = None
        if store.descriptor.startswith("sparql:"):
            self._remote = open_store(store.descriptor)
        else:
            self._pool = WorkerPool(store.descriptor, project)

    @property
    def pool(self) -> WorkerPool | None:
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()

    def handle(
        self, method: str, params: Mapping[str, list[str]], headers: Mapping[str, str], body: bytes
    ) -> Response:
        if method == "OPTIONS":
            return Response(
                HTTPStatus.NO_CONTENT, b"", "text/plain; charset=utf-8", headers=(("Allow", ALLOW),)
            )
        if method not in ("GET", "HEAD", "POST"):
            return error(HTTPStatus.METHOD_NOT_ALLOWED, f"{method} is not allowed here", (("Allow", ALLOW),))
        fields = {k: list(v) for k, v in params.items()}
        if method == "POST":
            kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
            text = body.decode("utf-8", "replace")
            if kind == "application/sparql-update":
                return _refused("updates are refused: this endpoint is read-only")
            if kind == "application/sparql-query":
                fields["query"] = [text]
            elif kind == "application/x-www-form-urlencoded":
                for name, values in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    fields.setdefault(name, []).extend(values)
            else:
                return error(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    "POST a query as application/sparql-query or as a form "
                    "(application/x-www-form-urlencoded)",
                )
        if "update" in fields:
            return _refused("updates are refused: this endpoint is read-only")
        queries = fields.get("query", [])
        if not queries:
            if method == "POST":
                return error(HTTPStatus.BAD_REQUEST, "give a SPARQL query as query= or in the request body")
            return self.service_description(headers)
        if len(queries) > 1:
            return error(HTTPStatus.BAD_REQUEST, "give one query, not several")
        return self._query(queries[0], fields, headers)

    def _query(self, text: str, fields: Mapping[str, list[str]], headers: Mapping[str, str]) -> Response:
        declared = sparql_prologue() + text
        try:
            shape = inspect_query(text, sparql_prologue())
        except QueryRefused as exc:
            return _refused(str(exc))
        except QueryError as exc:
            return error(HTTPStatus.BAD_REQUEST, str(exc))
        graph = shape.form in ("CONSTRUCT", "DESCRIBE")
        offers = list(GRAPH_FORMATS if graph else RESULT_FORMATS)
        asked = (fields.get("format") or fields.get("output") or [""])[0].lower()
        if asked:
            media = FORMAT_NAMES.get(asked, (None, None))[1 if graph else 0]
            if media is None:
                return error(HTTPStatus.NOT_ACCEPTABLE, f"format={asked} does not fit a {shape.form} query")
        else:
            media = negotiate(headers.get("Accept") or "", offers)
            if media is None:
                return error(
                    HTTPStatus.NOT_ACCEPTABLE,
                    f"a {shape.form} answer is available as " + ", ".join(offers),
                    (("Vary", "Accept"),),
                )
        default, named = fields.get("default-graph-uri"), fields.get("named-graph-uri")
        dataset = QueryDataset(tuple(default or ()), tuple(named or ())) if default or named else None
        job = Job(declared, shape.form, dataset, media, RESULT_CAP)
        try:
            reply = self._run(job)
        except QueryTimeout as exc:
            return error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc), (("Retry-After", "5"),))
        except PartnergraphError as exc:
            return error(HTTPStatus.INTERNAL_SERVER_ERROR, str(exc))
        if reply.status != HTTPStatus.OK:
            return error(reply.status, reply.body.decode("utf-8"))
        extra = [("Vary", "Accept")]
        if reply.truncated:
            note = f"<{self._url(headers)}#{CAP_NOTE}>"
            extra.append(("Link", f'{note}; rel="{RELATION}"; title="cut at {RESULT_CAP} rows or triples"'))
        return Response(HTTPStatus.OK, reply.body, media_type_header(media), headers=tuple(extra))

    def _run(self, job: Job) -> Answer:
        if self._pool is not None:
            return self._pool.run(job, QUERY_SECONDS)
        assert self._remote is not None
        self._remote.timeout = QUERY_SECONDS  # type: ignore[attr-defined]
        return answer(self._remote, job)

    def service_description(self, headers: Mapping[str, str]) -> Response:
        """SPARQL 1.1 Service Description of this endpoint, in the RDF format asked for
        (Turtle when the Accept header names none of them, e.g. a browser's)."""
        url = self._url(headers)
        media = negotiate(headers.get("Accept") or "", list(GRAPH_FORMATS)) or "text/turtle"
        graphs = ", ".join(f"[ a sd:NamedGraph ; sd:name <{g}> ]" for g in (ASSERTED_GRAPH, INFERRED_GRAPH))
        formats = ", ".join(f"fmt:{name}" for name in SD_FORMATS)
        turtle = f"""
@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix fmt: <http://www.w3.org/ns/formats/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<{url}> a sd:Service ;
  sd:endpoint <{url}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:resultFormat {formats} ;
  sd:feature sd:UnionDefaultGraph ;
  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ; sd:namedGraph {graphs} ] ;
  rdfs:comment '''Read-only: updates, SERVICE and FROM of graphs the store does not hold are refused. A query
 runs for at most {QUERY_SECONDS:g} s (then 503).''' ;
  rdfs:seeAlso <{url}#{CAP_NOTE}> .
<{url}#{CAP_NOTE}> rdfs:label "Result cap" ;
  rdfs:comment '''At most {RESULT_CAP} rows (SELECT) or triples (CONSTRUCT, DESCRIBE) are returned. An answer
 cut there is still a complete document in its format, and carries the HTTP header
 Link: <{url}#{CAP_NOTE}>; rel="{RELATION}" ; an answer without it is whole.''' .
"""
        triples = ox.parse(turtle.encode("utf-8"), format=ox.RdfFormat.TURTLE)
        body = ox.serialize(triples, format=GRAPH_FORMATS[media]) or b""
        return Response(HTTPStatus.OK, body, media_type_header(media), headers=(("Vary", "Accept"),))

    @staticmethod
    def _url(headers: Mapping[str, str]) -> str:
        """The endpoint's address as the client named it (a Host that is not a host name
        and port is not echoed into the description)."""
        host = headers.get("Host") or ""
        return f"http://{host if _HOST.fullmatch(host) else '127.0.0.1'}/sparql"


def _refused(message: str) -> Response:
    return error(HTTPStatus.FORBIDDEN, message)
