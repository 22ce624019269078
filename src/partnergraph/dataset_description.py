"""The release's VoID and DCAT description: what a crawler, a registry or a catalogue reads.

Counts come from the graph itself by SPARQL (triples, entities per class, triples per
property), and each dump is described by its file (bytes, SHA-256), so the description
can be checked against both. Nothing in it reads the clock: dates are the release's.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, VOID, XSD

from .build_manifest import sha256_file
from .namespaces import ID, PG

SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "https://www.iana.org/assignments/media-types/"
DATASET = ID["dataset"]
DCAT_VERSION = URIRef("http://www.w3.org/ns/dcat#version")
"""DCAT 3; rdflib's DCAT namespace is DCAT 2's and lacks it."""
VOCABULARIES = (
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://purl.org/ontology/bibo/",
    "http://purl.org/spar/fabio/",
    "http://purl.org/spar/cito/",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/oa#",
)


@dataclass(frozen=True)
class Dump:
    """One file of the release, described as a dcat:Distribution."""

    path: Path
    title: str
    media_type: str

    @property
    def compressed(self) -> bool:
        return self.path.suffix == ".gz"


@dataclass(frozen=True)
class Release:
    """What the description says about the release as a whole."""

    version: str
    date: str
    created: str
    licence: str
    title: str
    description: str
    base_url: str
    endpoint: str
    creator: str

    @property
    def citation(self) -> str:
        """The one citation text the description, the README and CITATION.cff agree on."""
        return f"{self.creator} ({self.date[:4]}). {self.title}, version {self.version}. {self.base_url}"


@dataclass(frozen=True)
class GraphCounts:
    """VoID's statistics of the union of the graphs."""

    triples: int
    classes: dict[str, int]
    properties: dict[str, int]
    subjects: int
    objects: int


