"""Real SPARQL clients against `partnergraph serve` on 127.0.0.1: SPARQLWrapper (every results
format, GET and POST, CONSTRUCT, an update refused) and rdflib's SPARQLStore (language-tagged
literals, ASK, CONSTRUCT) — the clients whose failures issue 14 reported."""

from __future__ import annotations

import csv
import io
import threading
import urllib.error
from collections.abc import Iterator

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from partnergraph import Project, open_store
from partnergraph.explorer import make_server
from partnergraph.namespaces import ASSERTED_GRAPH

PREFIXES = """PREFIX pg: <https://w3id.org/partnergraph/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
BARRIERS = PREFIXES + "SELECT ?label WHERE { ?c a pg:Barrier ; skos:prefLabel ?label } ORDER BY ?label"
LABELS = ["Competition between partners", "Lack of trust", "Power imbalance"]
CONSTRUCT = (
    PREFIXES + "CONSTRUCT { ?c skos:prefLabel ?label } WHERE { ?c a pg:Barrier ; skos:prefLabel ?label }"
)


@pytest.fixture(scope="module")
def endpoint(built: Project) -> Iterator[str]:
    project = built
    store = open_store(project.default_store, project)
    server = make_server(project, store, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()
    store.close()


def wrapper(url: str, query: str, fmt: str, method: str | None = None) -> SPARQLWrapper:
    client = SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_reads_json_and_xml(endpoint: str, method: str | None) -> None:
    rows = wrapper(endpoint, BARRIERS, JSON, method).queryAndConvert()["results"]["bindings"]
    assert [r["label"] for r in rows] == [{"type": "literal", "value": v, "xml:lang": "en"} for v in LABELS]
    document = wrapper(endpoint, BARRIERS, XML, method).queryAndConvert()
    literals = document.getElementsByTagName("literal")
    assert [(n.firstChild.data, n.getAttribute("xml:lang")) for n in literals] == [(v, "en") for v in LABELS]


@pytest.mark.parametrize("method", [None, POST])
def test_sparqlwrapper_reads_csv_and_tsv(endpoint: str, method: str | None) -> None:
    text = wrapper(endpoint, BARRIERS, CSV, method).queryAndConvert().decode("utf-8")
    assert list(csv.reader(io.StringIO(text))) == [["label"], *([v] for v in LABELS)]
    text = wrapper(endpoint, BARRIERS, TSV, method).queryAndConvert().decode("utf-8")
    assert text.splitlines() == ["?label", *(f'"{v}"@en' for v in LABELS)]


@pytest.mark.parametrize("fmt", [TURTLE, XML, JSON])
def test_sparqlwrapper_construct(endpoint: str, fmt: str) -> None:
    result = wrapper(endpoint, CONSTRUCT, fmt).query()
    data = result.response.read()
    kind = result.response.headers.get_content_type()
    parse_as = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}
    graph = rdflib.Graph().parse(data=data, format=parse_as[kind])
    assert sorted(str(o) for o in graph.objects()) == LABELS


def test_sparqlwrapper_update_is_refused(endpoint: str) -> None:
    client = SPARQLWrapper(endpoint)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")  # SPARQLWrapper sends it as update=
    with pytest.raises(urllib.error.HTTPError) as refused:  # SPARQLWrapper wraps 400, 404, 500 only
        client.query()
    assert refused.value.code == 403 and b"read-only" in refused.value.read()


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore_select_and_ask(endpoint: str, return_format: str) -> None:
    graph = rdflib.Graph(SPARQLStore(endpoint, returnFormat=return_format))
    rows = list(graph.query(BARRIERS))
    assert [row[0] for row in rows] == [rdflib.Literal(v, lang="en") for v in LABELS]
    assert graph.query(PREFIXES + "ASK { ?c a pg:Theory }").askAnswer is True
    assert graph.query(PREFIXES + "ASK { ?c a pg:NoSuchClass }").askAnswer is False


def test_rdflib_sparqlstore_construct(endpoint: str) -> None:
    """Its default return format asks for RDF/XML for a graph (with returnFormat='json' it
    accepts SPARQL JSON results only, which no graph can be: 406, as from any server)."""
    graph = rdflib.Graph(SPARQLStore(endpoint))
    constructed = graph.query(CONSTRUCT).graph
    assert sorted(constructed.objects()) == [rdflib.Literal(v, lang="en") for v in LABELS]


def test_rdflib_sparqlstore_names_the_default_graph(endpoint: str) -> None:
    """SPARQLStore's default-graph-uri (a Graph over one named graph) selects it."""
    graph = rdflib.Graph(SPARQLStore(endpoint, returnFormat="json"), identifier=ASSERTED_GRAPH)
    assert len(list(graph.query(BARRIERS))) == 3
    empty = rdflib.Graph(SPARQLStore(endpoint, returnFormat="json"), identifier=rdflib.URIRef("urn:none"))
    assert list(empty.query(BARRIERS)) == []
