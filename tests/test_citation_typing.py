"""Typed citations: why a reviewed document cites a work, in CiTO (citation_typing.py)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, URIRef

from claims_fixture import one_document_project
from partnergraph import Project, build
from partnergraph.errors import InputError

CITO = "http://purl.org/spar/cito/"
ID = "https://w3id.org/partnergraph/id/"
DOC = URIRef(f"{ID}work/tsrc-review")
CLAIMS = """- id: c001
  concept: communication
  polarity: enables
  asserted_by: [jones2010]
  kind: review
  quote: "They need good communication between partners"
- id: c002
  concept: resource-dependency-theory
  polarity: neutral
  asserted_by: [carmel2008]
  kind: theory
  quote: "Partnerships need trust"
- id: c003
  concept: lack-of-trust
  polarity: hinders
  asserted_by: [cairns2010]
  kind: review
  stance: disputes
  quote: "trust matters"
- id: c004
  concept: trust
  polarity: enables
  kind: author-analysis
  quote: "Trust matters, they said"
"""


def cited(tmp_path: Path, claims: str = CLAIMS) -> Graph:
    project, _texts = one_document_project(tmp_path, claims)
    build(project, load_store=False)
    return Graph().parse(project.graph_file)


def functions(graph: Graph, key: str) -> set[str]:
    return {str(p).removeprefix(CITO) for p in graph.predicates(DOC, URIRef(f"{ID}work/{key}"))}


def test_the_function_follows_the_stance_then_the_kind(tmp_path: Path) -> None:
    graph = cited(tmp_path)
    assert functions(graph, "jones2010") == {"citesAsEvidence"}
    assert functions(graph, "carmel2008") == {"citesAsAuthority"}
    assert functions(graph, "cairns2010") == {"disputes"}  # its stance, never its polarity
    assert not [p for p in graph.predicates(DOC, DOC)]  # its own finding: no citation
    assert {str(p) for _, p, _ in graph.triples((DOC, None, None)) if str(p).startswith(CITO)} == {
        f"{CITO}citesAsEvidence",
        f"{CITO}citesAsAuthority",
        f"{CITO}disputes",
    }


def test_a_stance_needs_a_work_to_take_it_towards(tmp_path: Path) -> None:
    claims = CLAIMS.replace("  kind: author-analysis\n", "  kind: author-analysis\n  stance: agrees\n")
    with pytest.raises(InputError) as raised:
        cited(tmp_path, claims)
    assert "a stance is towards the works asserting the claim" in str(raised.value)
    assert "tsrc-review.yaml line 29" in str(raised.value)


def test_an_unknown_stance_names_the_allowed_ones(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        cited(tmp_path, CLAIMS.replace("stance: disputes", "stance: dispute"))
    assert "did you mean 'disputes'?" in str(raised.value)


def test_the_seed_graph_cites_each_asserting_work_for_its_claims(seed_corpus: Project) -> None:
    store = ox.Store()
    store.load(path=str(seed_corpus.graph_file), format=ox.RdfFormat.TURTLE)
    prologue = f"PREFIX pg: <https://w3id.org/partnergraph/ontology#> PREFIX cito: <{CITO}> "
    expected = {
        (r["doc"].value, r["work"].value)
        for r in store.query(
            prologue + "SELECT DISTINCT ?doc ?work WHERE { ?c pg:reportedIn ?doc ; pg:assertedBy ?work . "
            "FILTER(?doc != ?work) }"
        )
    }
    typed = {
        (r["doc"].value, r["work"].value)
        for r in store.query(
            prologue + "SELECT ?doc ?work WHERE { VALUES ?f { cito:citesAsEvidence cito:citesAsAuthority } "
            "?doc ?f ?work }"
        )
    }
    assert len(expected) > 150
    assert typed == expected


def test_each_claim_keeps_its_own_citation_of_a_shared_work(tmp_path: Path) -> None:
    agreeing = (
        "- id: c005\n  concept: communication\n  polarity: enables\n  asserted_by: [jones2010]\n"
        '  stance: agrees\n  quote: "communication between partners, and time"\n'
    )
    graph = cited(tmp_path, CLAIMS + agreeing)
    assert functions(graph, "jones2010") == {"citesAsEvidence", "agreesWith"}
    citation_type = URIRef(f"{CITO}Citation")
    by_claim = {}
    for citation in graph.subjects(URIRef(str(RDF.type)), citation_type):
        claim = graph.value(citation, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"))
        assert graph.value(citation, URIRef(f"{CITO}hasCitingEntity")) == DOC
        cited_work = graph.value(citation, URIRef(f"{CITO}hasCitedEntity"))
        function = graph.value(citation, URIRef(f"{CITO}hasCitationCharacterization"))
        by_claim[str(claim).rsplit("-", 1)[1]] = (
            str(cited_work).rsplit("/", 1)[1],
            str(function).removeprefix(CITO),
        )
    assert by_claim == {
        "c001": ("jones2010", "citesAsEvidence"),
        "c002": ("carmel2008", "citesAsAuthority"),
        "c003": ("cairns2010", "disputes"),
        "c005": ("jones2010", "agreesWith"),
    }
