"""`serve` dereferences the graph's own IRIs (W3C "Cool URIs for the Semantic Web", 303 URIs):
content negotiation by Accept, 303 See Other from a thing to a document, the documents read
back by rdflib and compared with the build's own Turtle, 404, 406 and HEAD, on a real server."""

from __future__ import annotations

import http.client
import json
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.compare import isomorphic

from browser import serve
from partnergraph import Project, open_store
from partnergraph.explorer import page
from partnergraph.exporting import load_context
from partnergraph.linked_data import BY_EXTENSION, LinkedData, choose, iri_of, local_link, publish
from partnergraph.namespaces import ID
from partnergraph.stores import Store

TRUST = "https://w3id.org/partnergraph/id/concept/trust"
FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
RDF_TYPES = {
    "ttl": ("text/turtle", "turtle"),
    "jsonld": ("application/ld+json", "json-ld"),
    "nt": ("application/n-triples", "nt"),
    "rdf": ("application/rdf+xml", "xml"),
}


@pytest.mark.parametrize(
    ("accept", "extension"),
    [
        ("", "html"),  # no Accept: anything goes, and a person is the likelier asker
        ("*/*", "html"),
        (FIREFOX, "html"),
        (CHROME, "html"),
        ("text/turtle", "ttl"),
        ("TEXT/Turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "rdf"),
        ("text/turtle;q=0.5, application/ld+json", "jsonld"),
        ("text/turtle;q=0.9, application/n-triples;q=0.95", "nt"),
        ("text/*, text/html;q=0", "ttl"),  # the more specific range sets html's quality
        ("application/ld+json;q=0, */*;q=0.1", "html"),
        ("image/png, */*;q=0.01, text/turtle;q=0.02", "ttl"),
        ("text/turtle;q=zero, application/n-triples;q=0.1", "nt"),  # a broken q counts as 0
        ("image/png", None),
        ("*/*;q=0", None),
        ("text/turtle;q=0", None),
    ],
)
def test_accept_chooses_by_quality_and_specificity(accept: str, extension: str | None) -> None:
    chosen = choose(accept)
    assert (chosen.extension if chosen else None) == extension


def test_iris_map_to_local_paths_and_back() -> None:
    assert iri_of("/id/concept/trust") == TRUST
    assert local_link(TRUST) == "/id/concept/trust"
    assert local_link("https://w3id.org/partnergraph/ontology#Claim") == "/ontology#Claim"
    assert local_link("http://purl.org/spar/cito/cites") is None
    assert iri_of("/id/concept/a%3Eb") is None  # could not be an IRI: never reaches a query


@pytest.fixture(scope="module")
def site(built: Project) -> Iterator[str]:
    yield from serve(built)


@pytest.fixture(scope="module")
def graph(built: Project) -> rdflib.Graph:
    """The build's own Turtle, read by rdflib: what every description is checked against."""
    graph = rdflib.Graph().parse(built.graph_file, format="turtle")
    if built.inferred_file.is_file():
        graph.parse(built.inferred_file, format="turtle")
    return graph


def request(site: str, path: str, accept: str | None = None, method: str = "GET") -> http.client.HTTPResponse:
    """One request, redirects not followed, so that a test sees the 303 itself."""
    url = urllib.parse.urlsplit(site)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request(method, path, headers={"Accept": accept} if accept is not None else {})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def expected_description(graph: rdflib.Graph, iri: str) -> set[tuple]:
    node = rdflib.URIRef(iri)
    triples = set(graph.triples((node, None, None))) | set(graph.triples((None, None, node)))
    for subject in {s for s, _, _ in graph.triples((None, None, node))}:
        for name in (rdflib.SKOS.prefLabel, rdflib.RDFS.label):
            triples |= set(graph.triples((subject, name, None)))
    return triples


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        (FIREFOX, "/concept/trust"),
        (CHROME, "/concept/trust"),
        ("text/turtle", "/doc/concept/trust.ttl"),
        ("application/ld+json", "/doc/concept/trust.jsonld"),
        ("application/n-triples", "/doc/concept/trust.nt"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.4", "/doc/concept/trust.rdf"),
        ("*/*", "/concept/trust"),
    ],
)
def test_a_thing_answers_303_to_the_document_the_accept_header_chooses(
    site: str, accept: str, location: str
) -> None:
    response = request(site, "/id/concept/trust", accept)
    assert response.status == 303
    assert response.getheader("Location") == location
    assert response.getheader("Vary") == "Accept"


