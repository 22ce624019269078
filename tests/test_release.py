"""`partnergraph release DIR`: its description checked against the store and the files,
its citations by cffconvert, its checksums by sha256sum, its dumps by parsers."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, VOID, XSD

from partnergraph import Project, open_store
from partnergraph.cli import main
from partnergraph.dataset_description import DATASET, DCAT_VERSION
from partnergraph.namespaces import PG
from partnergraph.release import ontology_metadata, write_bytes

REPO = Path(__file__).parent.parent
IANA = "https://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
CFFCONVERT = Path(sys.executable).parent / "cffconvert"
DATE = "2026-12-01"


def release(project: Project, folder: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--project", str(project.root), "release", str(folder), *args])


@pytest.fixture(scope="module")
def released(built: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("release") / "partnergraph-release"
    result = release(built, folder, "--date", DATE)
    assert result.exit_code == 0, result.output
    return folder


def description(folder: Path) -> Graph:
    return Graph().parse(folder / "void.ttl", format="turtle")


def test_void_counts_are_the_stores(built: Project, released: Path) -> None:
    void = description(released)
    with open_store(built.default_store) as store:
        total = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
        classes = store.select(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } GROUP BY ?c"
        )
    assert void.value(DATASET, VOID.triples).toPython() == total.rows[0][0].to_python()
    partitions = {
        str(void.value(part, VOID["class"])): void.value(part, VOID.entities).toPython()
        for part in void.objects(DATASET, VOID.classPartition)
    }
    assert partitions == {row[0].value: row[1].to_python() for row in classes}
    assert void.value(DATASET, VOID.classes).toPython() == len(partitions)
    assert partitions["https://w3id.org/partnergraph/ontology#Claim"] > 0


def test_void_subsets_are_the_store_graphs(built: Project, released: Path) -> None:
    void = description(released)
    subsets = {
        str(void.value(subset, SD.name)): void.value(subset, VOID.triples).toPython()
        for subset in void.objects(DATASET, VOID.subset)
    }
    with open_store(built.default_store) as store:
        assert subsets == {graph: store.triple_count(URIRef(graph)) for graph in store.graph_names()}


def test_void_names_licence_version_endpoint_examples(built: Project, released: Path) -> None:
    void = description(released)
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    assert void.value(DATASET, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert str(void.value(DATASET, DCAT_VERSION)) == ontology_metadata(built)["version"]
    assert void.value(DATASET, DCTERMS.modified) == Literal(DATE, datatype=XSD.date)
    assert str(void.value(DATASET, VOID.sparqlEndpoint)) == "http://127.0.0.1:8765/sparql"
    assert str(void.value(DATASET, VOID.uriSpace)) == "https://w3id.org/partnergraph/id/"
    citation = str(void.value(DATASET, DCTERMS.bibliographicCitation))
    assert (
        citation.startswith("The partnergraph team (2026).")
        and citation in (released / "README.md").read_text()
    )
    examples = [str(e) for e in void.objects(DATASET, VOID.exampleResource)]
    assert any("/id/concept/" in e for e in examples) and any("/id/claim/" in e for e in examples)


def test_each_distribution_is_its_file(released: Path) -> None:
    void = description(released)
    base = "https://w3id.org/partnergraph/releases/"
    distributions = list(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) >= 5
    for dist in distributions:
        url = str(void.value(dist, DCAT.downloadURL))
        assert url.startswith(base)
        path = released / url.split("/", 6)[-1]
        assert path.is_file(), url
        assert void.value(dist, DCAT.byteSize).toPython() == path.stat().st_size
        checksum = void.value(dist, SPDX.checksum)
        assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()
        media = str(void.value(dist, DCAT.mediaType)).removeprefix(IANA)
        assert media == MEDIA_TYPES[path.name.removesuffix(".gz").rsplit(".", 1)[-1]], path.name
        gzipped = void.value(dist, DCAT.compressFormat) is not None
        assert gzipped == (path.suffix == ".gz") and (not gzipped or gzip.decompress(path.read_bytes()))


def test_sha256sum_checks_the_folder(released: Path) -> None:
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=released, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len([p for p in released.rglob("*") if p.is_file()]) - 1


@pytest.mark.parametrize("citation", ["repository", "release"])
def test_citation_files_valid_for_cffconvert(citation: str, released: Path) -> None:
    path = REPO / "CITATION.cff" if citation == "repository" else released / "CITATION.cff"
    result = subprocess.run([str(CFFCONVERT), "--validate", "-i", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout


def test_software_citation_has_the_package_version() -> None:
    import tomllib

    version = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    assert f'version: "{version}"' in (REPO / "CITATION.cff").read_text()


def test_dumps_and_ontology_parse(built: Project, released: Path) -> None:
    nquads = released / "partnergraph.nq"
    data = (
        nquads.read_bytes()
        if nquads.is_file()
        else gzip.decompress((released / "partnergraph.nq.gz").read_bytes())
    )
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/partnergraph/graph/asserted"}
    turtle = Graph().parse(released / "ontology" / "partnergraph.ttl", format="turtle")
    assert isomorphic(Graph().parse(released / "ontology" / "partnergraph.rdf", format="xml"), turtle)
    page = (released / "doc" / "ontology.html").read_text(encoding="utf-8")
    classes = {str(c) for c in turtle.subjects(RDF.type, OWL.Class) if str(c).startswith(str(PG))}
    assert classes and all(f"<code>{c}</code>" in page for c in classes)  # a section per class
    assert (
        "CC BY 4.0" in (released / "LICENSE").read_text()
        and "fair dealing" in (released / "LICENSE").read_text()
    )


def test_same_build_same_release(built: Project, released: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert release(built, again, "--date", DATE).exit_code == 0
    files = sorted(p.relative_to(released) for p in released.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    # pyLODE orders an intersection's members by a set of HTML elements (ontology_docs.py)
    for name in files:
        if name != Path("doc/ontology.html") and name != Path("SHA256SUMS"):
            assert (released / name).read_bytes() == (again / name).read_bytes(), name


def test_large_dumps_gzipped_without_time(tmp_path: Path) -> None:
    data = b"<http://a> <http://b> <http://c> .\n" * 40_000
    first = write_bytes(tmp_path / "one" / "x.nq", data)
    second = write_bytes(tmp_path / "two" / "x.nq", data)
    assert first.name == "x.nq.gz" and gzip.decompress(first.read_bytes()) == data
    assert first.read_bytes() == second.read_bytes()
    assert write_bytes(tmp_path / "small.nq", data[:100]).read_bytes() == data[:100]


def test_refuses_a_used_folder_or_a_bad_date(built: Project, tmp_path: Path) -> None:
    used = tmp_path / "used"
    used.mkdir()
    (used / "keep.txt").write_text("mine")
    refused = release(built, used, "--date", DATE)
    assert refused.exit_code == 1 and "not an empty folder" in refused.output
    assert [p.name for p in used.iterdir()] == ["keep.txt"]
    bad = release(built, tmp_path / "new", "--date", "3 Dec")
    assert bad.exit_code == 1 and "--date YYYY-MM-DD" in bad.output
    assert not (tmp_path / "new").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    shutil.rmtree(used)


def test_a_failure_half_way_leaves_nothing(
    built: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyLODE failing (here: made to fail) after the dumps are written leaves no folder behind."""
    import partnergraph.release as release_module
    from partnergraph.errors import PartnergraphError

    def fails(_ontology: Path, _out: Path) -> None:
        raise PartnergraphError("pyLODE could not document the ontology: made to fail")

    monkeypatch.setattr(release_module, "document", fails)
    result = release(built, tmp_path / "new", "--date", DATE)
    assert result.exit_code == 1 and "pyLODE could not document" in result.output
    assert list(tmp_path.iterdir()) == []


