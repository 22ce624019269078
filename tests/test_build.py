"""`partnergraph build` on the mini corpus: what it reports, writes and loads."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from partnergraph import Project, build
from partnergraph.cli import main
from partnergraph.namespaces import PG, claim_iri, concept_iri, work_iri


def test_build_reports_counts(mini: Project) -> None:
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert result.exit_code == 0, result.output
    assert "works: 11 (2 reviewed documents, 10 cited by claims, 1 kept without claims)" in result.output
    assert "concepts: 9" in result.output
    assert "claims: 10 (1 via secondary citations)" in result.output
    assert "loaded into oxigraph:" in result.output


def test_graph_holds_every_record(mini: Project) -> None:
    report = build(mini, load_store=False)
    graph = Graph().parse(mini.graph_file)
    assert report.counts["triples"] == len(graph)
    assert len(set(graph.subjects(RDF.type, PG.Claim))) == 10
    assert len(set(graph.subjects(RDF.type, PG.Work))) == 11
    # the work no claim uses is kept
    assert (work_iri("osborne2012"), PG.citeKey, Literal("osborne2012")) in graph
    claim = claim_iri("wallace2010", "c001")
    assert (claim, PG.citedVia, work_iri("balloch2007")) in graph
    assert (claim, PG.assertedBy, work_iri("kanter1989")) in graph
    assert (claim, PG.reportedIn, work_iri("wallace2010")) in graph
    # a claim without asserted_by is the reviewed document's own finding
    own = claim_iri("tsrc-review", "c004")
    assert (own, PG.assertedBy, work_iri("tsrc-review")) in graph
    assert (concept_iri("lack-of-trust"), PG.counterpart, concept_iri("trust")) in graph
    assert not any(isinstance(node, type(None)) for node in graph.all_nodes())


def test_no_blank_nodes_outside_the_ontology(mini: Project) -> None:
    build(mini, load_store=False)
    graph = Graph().parse(mini.graph_file)
    instance_subjects = {
        s for s in graph.subjects() if str(s).startswith("https://w3id.org/partnergraph/id/")
    }
    for subject in instance_subjects:
        for _, obj in graph.predicate_objects(subject):
            assert obj.__class__.__name__ != "BNode", subject


def test_two_builds_are_byte_identical(mini: Project, tmp_path) -> None:
    """Separate processes with different hash seeds: no ordering may leak into the file."""
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-m", "partnergraph", "--project", str(mini.root), "build", "--no-store"],
            check=True, env=env, capture_output=True,
        )  # fmt: skip
        outputs.append(mini.graph_file.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0]) > 1000
