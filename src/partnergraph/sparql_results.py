"""Running one endpoint query against a store and writing its answer in the format asked for.

Every format is written by pyoxigraph's own serializers (SPARQL results as JSON, XML,
CSV and TSV; graphs as Turtle, N-Triples, JSON-LD and RDF/XML), whatever the backend:
rows come from the store as plain `Term`s, capped while they are read, and reach
pyoxigraph through its JSON results parser — the one format whose writing is a
dictionary, and where a language-tagged literal carries `xml:lang` and no datatype
(rdflib's SPARQLStore refuses a term with both).

This runs in a query worker process (query_workers.py), or in the request's thread on a
`sparql:` store, whose time limit is the HTTP client's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus

import pyoxigraph as ox

from .errors import PartnergraphError
from .query_safety import QueryDataset, QueryRefused
from .stores import QueryResult, Store, Term
from .stores.base import RDF_LANG_STRING, XSD_STRING, QueryTimeout, Triple

# Offered in this order of preference; `*/*` gets the first.
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/x-turtle": ox.RdfFormat.TURTLE,
}
# `?format=` (or `output=`), for links and forms that cannot set Accept.
FORMAT_NAMES = {
    "json": ("application/sparql-results+json", "application/ld+json"),
    "xml": ("application/sparql-results+xml", "application/rdf+xml"),
    "csv": ("text/csv", None),
    "tsv": ("text/tab-separated-values", None),
    "turtle": (None, "text/turtle"),
    "ttl": (None, "text/turtle"),
    "nt": (None, "application/n-triples"),
    "ntriples": (None, "application/n-triples"),
    "jsonld": (None, "application/ld+json"),
    "rdfxml": (None, "application/rdf+xml"),
}


@dataclass(frozen=True)
class Job:
    """One query to answer: its text (prologue included), form, the request's dataset
    (None: the query's FROM, else the build's graphs), the media type and the row cap."""

    text: str
    form: str
    dataset: QueryDataset | None
    media_type: str
    cap: int


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    truncated: bool = False


def media_type_header(media_type: str) -> str:
    """The Content-Type to send: the text formats say their charset."""
    fmt = RESULT_FORMATS.get(media_type) or GRAPH_FORMATS[media_type]
    return fmt.media_type if media_type.startswith("text/") else media_type


def answer(store: Store, job: Job) -> Answer:
    """The job's answer, or its error as a status and message (the caller is another process)."""
    try:
        if job.form in ("CONSTRUCT", "DESCRIBE"):
            triples = store.construct(job.text, dataset=job.dataset, limit=job.cap + 1)
            body = ox.serialize(_oxigraph_triples(triples[: job.cap]), format=GRAPH_FORMATS[job.media_type])
            return Answer(HTTPStatus.OK, body or b"", len(triples) > job.cap)
        result = store.select(job.text, dataset=job.dataset, limit=job.cap + 1)
        document = _results_json(result, job.form, job.cap)
        parsed = ox.parse_query_results(json.dumps(document).encode("utf-8"), ox.QueryResultsFormat.JSON)
        body = parsed.serialize(format=RESULT_FORMATS[job.media_type])
        return Answer(HTTPStatus.OK, body or b"", len(result.rows) > job.cap)
    except QueryTimeout:
        raise
    except QueryRefused as exc:
        return Answer(HTTPStatus.FORBIDDEN, str(exc).encode("utf-8"))
    except PartnergraphError as exc:
        return Answer(HTTPStatus.BAD_REQUEST, str(exc).encode("utf-8"))


def to_oxigraph(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if term.kind == "iri":
        return ox.NamedNode(term.value)
    if term.kind == "bnode":
        return ox.BlankNode(term.value)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or XSD_STRING))


def _oxigraph_triples(triples: Iterable[Triple]) -> list[ox.Triple]:
    return [ox.Triple(*(to_oxigraph(t) for t in triple)) for triple in triples]  # type: ignore[arg-type]


def _results_json(result: QueryResult, form: str, cap: int) -> dict[str, object]:
    """SPARQL 1.1 Query Results JSON of the first `cap` rows (or of an ASK's answer)."""
    if form == "ASK":
        return {"head": {}, "boolean": bool(result.rows) and result.rows[0][0].value == "true"}  # type: ignore[union-attr]
    bindings = [
        {var: _json_term(term) for var, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows[:cap]
    ]
    return {"head": {"vars": result.variables}, "results": {"bindings": bindings}}


def _json_term(term: Term) -> dict[str, str]:
    if term.kind != "literal":
        return {"type": "uri" if term.kind == "iri" else "bnode", "value": term.value}
    entry = {"type": "literal", "value": term.value}
    if term.language:
        entry["xml:lang"] = term.language
    elif term.datatype and term.datatype not in (XSD_STRING, RDF_LANG_STRING):
        entry["datatype"] = term.datatype
    return entry
