"""The ontology documents every term, declares every term the compiler writes, and is
well-formed enough for HermiT (checked by the reasoning tests)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from partnergraph import Project, build
from partnergraph.namespaces import PG

DECLARATIONS = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
}  # fmt: skip
FIXED_TERMS = [
    "Work", "ReviewedDocument", "citeKey", "Claim", "about", "polarity", "Enables", "Hinders",
    "Neutral", "Mixed", "assertedBy", "reportedIn", "citedVia", "quote", "SuccessFactor",
    "Barrier", "Theory", "PartnershipType", "Benefit", "Driver", "SupportNeed", "Principle",
    "Outcome", "Risk", "counterpart",
]  # fmt: skip


def ontology(project: Project) -> Graph:
    return Graph().parse(project.ontology_file)


def test_every_term_has_a_label_and_a_definition(mini: Project) -> None:
    graph = ontology(mini)
    declared = {s for kind in DECLARATIONS for s in graph.subjects(RDF.type, kind) if isinstance(s, URIRef)}
    assert len(declared) > 80
    for term in declared:
        assert graph.value(term, RDFS.label) is not None, f"{term} has no rdfs:label"
        if str(term).startswith(str(PG)):
            assert graph.value(term, SKOS.definition) is not None, f"{term} has no definition"


def test_fixed_terms_and_their_meaning(mini: Project) -> None:
    graph = ontology(mini)
    for name in FIXED_TERMS:
        assert (PG[name], RDFS.label, None) in graph, name
    assert (PG.ReviewedDocument, RDFS.subClassOf, PG.Work) in graph
    assert (PG.counterpart, RDF.type, OWL.SymmetricProperty) in graph
    for cls in ("SuccessFactor", "Barrier", "Theory", "PartnershipType", "Benefit", "Driver",
                "SupportNeed", "Principle", "Outcome", "Risk"):  # fmt: skip
        assert (PG[cls], RDFS.subClassOf, SKOS.Concept) in graph
    assert (PG.about, RDFS.subPropertyOf, URIRef("http://purl.org/dc/terms/subject")) in graph
    assert (PG.citesInText, RDFS.subPropertyOf, URIRef("http://purl.org/spar/cito/cites")) in graph


def test_every_term_the_build_writes_is_declared(mini: Project) -> None:
    build(mini, load_store=False)
    data = Graph().parse(mini.graph_file)
    graph = ontology(mini)
    declared = {s for kind in DECLARATIONS for s in graph.subjects(RDF.type, kind)}
    declared |= {RDF.type}
    instances = [t for t in data if str(t[0]).startswith("https://w3id.org/partnergraph/id/")]
    used = {p for _, p, _ in instances} | {o for _, p, o in instances if p == RDF.type}
    assert used - declared == set()
