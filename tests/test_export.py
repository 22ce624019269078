"""`partnergraph export`: every RDF format read back by other libraries gives the build's triples.

The reference is the build's own Turtle file (and, for inferences, a Turtle file loaded
as the inferred graph), read by rdflib or pyoxigraph; the export is read by rdflib, pyLD
and pyoxigraph, so no test compares the exporter's output with itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from pyld import jsonld
from rdflib import OWL, RDF, XSD, Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from conftest import copy_fixture
from partnergraph import Project, build, open_store
from partnergraph.build_manifest import read_manifest
from partnergraph.cli import main
from partnergraph.exporting import ALL_TRIPLES, context_file, load_context
from partnergraph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, PG, PREFIXES

INFERRED_TURTLE = """\
@prefix pg: <https://w3id.org/partnergraph/ontology#> .
<https://w3id.org/partnergraph/id/concept/trust> a pg:ContestedConcept .
_:rule <http://www.w3.org/2000/01/rdf-schema#label> "a blank node in the inferred graph" .
"""


def export(project: Project, *args: str, store: str | None = None) -> Result:
    chosen = ["--store", store] if store else []
    return CliRunner().invoke(main, ["--project", str(project.root), *chosen, "export", *args])


def exported(project: Project, tmp_path: Path, name: str, *args: str, store: str | None = None) -> Path:
    out = tmp_path / name
    result = export(project, "-o", str(out), *args, store=store)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def reasoned(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The mini project with an inferred graph in its files and its store, as `reason` leaves it."""
    project = copy_fixture(tmp_path_factory.mktemp("reasoned") / "mini")
    build(project)
    project.inferred_file.write_text(INFERRED_TURTLE, encoding="utf-8")
    with open_store(project.default_store, create=True) as store:
        store.load_build(project.graph_file, project.inferred_file, build_id=read_manifest(project)["id"])
    return project


def build_graph(project: Project) -> Graph:
    return Graph().parse(project.graph_file, format="turtle")


def test_turtle_export_is_the_build_graph(built: Project, tmp_path: Path) -> None:
    out = exported(built, tmp_path, "graph.ttl")
    text = out.read_text(encoding="utf-8")
    assert isomorphic(Graph().parse(out, format="turtle"), build_graph(built))
    assert "\\/" not in text  # Virtuoso misreads `id:concept\/trust` (DESIGN.md)
    assert "@prefix pg: <https://w3id.org/partnergraph/ontology#>" in text


def test_jsonld_round_trips_through_rdflib(built: Project, tmp_path: Path) -> None:
    out = exported(built, tmp_path, "graph.jsonld")
    dataset = Dataset()
    dataset.parse(out, format="json-ld")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {str(ASSERTED_GRAPH)}
    assert isomorphic(dataset.graph(ASSERTED_GRAPH), build_graph(built))


def test_jsonld_round_trips_through_pyld(built: Project, tmp_path: Path) -> None:
    """pyLD's toRdf of the compacted document (context inlined, nothing fetched) against
    pyoxigraph's reading of the build, both canonicalised (RDFC-1.0)."""
    document = json.loads(exported(built, tmp_path, "graph.jsonld").read_text(encoding="utf-8"))
    nquads = jsonld.to_rdf(document, {"format": "application/n-quads"})
    from_pyld = ox.Dataset(ox.parse(nquads.encode("utf-8"), format=ox.RdfFormat.N_QUADS))
    asserted = ox.NamedNode(str(ASSERTED_GRAPH))
    reference = ox.Dataset(
        ox.Quad(q.subject, q.predicate, q.object, asserted)
        for q in ox.parse(path=built.graph_file, format=ox.RdfFormat.TURTLE)
    )
    for dataset in (from_pyld, reference):
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    assert len(from_pyld) == len(reference) > 0
    assert from_pyld == reference