def test_browsers_go_to_the_explorers_page_or_a_description_page(site: str, graph: rdflib.Graph) -> None:
    assert request(site, "/id/work/cairns2010", FIREFOX).getheader("Location") == "/work/cairns2010"
    claim = next(str(s) for s in graph.subjects(rdflib.RDF.type, rdflib.URIRef(PG_CLAIM)))
    local = claim.removeprefix("https://w3id.org/partnergraph/id/")
    assert request(site, f"/id/{local}", FIREFOX).getheader("Location") == f"/doc/{local}.html"
    page = request(site, f"/doc/{local}.html", FIREFOX)
    assert page.status == 200 and page.getheader("Content-Type") == "text/html; charset=utf-8"
    text = page.body.decode("utf-8")
    about = str(graph.value(rdflib.URIRef(claim), rdflib.URIRef(PG_ABOUT)))
    assert claim in text and f'href="{local_link(about)}"' in text and "<nav>" in text
    # a person reads the concept's name, the compact IRI only as the link's title
    label = str(graph.value(rdflib.URIRef(about), rdflib.SKOS.prefLabel))
    short = "id:" + about.removeprefix("https://w3id.org/partnergraph/id/")
    assert f'href="{local_link(about)}" title="{short}">{label}</a>' in text


PG_CLAIM = "https://w3id.org/partnergraph/ontology#Claim"
PG_ABOUT = "https://w3id.org/partnergraph/ontology#about"


@pytest.mark.parametrize("extension", sorted(RDF_TYPES))
def test_documents_hold_the_resources_triples_as_the_build_wrote_them(
    site: str, graph: rdflib.Graph, extension: str
) -> None:
    media_type, rdflib_format = RDF_TYPES[extension]
    response = request(site, f"/doc/concept/trust.{extension}", "*/*")
    assert response.status == 200
    assert response.getheader("Content-Type").split(";")[0] == media_type
    assert response.getheader("Vary") == "Accept"
    read = rdflib.Graph().parse(data=response.body, format=rdflib_format)
    expected = expected_description(graph, TRUST)
    assert set(read) == expected
    # as object: at least each claim about it, with what points at it labelled where it has a label
    assert any(p == rdflib.URIRef(PG_ABOUT) for _, p, _ in expected)


def test_a_document_url_without_extension_negotiates_and_says_which(site: str, graph: rdflib.Graph) -> None:
    response = request(site, "/doc/concept/trust", "application/n-triples")
    assert response.status == 200 and response.getheader("Content-Type") == "application/n-triples"
    assert response.getheader("Content-Location") == "/doc/concept/trust.nt"
    assert set(rdflib.Graph().parse(data=response.body, format="nt")) == expected_description(graph, TRUST)


def test_rdflib_dereferences_an_iri_through_the_303(site: str, graph: rdflib.Graph) -> None:
    """A linked-data client as it is: its own Accept header, following the redirect itself."""
    read = rdflib.Graph().parse(site + "/id/concept/lack-of-trust")
    assert set(read) == expected_description(graph, TRUST.replace("trust", "lack-of-trust"))


def test_unknown_iris_are_404_and_unmet_accept_headers_406(site: str) -> None:
    for path in ("/id/concept/no-such-thing", "/doc/concept/no-such-thing.ttl", "/doc/concept/no-such"):
        response = request(site, path, "text/turtle")
        assert response.status == 404, path
        assert b"no-such" in response.body
    for path in ("/id/concept/trust", "/doc/concept/trust", "/ontology"):
        response = request(site, path, "image/png, text/turtle;q=0")
        assert response.status == 406, path
        assert b"text/turtle" in response.body  # says what is on offer


def test_head_answers_the_headers_of_get(site: str) -> None:
    head = request(site, "/id/concept/trust", "text/turtle", "HEAD")
    assert head.status == 303 and head.getheader("Location") == "/doc/concept/trust.ttl"
    get = request(site, "/doc/concept/trust.ttl", "text/turtle")
    head = request(site, "/doc/concept/trust.ttl", "text/turtle", "HEAD")
    assert head.status == 200 and head.body == b""
    assert head.getheader("Content-Length") == str(len(get.body)) != "0"
    assert head.getheader("Content-Type") == get.getheader("Content-Type")


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_the_ontology_negotiates_whole_without_a_redirect(
    site: str, built: Project, accept: str, rdflib_format: str
) -> None:
    response = request(site, "/ontology", accept)
    assert response.status == 200 and response.getheader("Vary") == "Accept"
    assert response.getheader("Content-Type").split(";")[0] == accept
    read = rdflib.Graph().parse(data=response.body, format=rdflib_format)
    assert isomorphic(read, rdflib.Graph().parse(built.ontology_file, format="turtle"))


def test_the_ontology_page_anchors_every_term_for_its_hash_iri(site: str, built: Project) -> None:
    response = request(site, "/ontology", FIREFOX)
    assert response.status == 200 and response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert response.getheader("Content-Location") == "/ontology.html"
    text = response.body.decode("utf-8")
    ontology = rdflib.Graph().parse(built.ontology_file, format="turtle")
    pg = "https://w3id.org/partnergraph/ontology#"
    terms = {s.removeprefix(pg) for s in ontology.subjects() if str(s).startswith(pg)}
    assert {"Claim", "about", "Work"} <= terms
    missing = [t for t in terms if f'<section id="{t}">' not in text]
    assert missing == []