def graph_counts(quads: list[ox.Quad]) -> GraphCounts:
    """Triples, entities per class, triples per property, distinct subjects and objects,
    by SPARQL over an in-memory Oxigraph store (counts only: its literal normalisation
    cannot change them)."""
    store = ox.Store()
    store.extend(quads)
    union = {"use_default_graph_as_union": True}

    def rows(query: str) -> list[ox.QuerySolution]:
        return list(store.query(query, **union))  # type: ignore[arg-type]

    total = int(rows("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")[0]["n"].value)
    classes = {
        r["c"].value: int(r["n"].value)
        for r in rows("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c")
    }
    properties = {
        r["p"].value: int(r["n"].value)
        for r in rows(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } } GROUP BY ?p"
        )
    }
    subjects = int(rows("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    objects = int(rows("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")[0]["n"].value)
    return GraphCounts(total, classes, properties, subjects, objects)


def example_resources(quads: list[ox.Quad]) -> list[str]:
    """A concept, a claim and a work with the most claims: where a newcomer starts reading."""
    store = ox.Store()
    store.extend(quads)
    examples = []
    for prop in (PG.about, PG.assertedBy, PG.reportedIn):
        query = (
            f"SELECT ?x (COUNT(*) AS ?n) WHERE {{ ?c <{prop}> ?x }} GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1"
        )
        examples += [r["x"].value for r in store.query(query, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    claim = f"SELECT ?c WHERE {{ ?c a <{PG.Claim}> }} ORDER BY ?c LIMIT 1"
    examples += [r["c"].value for r in store.query(claim, use_default_graph_as_union=True)]  # type: ignore[union-attr]
    return examples


def describe(
    release: Release, quads: list[ox.Quad], counts: GraphCounts, dumps: list[Dump], root: Path
) -> Graph:
    """VoID (statistics, partitions, vocabularies, URI space, endpoint, examples) and
    DCAT 3 (distributions with media type, size and checksum) in one graph."""
    g = Graph(base=release.base_url)
    for prefix, ns in (
        ("void", VOID),
        ("dcat", DCAT),
        ("spdx", SPDX),
        ("pg", PG),
        ("foaf", FOAF),
        ("sd", SD),
    ):
        g.bind(prefix, ns)
    ds = DATASET
    total, classes, properties = counts.triples, counts.classes, counts.properties
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, DCTERMS.title, Literal(release.title, lang="en")))
    g.add((ds, DCTERMS.description, Literal(release.description, lang="en")))
    g.add((ds, DCTERMS.license, URIRef(release.licence)))
    g.add((ds, DCAT_VERSION, Literal(release.version)))
    g.add((ds, OWL.versionInfo, Literal(release.version)))
    g.add((ds, DCTERMS.created, Literal(release.created, datatype=XSD.date)))
    g.add((ds, DCTERMS.modified, Literal(release.date, datatype=XSD.date)))
    g.add((ds, DCTERMS.issued, Literal(release.date, datatype=XSD.date)))
    g.add((ds, DCTERMS.conformsTo, URIRef(str(PG).rstrip("#"))))
    g.add((ds, VOID.uriSpace, Literal(str(ID))))
    g.add((ds, VOID.sparqlEndpoint, URIRef(release.endpoint)))
    for vocabulary in (str(PG), *VOCABULARIES):
        g.add((ds, VOID.vocabulary, URIRef(vocabulary)))
    for example in example_resources(quads):
        g.add((ds, VOID.exampleResource, URIRef(example)))
    creator = BNode("creator")
    g.add((ds, DCTERMS.creator, creator))
    g.add((creator, RDF.type, FOAF.Organization))
    g.add((creator, FOAF.name, Literal(release.creator)))
    g.add((ds, DCTERMS.bibliographicCitation, Literal(release.citation)))
    _graph_subsets(g, ds, quads)
    g.add((ds, VOID.triples, Literal(total)))
    g.add((ds, VOID.distinctSubjects, Literal(counts.subjects)))
    g.add((ds, VOID.distinctObjects, Literal(counts.objects)))
    g.add((ds, VOID.classes, Literal(len(classes))))
    g.add((ds, VOID.properties, Literal(len(properties))))
    for cls, entities in sorted(classes.items()):
        part = BNode(f"class-{hashlib.sha256(cls.encode()).hexdigest()[:16]}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(entities)))
    for prop, triples in sorted(properties.items()):
        part = BNode(f"property-{hashlib.sha256(prop.encode()).hexdigest()[:16]}")
        g.add((ds, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(prop)))
        g.add((part, VOID.triples, Literal(triples)))
    for dump in dumps:
        _distribution(g, ds, dump, root, release)
    return g


def _graph_subsets(g: Graph, ds: URIRef, quads: list[ox.Quad]) -> None:
    """The asserted and the inferred graph, each a VoID subset named as the store names it."""
    for graph, triples in sorted(Counter(q.graph_name.value for q in quads).items()):  # type: ignore[union-attr]
        subset = URIRef(f"{ds}/{graph.rsplit('/', 1)[-1]}")
        g.add((ds, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, SD.name, URIRef(graph)))
        g.add((subset, VOID.triples, Literal(triples)))


def _distribution(g: Graph, ds: URIRef, dump: Dump, root: Path, release: Release) -> None:
    relative = dump.path.relative_to(root).as_posix()
    url = URIRef(release.base_url + relative)
    dist = URIRef(f"{release.base_url}#{relative}")
    g.add((ds, DCAT.distribution, dist))
    g.add((ds, VOID.dataDump, url))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(dump.title, lang="en")))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, URIRef(IANA + dump.media_type)))
    if dump.compressed:
        g.add((dist, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
    g.add((dist, DCAT.byteSize, Literal(dump.path.stat().st_size, datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCTERMS.license, URIRef(release.licence)))
    checksum = BNode(f"sha256-{relative.replace('/', '-')}")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256_file(dump.path), datatype=XSD.hexBinary)))