def test_jsonld_is_compacted_with_the_context(built: Project, tmp_path: Path) -> None:
    document = json.loads(exported(built, tmp_path, "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"] == load_context(built)
    nodes = [node for graph in document["@graph"] for node in graph["@graph"]]
    claims = [n for n in nodes if "Claim" in n.get("@type", [])]
    assert claims, "claims are typed with the context's vocabulary, as @type"
    claim = claims[0]
    assert claim["about"].startswith("id:concept/")  # an @id-coerced term, compacted IRI
    assert claim["polarity"].startswith("pg:")
    keys = {key for node in nodes for key in node}
    assert not [k for k in keys if k.startswith("http")], "every property has a term or prefix"
    years = [n["issued"] for n in nodes if "issued" in n]
    assert years and all(isinstance(y, str) and y.isdigit() for y in years)  # xsd:gYear by the context


def test_context_declares_the_project_prefixes(built: Project) -> None:
    context = load_context(built)
    for prefix, namespace in PREFIXES.items():
        assert context[prefix] == str(namespace), prefix
    assert context_file(built).name == "context.jsonld"


def test_named_graphs_kept_in_nquads_trig_and_jsonld(reasoned: Project, tmp_path: Path) -> None:
    inferred = reasoned.inferred_file
    for name, fmt in (("graph.nq", ox.RdfFormat.N_QUADS), ("graph.trig", ox.RdfFormat.TRIG)):
        out = exported(reasoned, tmp_path, name)
        dataset = Dataset()
        dataset.parse(out, format="nquads" if fmt == ox.RdfFormat.N_QUADS else "trig")
        assert isomorphic(dataset.graph(ASSERTED_GRAPH), build_graph(reasoned)), name
        assert isomorphic(dataset.graph(INFERRED_GRAPH), Graph().parse(inferred, format="turtle")), name
        graphs = {q.graph_name.value for q in ox.parse(path=out, format=fmt)}
        assert graphs == {str(ASSERTED_GRAPH), str(INFERRED_GRAPH)}
    document = json.loads(exported(reasoned, tmp_path, "graph.jsonld").read_text(encoding="utf-8"))
    assert [graph["@id"] for graph in document["@graph"]] == ["graph:asserted", "graph:inferred"]


def test_asserted_only_leaves_the_inferences_out(reasoned: Project, tmp_path: Path) -> None:
    out = exported(reasoned, tmp_path, "asserted.nq", "--asserted-only")
    graphs = {q.graph_name.value for q in ox.parse(path=out, format=ox.RdfFormat.N_QUADS)}
    assert graphs == {str(ASSERTED_GRAPH)}
    union = Graph().parse(exported(reasoned, tmp_path, "all.ttl"), format="turtle")
    assert (URIRef("https://w3id.org/partnergraph/id/concept/trust"), RDF.type, PG.ContestedConcept) in union
    assert len(union) == len(build_graph(reasoned)) + 2


def test_literals_kept_as_the_build_wrote_them(built: Project, tmp_path: Path) -> None:
    """Oxigraph stores "2"^^xsd:nonNegativeInteger as xsd:integer (oxigraph#526); OWL's
    cardinalities must stay nonNegativeInteger, so the project's export reads its files."""
    text = exported(built, tmp_path, "graph.nq").read_text(encoding="utf-8")
    assert '"2"^^<http://www.w3.org/2001/XMLSchema#nonNegativeInteger>' in text


def test_same_graph_same_bytes_from_any_load(built: Project, tmp_path: Path) -> None:
    """Oxigraph names blank nodes afresh on every load: two stores loaded with the same
    build, exported through the store interface, give the same bytes (RDFC-1.0 labels)."""
    build_id = read_manifest(built)["id"]
    outputs = []
    for name in ("one", "two"):
        descriptor = f"oxigraph:{tmp_path / name}"
        with open_store(descriptor, create=True) as store:
            store.load_build(built.graph_file, None, build_id=build_id)
        with open_store(descriptor) as store:
            labels = {t.value for row in store.construct(ALL_TRIPLES) for t in row if t.kind == "bnode"}
        outputs.append((exported(built, tmp_path, f"{name}.trig", store=descriptor).read_bytes(), labels))
    (first, first_labels), (second, second_labels) = outputs
    assert first_labels and first_labels != second_labels  # the stores' own labels differ
    assert first == second
    assert b"_:c14n0" in first
    assert exported(built, tmp_path, "again.trig", store=f"oxigraph:{tmp_path / 'one'}").read_bytes() == first


def test_errors_name_the_fix(built: Project, mini: Project, tmp_path: Path) -> None:
    missing_texts = export(built, "--format", "qdpx", "-o", str(tmp_path / "p.qdpx"))
    assert missing_texts.exit_code == 1 and "--texts DIR" in missing_texts.output
    no_file = export(built, "--format", "qdc")
    assert no_file.exit_code == 1 and "-o FILE.qdc" in no_file.output
    wrong_extension = export(built, "--format", "jsonld", "-o", str(tmp_path / "graph.ttl"))
    assert wrong_extension.exit_code == 1 and ".jsonld" in wrong_extension.output
    unbuilt = export(mini, "--format", "turtle")
    assert unbuilt.exit_code == 1 and "partnergraph build" in unbuilt.output
    assert not (tmp_path / "p.qdpx").exists() and not (tmp_path / "graph.ttl").exists()


def test_standard_output_is_the_file(built: Project, tmp_path: Path) -> None:
    piped = export(built, "--format", "nq")
    assert piped.exit_code == 0
    assert piped.stdout_bytes == exported(built, tmp_path, "graph.nq").read_bytes()


@pytest.mark.server
def test_export_from_a_sparql_server(built: Project, tmp_path: Path, oxigraph_server: str) -> None:
    """Through the one store interface from a real `oxigraph serve`: the same triples, except
    the literals the server normalised (xsd:nonNegativeInteger stored as xsd:integer)."""
    descriptor = f"sparql:{oxigraph_server}"
    with open_store(descriptor) as store:
        store.load_build(built.graph_file, None)
    out = exported(built, tmp_path, "server.nq", store=descriptor)
    served = Dataset()
    served.parse(out, format="nquads")
    reference = build_graph(built)
    cardinalities = {
        str(o.datatype) for o in served.graph(ASSERTED_GRAPH).objects(None, OWL.minQualifiedCardinality)
    }
    assert cardinalities == {
        str(XSD.integer)
    }  # what the server keeps; the build's files keep nonNegativeInteger
    for graph in (served.graph(ASSERTED_GRAPH), reference):
        for s, o in list(graph.subject_objects(OWL.minQualifiedCardinality)):
            graph.remove((s, OWL.minQualifiedCardinality, o))
            graph.add((s, OWL.minQualifiedCardinality, Literal(int(o))))
    assert isomorphic(served.graph(ASSERTED_GRAPH), reference)


def test_same_bytes_from_separate_processes(built: Project, tmp_path: Path) -> None:
    """Hash seeds differ between processes; nothing written may depend on them."""
    outputs = []
    for run in ("one", "two"):
        out = tmp_path / f"{run}.ttl"
        command = [
            sys.executable,
            "-m",
            "partnergraph",
            "--project",
            str(built.root),
            "export",
            "-o",
            str(out),
        ]
        subprocess.run(
            command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "random"}
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"@prefix")
