"""`partnergraph reason` with a real HermiT run (Java) and the SPARQL rules."""

from __future__ import annotations

import os
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import RDF

from partnergraph import Project, build, find_query, open_store, run_query
from partnergraph.cli import main
from partnergraph.namespaces import PG, claim_iri, concept_iri
from partnergraph.reasoning import InconsistentGraph, reason

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