def test_publish_writes_every_document_serve_answers(
    site: str, built: Project, graph: rdflib.Graph, tmp_path: Path
) -> None:
    """The static layout w3id/.htaccess redirects to, byte for byte what serve answers, added
    to a folder such as a release: its own ontology page is kept, earlier documents replaced."""
    folder = tmp_path / "latest"
    (folder / "doc" / "concept").mkdir(parents=True)
    (folder / "doc" / "concept" / "dropped-since.ttl").write_text("stale")
    (folder / "doc" / "ontology.html").write_text("the release's pyLODE page")
    with open_store(built.default_store, built) as store:
        count = publish(built, store, folder)
    nodes = {node for s, _, o in graph for node in (s, o) if isinstance(node, rdflib.URIRef)}
    resources = {str(n).removeprefix(str(ID)) for n in nodes if str(n).startswith(str(ID))}
    assert count == len(resources) > 20
    written = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    ontology = {f"ontology/partnergraph.{e}" for e in ("ttl", "jsonld", "nt", "rdf")} | {"doc/ontology.html"}
    documents = {f"doc/{r}.{e}" for r in resources for e in ("html", "ttl", "jsonld", "nt", "rdf")}
    assert written == documents | ontology
    assert (folder / "doc" / "ontology.html").read_text() == "the release's pyLODE page"
    for extension in ("ttl", "nt", "jsonld"):
        served = request(site, f"/doc/concept/trust.{extension}").body
        assert (folder / "doc" / "concept" / f"trust.{extension}").read_bytes() == served
    assert (folder / "ontology" / "partnergraph.ttl").read_bytes() == built.ontology_file.read_bytes()
    page = (folder / "doc" / "concept" / "trust.html").read_text(encoding="utf-8")
    assert f'href="{TRUST.replace("trust", "lack-of-trust")}"' in page  # IRIs link to themselves
    lack = rdflib.URIRef(TRUST.replace("trust", "lack-of-trust"))
    assert f'title="id:concept/lack-of-trust">{graph.value(lack, rdflib.SKOS.prefLabel)}</a>' in page
    assert 'href="trust.ttl"' in page and "<nav>" not in page
    (folder / "doc" / "ontology.html").unlink()
    with open_store(built.default_store, built) as store:
        publish(built, store, folder)
    assert 'href="../ontology/partnergraph.ttl"' in (folder / "doc" / "ontology.html").read_text()


def test_turtle_writes_instance_iris_in_full(site: str) -> None:
    """`id:concept\\/trust` is valid Turtle that Virtuoso reads wrongly: the build's own
    spelling, the full IRI, is kept."""
    text = request(site, "/doc/concept/trust.ttl").body.decode("utf-8")
    assert f"<{TRUST}>" in text and "\\/" not in text and "@prefix skos:" in text


def test_the_current_version_iri_answers_as_the_ontology(site: str, built: Project) -> None:
    ontology = rdflib.Graph().parse(built.ontology_file, format="turtle")
    version = ontology.value(rdflib.URIRef("https://w3id.org/partnergraph/ontology"), rdflib.OWL.versionIRI)
    if version is None:
        pytest.skip("the ontology declares no owl:versionIRI")
    path = "/" + str(version).removeprefix("https://w3id.org/partnergraph/")
    response = request(site, path, "text/turtle")
    assert response.status == 200 and response.body == built.ontology_file.read_bytes()
    assert request(site, "/ontology/0.0.0-never", "text/turtle").status == 404


def test_jsonld_is_compacted_with_the_projects_context_inlined(site: str, built: Project) -> None:
    """Readable keys (`prefLabel`, not a full IRI) and no context to fetch from the web."""
    document = json.loads(request(site, "/doc/concept/trust.jsonld").body)
    assert document["@context"] == load_context(built)
    assert "https://w3id.org/partnergraph/ontology#about" not in json.dumps(document["@graph"])


def test_every_store_backend_gives_the_same_documents(store: Store, built: Project, site: str) -> None:
    """Embedded Oxigraph, rdflib in memory and a SPARQL server: the same bytes as serve's."""
    linked = LinkedData(built, store, page, lambda iri: None)
    assert linked.knows(TRUST) and not linked.knows(TRUST + "-never")
    for extension in ("ttl", "nt", "jsonld"):
        body = linked.serialize(linked.describe(TRUST), BY_EXTENSION[extension])
        assert body == request(site, f"/doc/concept/trust.{extension}").body, extension