def test_seed_corpus_release(seed_corpus: Project, tmp_path: Path) -> None:
    """At the seed corpus's size the dumps are gzipped; each, read back by pyoxigraph,
    holds as many distinct triples as the description and the store say."""
    folder = tmp_path / "seed-release"
    assert release(seed_corpus, folder, "--date", DATE).exit_code == 0
    triples = description(folder).value(DATASET, VOID.triples).toPython()
    with open_store(seed_corpus.default_store) as store:
        counted = store.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert triples == counted.rows[0][0].to_python() > 30_000
    for name, fmt in (
        ("partnergraph.nq.gz", ox.RdfFormat.N_QUADS),
        ("partnergraph.jsonld.gz", ox.RdfFormat.JSON_LD),
    ):
        quads = ox.parse(gzip.decompress((folder / name).read_bytes()), format=fmt)
        assert len({(q.subject, q.predicate, q.object) for q in quads}) == triples, name


def test_documents_are_written_where_the_w3id_rules_point(built: Project, tmp_path: Path) -> None:
    """`--documents` adds what w3id/.htaccess redirects /id/ IRIs to, parsed back as the
    resource's own triples (the checksums stay those of the release files proper)."""
    folder = tmp_path / "with-documents"
    result = release(built, folder, "--date", DATE, "--documents")
    assert result.exit_code == 0, result.output
    trust = Graph().parse(folder / "doc" / "concept" / "trust.ttl", format="turtle")
    iri = URIRef("https://w3id.org/partnergraph/id/concept/trust")
    assert (iri, RDF.type, URIRef("http://www.w3.org/2004/02/skos/core#Concept")) in trust
    assert not [p for p in folder.rglob("*") if ".partial" in p.name]
    assert "doc/concept/trust.ttl" not in (folder / "SHA256SUMS").read_text(encoding="utf-8")
    assert "concept/trust" not in result.output and "doc/: the documents of " in result.output
