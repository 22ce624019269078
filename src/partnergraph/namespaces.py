"""The IRIs other tools depend on (fixed by DESIGN.md) and the vocabularies we reuse.

Kept in one module so that no other module spells a namespace by hand: a typo in an
IRI silently splits the graph in two, which no test of a single module would notice.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

PG = Namespace("https://w3id.org/partnergraph/ontology#")
ID = Namespace("https://w3id.org/partnergraph/id/")
GRAPH = Namespace("https://w3id.org/partnergraph/graph/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
OA = Namespace("http://www.w3.org/ns/oa#")

ASSERTED_GRAPH = GRAPH["asserted"]
INFERRED_GRAPH = GRAPH["inferred"]
SCHEME = ID["scheme"]

PREFIXES: dict[str, Namespace] = {
    "pg": PG,
    "id": ID,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "bibo": BIBO,
    "fabio": FABIO,
    "cito": CITO,
    "prov": PROV,
    "oa": OA,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


def work_iri(cite_key: str) -> URIRef:
    """IRI of a work: stable as long as its BibTeX key is."""
    return ID[f"work/{cite_key}"]


def concept_iri(slug: str) -> URIRef:
    return ID[f"concept/{slug}"]


def claim_iri(document_key: str, claim_id: str) -> URIRef:
    """Claim ids are unique per document file, so the document's key makes them global."""
    return ID[f"claim/{document_key}-{claim_id}"]


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, so queries may use them unprefixed-free."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
