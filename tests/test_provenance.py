"""Who curated each claim and when (PROV-O), from the `curation:` blocks (curation.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDF, RDFS

from claims_fixture import one_document_project
from partnergraph import Project, __version__, build
from partnergraph.cli import main
from partnergraph.errors import InputError
from partnergraph.ingest import ingest

PG = Namespace("https://w3id.org/partnergraph/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ID = "https://w3id.org/partnergraph/id/"
REPO = Path(__file__).resolve().parents[1]
SYNTHETIC = Path(__file__).parent / "fixtures" / "ingest" / "synthetic-review.md"
TEAM = "curation:\n  by: partnergraph curation team\n  date: 2026-12-03\n"
ORCID_EXAMPLE = "0000-0002-1825-0097"  # the example iD of ORCID's own documentation
CLAIMS = """- id: c001
  concept: trust
  polarity: enables
  quote: "trust matters"
- id: c002
  concept: communication
  polarity: enables
  quote: "They need good communication between partners"
  curation:
    by: A. Reviewer
    orcid: "{orcid}"
    date: 2026-12-04T10:30:00Z
- id: c003
  concept: trust
  polarity: enables
  quote: "Partnerships need trust"
  curation:
    draft: d007
    tool: partnergraph 0.2.0
    date: 2026-12-05
"""


def built_graph(tmp_path: Path, orcid: str = ORCID_EXAMPLE) -> Graph:
    project, _texts = one_document_project(tmp_path, CLAIMS.format(orcid=orcid), curation=TEAM)
    build(project, load_store=False)
    return Graph().parse(project.graph_file)


def claim(name: str) -> URIRef:
    return URIRef(f"{ID}claim/tsrc-review-{name}")


def test_the_document_block_dates_and_attributes_each_claim(tmp_path: Path) -> None:
    graph = built_graph(tmp_path)
    team = URIRef(f"{ID}agent/partnergraph-curation-team")
    assert set(graph.objects(claim("c001"), PROV.wasAttributedTo)) == {team, PG.HandCuration}
    assert (team, RDF.type, PROV.Agent) in graph
    assert graph.value(team, RDFS.label) == Literal("partnergraph curation team")
    assert graph.value(claim("c001"), PROV.generatedAtTime) == Literal("2026-12-03", datatype=XSD.date)


def test_a_claim_block_overrides_it_and_an_orcid_is_the_agent(tmp_path: Path) -> None:
    graph = built_graph(tmp_path)
    person = URIRef(f"https://orcid.org/{ORCID_EXAMPLE}")
    assert set(graph.objects(claim("c002"), PROV.wasAttributedTo)) == {person, PG.HandCuration}
    assert (person, RDF.type, PROV.Person) in graph
    assert graph.value(claim("c002"), PROV.generatedAtTime) == Literal(
        "2026-12-04T10:30:00Z", datatype=XSD.dateTime
    )


def test_an_accepted_draft_is_told_apart_from_hand_curation(tmp_path: Path) -> None:
    graph = built_graph(tmp_path)
    accepted = claim("c003")
    assert PG.HandCuration not in set(graph.objects(accepted, PROV.wasAttributedTo))
    assert URIRef(f"{ID}agent/partnergraph-curation-team") in set(
        graph.objects(accepted, PROV.wasAttributedTo)
    )
    assert graph.value(accepted, PROV.wasDerivedFrom) == URIRef(f"{ID}draft/tsrc-review-d007")
    activity = graph.value(accepted, PROV.wasGeneratedBy)
    assert (activity, RDF.type, PROV.Activity) in graph
    software = graph.value(activity, PROV.wasAssociatedWith)
    assert (software, RDF.type, PROV.SoftwareAgent) in graph
    assert graph.value(software, RDFS.label) == Literal("partnergraph 0.2.0")
    assert graph.value(accepted, PROV.generatedAtTime) == Literal("2026-12-05", datatype=XSD.date)
    # the three kinds answer one query each
    hand = set(graph.subjects(PROV.wasAttributedTo, PG.HandCuration))
    drafted = set(graph.subjects(PROV.wasGeneratedBy, None))
    assert claim("c001") in hand and accepted in drafted and not hand & drafted


def test_a_mistyped_orcid_is_refused_with_its_line(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        built_graph(tmp_path, orcid="0000-0002-1825-0098")
    message = str(raised.value)
    assert "corpus/documents/tsrc-review.yaml line 19" in message
    assert "not a valid ORCID iD" in message and "leave 'orcid' out" in message


def test_every_seed_claim_has_its_curator_and_date(seed_corpus: Project) -> None:
    graph = Graph().parse(seed_corpus.graph_file)
    claims = set(graph.subjects(RDF.type, PG.Claim))
    team = URIRef(f"{ID}agent/partnergraph-curation-team")
    assert len(claims) > 2000
    assert claims == set(graph.subjects(PROV.wasAttributedTo, team))
    assert {graph.value(c, PROV.generatedAtTime) for c in claims} == {
        Literal("2026-12-03", datatype=XSD.date)
    }


def test_review_writes_the_draft_and_tool_of_each_accepted_claim(tmp_path: Path) -> None:
    root = tmp_path / "project"
    for part in ("ontology", "corpus", "bibliography"):
        shutil.copytree(REPO / part, root / part)
    project = Project.locate(root)
    ingest(project, SYNTHETIC, "synthetic2026review")
    done = CliRunner().invoke(main, ["--project", str(root), "review", "synthetic2026review", "--accept-top"])
    assert done.exit_code == 0, done.output
    written = yaml.safe_load((project.documents_dir / "synthetic2026review.yaml").read_text(encoding="utf-8"))
    first = written["claims"][0]["curation"]
    assert first["tool"] == f"partnergraph ingest {__version__}" and first["draft"].startswith("d")
    build(project, load_store=False)
    graph = Graph().parse(project.graph_file)
    accepted = URIRef(f"{ID}claim/synthetic2026review-{written['claims'][0]['id']}")
    assert graph.value(accepted, PROV.wasDerivedFrom) == URIRef(
        f"{ID}draft/synthetic2026review-{first['draft']}"
    )
    assert PG.HandCuration not in set(graph.objects(accepted, PROV.wasAttributedTo))
    assert graph.value(accepted, PROV.generatedAtTime).datatype == XSD.date
    assert (graph.value(accepted, PROV.wasGeneratedBy), RDF.type, PROV.Activity) in graph
