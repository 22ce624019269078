"""`partnergraph reason` with a real HermiT run (Java) and the SPARQL rules."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from partnergraph import Project, build, find_query, open_store, run_query
from partnergraph.cli import main
from partnergraph.namespaces import ID, PG, claim_iri, concept_iri
from partnergraph.reasoning import InconsistentGraph, hermit_input, inferred_turtle, reason

pytestmark = pytest.mark.java

if shutil.which("java") is None:  # CI installs Java; a laptop without it skips, loudly
    pytestmark = [pytest.mark.java, pytest.mark.skip(reason="no Java runtime for HermiT")]


@pytest.fixture
def reasoned(mini: Project) -> Project:
    build(mini)
    with open_store(mini.default_store) as store:
        reason(mini, store)
    return mini


def test_inferences_are_written_apart(reasoned: Project) -> None:
    inferred = Graph().parse(reasoned.inferred_file)
    asserted = Graph().parse(reasoned.graph_file)
    assert len(inferred) > 0
    assert not set(inferred) & set(asserted)
    # HermiT: the symmetric counterpart declared on one side only
    assert (concept_iri("trust"), PG.counterpart, concept_iri("lack-of-trust")) in inferred
    assert (concept_iri("lack-of-trust"), RDF.type, PG.PairedBarrier) in inferred


def test_defined_classes(reasoned: Project) -> None:
    inferred = Graph().parse(reasoned.inferred_file)

    def members(cls: str) -> set[str]:
        return {str(s).rsplit("/", 1)[1] for s in inferred.subjects(RDF.type, PG[cls])}

    assert members("ContestedConcept") == {"communication"}
    # communication and trust are each read in both reviewed documents? only communication
    assert members("CorroboratedConcept") == {"communication"}
    assert members("WidelyBackedConcept") == {"communication", "competition", "power-imbalance", "trust"}
    assert (claim_iri("wallace2010", "c001"), RDF.type, PG.SecondaryCitationClaim) in inferred
    assert len(members("EnablingClaim")) == 5 and len(members("HinderingClaim")) == 5


def test_queries_include_or_exclude_inferences(reasoned: Project, tmp_path) -> None:
    path = tmp_path / "contested.rq"
    path.write_text("SELECT ?c WHERE { ?c a pg:ContestedConcept }")
    with open_store(reasoned.default_store) as store:
        query = find_query(str(path), reasoned)
        assert len(run_query(store, query)) == 1
        assert len(run_query(store, query, include_inferred=False)) == 0
    result = CliRunner().invoke(
        main, ["--project", str(reasoned.root), "query", str(path), "--asserted-only", "--format", "csv"]
    )
    assert result.output.splitlines() == ["c"]


def test_rebuild_drops_stale_inferences(reasoned: Project) -> None:
    build(reasoned)
    assert not reasoned.inferred_file.exists()


def test_inconsistency_names_the_individual(mini: Project) -> None:
    concepts = mini.root / "corpus/concepts.yaml"
    build(mini, load_store=False)
    # A concept typed both Barrier and SuccessFactor cannot be written in YAML, so break
    # the compiled graph the way a hand-edited ontology could.
    with mini.graph_file.open("a") as handle:
        handle.write(f"\n<{concept_iri('trust')}> a <{PG.Barrier}> .\n")
    with pytest.raises(InconsistentGraph) as caught:
        reason(mini)
    message = str(caught.value)
    assert concept_iri("trust") in message
    assert "disjoint" in message
    assert concepts.exists()


def test_reason_cli_and_missing_java(reasoned: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["--project", str(reasoned.root), "reason"])
    assert result.exit_code == 0, result.output
    assert "HermiT: consistent" in result.output
    monkeypatch.setenv("PATH", "/nonexistent")
    result = CliRunner().invoke(main, ["--project", str(reasoned.root), "reason"])
    assert result.exit_code == 1
    assert "no `java` found" in result.output and "apt-get install default-jre-headless" in result.output
    # every other command still works without Java
    result = CliRunner().invoke(main, ["--project", str(reasoned.root), "stats"])
    assert result.exit_code == 0
    assert os.environ["PATH"] == "/nonexistent"


SEED_INFERRED_SHA256 = "ca9d0d50e00fda9c5e32728fb426a6be746efd03acacfd285191a2e8e3184f74"


def test_seed_inferences_are_byte_identical(tmp_path) -> None:
    """The seed corpus's inferred.ttl, pinned. First recorded at commit fc794aa, before
    `reason` was made fast at 100,000 claims (164 triples by HermiT, 5,140 by the rules: the
    fast version wrote the same bytes); re-recorded after the corpus pass and vocabulary
    review of issue 17 (2,010 claims; a counterpart re-paired): 165 and 6,166."""
    root = tmp_path / "seed"
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(Path(__file__).parent.parent / part, root / part)
    project = Project.locate(root)
    build(project, load_store=False)
    report = reason(project)
    assert (report.hermit_triples, report.rule_triples) == (165, 6166)
    assert report.by_class["ContestedConcept"] == 19 and report.by_class["PairedBarrier"] == 23
    assert hashlib.sha256(project.inferred_file.read_bytes()).hexdigest() == SEED_INFERRED_SHA256


def test_hermit_sees_neither_claims_nor_works(reasoned: Project) -> None:
    """HermiT is slow on individuals (DESIGN.md): its input is the TBox and the concept scheme."""
    graph = ox.Store()
    graph.bulk_load(path=str(reasoned.graph_file), format=ox.RdfFormat.TURTLE)
    subjects = {t.subject.value for t in hermit_input(graph) if isinstance(t.subject, ox.NamedNode)}
    assert str(concept_iri("trust")) in subjects and str(PG.Claim) in subjects
    assert not [s for s in subjects if s.startswith((str(ID["claim/"]), str(ID["work/"])))]
    everything = {q.subject.value for q in graph if isinstance(q.subject, ox.NamedNode)}
    assert str(claim_iri("wallace2010", "c001")) in everything  # so the filter above is tested


def test_reason_names_its_steps(reasoned: Project) -> None:
    seen: list[str] = []
    with open_store(reasoned.default_store) as store:
        reason(reasoned, store, on_step=seen.append)
    assert seen == ["read the build", "HermiT", "SPARQL rules", "load the store"]


def test_an_inferred_literal_holding_a_line_separator_stays_one_triple() -> None:
    """N-Triples leaves U+2028 and \\x85 unescaped inside a literal; split with
    str.splitlines, such a triple was cut in two and its Turtle did not parse."""
    triples = [
        ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("one\u2028two\x85three")),
        ox.Triple(ox.NamedNode("urn:a"), ox.NamedNode("urn:q"), ox.NamedNode("urn:b")),
    ]
    back = list(ox.parse(inferred_turtle(triples), ox.RdfFormat.TURTLE))
    assert sorted(str(q.triple) for q in back) == sorted(str(t) for t in triples)
