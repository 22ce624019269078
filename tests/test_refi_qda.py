"""REFI-QDA exports: the codebook (.qdc) and the project (.qdpx) of the seed corpus.

Both are validated by xmlschema against the standard's own schemas (schemas/refi-qda/),
then read back with ElementTree and checked against the graph as rdflib reads the built
Turtle: every concept a code, every claim a selection whose offsets slice its quote out
of the text that travels in the archive.
"""

from __future__ import annotations

import hashlib
import shutil
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from click.testing import CliRunner
from lxml import etree
from rdflib import Graph, Literal
from rdflib.namespace import PROV, RDF, SKOS

from partnergraph import Project, build, open_store
from partnergraph.cli import main
from partnergraph.errors import PartnergraphError
from partnergraph.namespaces import PG
from partnergraph.refi_qda import write_codebook, write_project
from partnergraph.verify import fold
from test_verify import write_texts

REPO = Path(__file__).parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
SCHEMAS = REPO / "schemas" / "refi-qda"
CB = "{urn:QDA-XML:codebook:1.0}"
PJ = "{urn:QDA-XML:project:1.0}"

needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the reviewed texts are not in {SEEDS}")


def validate(schema: str, document: bytes) -> None:
    """Two independent validators: xmlschema (pure Python) and libxml2 through lxml."""
    xmlschema.XMLSchema(SCHEMAS / schema).validate(document.decode("utf-8"))
    libxml2 = etree.XMLSchema(etree.parse(SCHEMAS / schema))
    libxml2.assertValid(etree.fromstring(document))


def iri_guid(iri: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, str(iri)))


@pytest.fixture(scope="module")
def seed_graph(seed_corpus: Project) -> Graph:
    return Graph().parse(seed_corpus.graph_file, format="turtle")


@pytest.fixture(scope="module")
def qdc(seed_corpus: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qdc") / "vocabulary.qdc"
    with open_store(seed_corpus.default_store, seed_corpus) as store:
        write_codebook(seed_corpus, store, out)
    return out


@pytest.fixture(scope="module")
def qdpx(seed_corpus: Project, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"the reviewed texts are not in {SEEDS}")
    out = tmp_path_factory.mktemp("qdpx") / "corpus.qdpx"
    with open_store(seed_corpus.default_store, seed_corpus) as store:
        write_project(seed_corpus, store, SEEDS, out)
    return out


def test_codebook_is_valid_against_codebook_xsd(qdc: Path) -> None:
    validate("Codebook.xsd", qdc.read_bytes())


def test_the_transcribed_codebook_schema_accepts_the_standards_own_example() -> None:
    """Codebook.xsd was copied from the standard's text: its Appendix A.1 example must pass."""
    validate("Codebook.xsd", (SCHEMAS / "examples" / "codebook-example.qdc").read_bytes())


def test_the_schemas_reject_what_they_should(qdc: Path) -> None:
    """The validation above can fail: a code without isCodable is refused by both validators."""
    broken = qdc.read_bytes().replace(b'isCodable="true"', b"", 1)
    with pytest.raises(xmlschema.XMLSchemaValidationError, match="isCodable"):
        xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd").validate(broken.decode("utf-8"))
    with pytest.raises(etree.DocumentInvalid, match="isCodable"):
        etree.XMLSchema(etree.parse(SCHEMAS / "Codebook.xsd")).assertValid(etree.fromstring(broken))


def test_every_concept_is_one_codable_code_named_by_its_label(qdc: Path, seed_graph: Graph) -> None:
    codes = list(ET.parse(qdc).getroot().iter(f"{CB}Code"))
    guids = [code.get("guid") for code in codes]
    assert len(guids) == len(set(guids))
    names = [code.get("name").casefold() for code in codes]
    assert len(names) == len(set(names))
    codable = {code.get("guid"): code for code in codes if code.get("isCodable") == "true"}
    concepts = set(seed_graph.subjects(SKOS.inScheme, None))
    assert len(concepts) > 100  # the seed vocabulary, whatever its exact size today
    assert set(codable) == {iri_guid(c) for c in concepts}
    for concept in concepts:
        code = codable[iri_guid(concept)]
        assert code.get("name") == str(seed_graph.value(concept, SKOS.prefLabel))
        assert code.findtext(f"{CB}Description").endswith(f"Concept: {concept}")
    folders = [code for code in codes if code.get("isCodable") == "false"]
    assert {f.get("name") for f in folders} >= {"Success factor", "Barrier", "Category"}


def test_concepts_hang_under_their_category_and_class(qdc: Path) -> None:
    root = ET.parse(qdc).getroot()
    parent_of = {
        child.get("name"): parent.get("name") for parent in root.iter(f"{CB}Code") for child in parent
    }
    assert parent_of["History of collaboration or co-operation"] == "Environment"
    assert parent_of["Environment"] == "Category"
    history = next(c for c in root.iter(f"{CB}Code") if c.get("name").startswith("History of collab"))
    assert "Broader: Environment" in history.findtext(f"{CB}Description")
    success = next(s for s in root.iter(f"{CB}Set") if s.get("name") == "Class: Success factor")
    assert history.get("guid") in {m.get("guid") for m in success.iter(f"{CB}MemberCode")}


def test_codebook_bytes_are_the_same_on_a_second_run(qdc: Path, seed_corpus: Project, tmp_path: Path) -> None:
    again = tmp_path / "again.qdc"
    with open_store(seed_corpus.default_store, seed_corpus) as store:
        write_codebook(seed_corpus, store, again)
    assert again.read_bytes() == qdc.read_bytes()


@needs_seeds
def test_project_archive_holds_the_qde_and_each_text_by_guid(qdpx: Path, seed_graph: Graph) -> None:
    with zipfile.ZipFile(qdpx) as zipped:
        names = zipped.namelist()
        assert names[0] == "project.qde"
        documents = set(seed_graph.subjects(RDF.type, PG.ReviewedDocument))
        assert sorted(names[1:]) == sorted(f"sources/{iri_guid(d)}.txt" for d in documents)
        for document in documents:
            text = zipped.read(f"sources/{iri_guid(document)}.txt")
            assert hashlib.sha256(text).hexdigest() == str(seed_graph.value(document, PG.textSha256))


@needs_seeds
def test_project_qde_is_valid_against_project_xsd(qdpx: Path) -> None:
    with zipfile.ZipFile(qdpx) as zipped:
        validate("Project.xsd", zipped.read("project.qde"))


@needs_seeds
def test_each_claim_is_a_selection_of_its_quote_coded_with_its_concept(qdpx: Path, seed_graph: Graph) -> None:
    with zipfile.ZipFile(qdpx) as zipped:
        root = ET.fromstring(zipped.read("project.qde"))
        texts = {name: zipped.read(name).decode("utf-8") for name in zipped.namelist()[1:]}
    codable = {c.get("guid") for c in root.iter(f"{PJ}Code") if c.get("isCodable") == "true"}
    claims = {iri_guid(c): c for c in seed_graph.subjects(RDF.type, PG.Claim)}
    seen = []
    for source in root.iter(f"{PJ}TextSource"):
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        document = seed_graph.value(predicate=PG.citeKey, object=Literal(source.get("name")))
        assert source.get("guid") == iri_guid(document)
        for selection in source.iter(f"{PJ}PlainTextSelection"):
            claim = claims[selection.get("guid")]
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            assert text[start:end] == text[start:end].strip()
            assert fold(text[start:end]) == fold(str(seed_graph.value(claim, PG.quote)))
            assert seed_graph.value(claim, PG.reportedIn) == document
            refs = [ref.get("targetGUID") for ref in selection.iter(f"{PJ}CodeRef")]
            about = (PG.about, PG.polarity, PG.evidenceKind)
            assert refs == [
                iri_guid(seed_graph.value(claim, p)) for p in about if (claim, p, None) in seed_graph
            ]
            assert set(refs) <= codable
            seen.append(selection.get("guid"))
    assert sorted(seen) == sorted(claims)
    assert len(seen) > 1500


@needs_seeds
def test_selection_describes_polarity_kind_and_asserting_works(qdpx: Path) -> None:
    with zipfile.ZipFile(qdpx) as zipped:
        root = ET.fromstring(zipped.read("project.qde"))
    by_name = {s.get("name"): s for s in root.iter(f"{PJ}PlainTextSelection")}
    description = by_name["wallace2010 e001"].findtext(f"{PJ}Description")
    assert "Polarity: enables" in description
    assert "Evidence kind: review" in description
    assert "Asserted by: diamond2006au; rowe2006abusive" in description
    assert "Section: 1.2 Background to the research" in description


@needs_seeds
def test_project_bytes_are_the_same_on_a_second_run(qdpx: Path, seed_corpus: Project, tmp_path: Path) -> None:
    again = tmp_path / "again.qdpx"
    with open_store(seed_corpus.default_store, seed_corpus) as store:
        write_project(seed_corpus, store, SEEDS, again)
    assert again.read_bytes() == qdpx.read_bytes()


@needs_seeds
def test_a_changed_text_is_refused_naming_the_file_and_nothing_is_written(
    seed_corpus: Project, tmp_path: Path
) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    changed = texts / "002_cc4cc6e4e2478cf6.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nan added line\n", encoding="utf-8")
    out = tmp_path / "corpus.qdpx"
    refused = r"wallace2010\.yaml line \d+: .*002_cc4cc6e4e2478cf6\.txt has SHA-256"
    with (
        open_store(seed_corpus.default_store, seed_corpus) as store,
        pytest.raises(PartnergraphError, match=refused),
    ):
        write_project(seed_corpus, store, texts, out)
    assert not out.exists()


@needs_seeds
def test_a_missing_text_is_refused_with_the_fix(seed_corpus: Project, tmp_path: Path) -> None:
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    (texts / "002_cc4cc6e4e2478cf6.txt").unlink()
    refused = r"no text of wallace2010 in .*--texts"
    with (
        open_store(seed_corpus.default_store, seed_corpus) as store,
        pytest.raises(PartnergraphError, match=refused),
    ):
        write_project(seed_corpus, store, texts, tmp_path / "corpus.qdpx")


def test_offsets_span_the_quote_across_line_breaks_in_the_raw_text(mini: Project, tmp_path: Path) -> None:
    """The mini corpus's texts wrap each quote over lines: the selection covers the raw
    characters (line breaks included) from the quote's first to its last."""
    write_texts(mini, tmp_path / "texts")
    build(mini)
    out = tmp_path / "mini.qdpx"
    with open_store(mini.default_store, mini) as store:
        write_project(mini, store, tmp_path / "texts", out)
    with zipfile.ZipFile(out) as zipped:
        validate("Project.xsd", zipped.read("project.qde"))
        root = ET.fromstring(zipped.read("project.qde"))
        texts = {name: zipped.read(name).decode("utf-8") for name in zipped.namelist()[1:]}
    graph = Graph().parse(mini.graph_file, format="turtle")
    quotes = {iri_guid(c): str(q) for c, q in graph.subject_objects(PG.quote)}
    spans = []
    for source in root.iter(f"{PJ}TextSource"):
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        for selection in source.iter(f"{PJ}PlainTextSelection"):
            span = text[int(selection.get("startPosition")) : int(selection.get("endPosition"))]
            assert fold(span) == fold(quotes[selection.get("guid")])
            spans.append(span)
    assert len(spans) == len(quotes) == 10
    assert all("\n" in span for span in spans if len(span.split()) > 3)


def test_a_quote_missing_from_its_text_stops_the_export(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    build(mini)
    text = paths["wallace2010"].read_text(encoding="utf-8")
    paths["wallace2010"].write_text(
        text.replace("through all levels", "through every level"), encoding="utf-8"
    )
    out = tmp_path / "mini.qdpx"
    refused = r"claim c006 of wallace2010 .*not in the text — run `partnergraph verify --texts DIR`"
    with open_store(mini.default_store, mini) as store, pytest.raises(PartnergraphError, match=refused):
        write_project(mini, store, tmp_path / "texts", out)
    assert not out.exists()


def test_a_shared_label_is_told_apart_by_class(built: Project, tmp_path: Path) -> None:
    """The mini vocabulary names a category and a success factor both 'Communication';
    QualCoder would merge two codes of one name, so each gets its class."""
    out = tmp_path / "mini.qdc"
    with open_store(built.default_store, built) as store:
        write_codebook(built, store, out)
    validate("Codebook.xsd", out.read_bytes())
    names = {c.get("guid"): c.get("name") for c in ET.parse(out).getroot().iter(f"{CB}Code")}
    concept = "https://w3id.org/partnergraph/id/concept/"
    assert names[iri_guid(concept + "communication")] == "Communication (success factor)"
    assert names[iri_guid(concept + "communication-category")] == "Communication (category)"
    assert names[iri_guid(concept + "trust")] == "Trust"


@needs_seeds
def test_selections_name_their_curator_and_date_from_the_claims_provenance(
    qdpx: Path, seed_graph: Graph
) -> None:
    """Users and dates come from PROV-O in the graph (never the clock); the schema cannot
    check that a creatingUser is one of the project's users, so this does."""
    with zipfile.ZipFile(qdpx) as zipped:
        root = ET.fromstring(zipped.read("project.qde"))
    users = {user.get("guid"): user.get("id") for user in root.iter(f"{PJ}User")}
    claims = {iri_guid(c): c for c in seed_graph.subjects(RDF.type, PG.Claim)}
    for selection in root.iter(f"{PJ}PlainTextSelection"):
        claim = claims[selection.get("guid")]
        agents = {str(a) for a in seed_graph.objects(claim, PROV.wasAttributedTo)}
        named = agents - {str(PG.HandCuration)}
        assert users[selection.get("creatingUser")] in (named or agents)
        for coding in selection.iter(f"{PJ}Coding"):
            assert coding.get("creatingUser") == selection.get("creatingUser")
        date = seed_graph.value(claim, PROV.generatedAtTime)
        expected = None if date is None else str(date) + ("T00:00:00Z" if "T" not in str(date) else "")
        assert selection.get("creationDateTime") == expected


@needs_seeds
def test_export_command_writes_the_same_project_or_refuses_with_the_fix(
    qdpx: Path, seed_corpus: Project, tmp_path: Path
) -> None:
    """`partnergraph export --format qdpx` (helper P's command) calls write_project."""
    out = tmp_path / "cli.qdpx"
    command = ["--project", str(seed_corpus.root), "export", "--format", "qdpx", "-o", str(out)]
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    (texts / "004_57f3654f397f3b61.txt").unlink()
    refused = CliRunner().invoke(main, [*command, "--texts", str(texts)])
    assert refused.exit_code == 1
    assert "no text of cairns-nd-partnership in" in refused.output
    assert not out.exists()
    result = CliRunner().invoke(main, [*command, "--texts", str(SEEDS)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == qdpx.read_bytes()


def test_the_rdflib_store_gives_the_same_bytes(mini: Project, tmp_path: Path) -> None:
    """Whatever store answers the queries (rdflib in memory or Oxigraph), the export is the
    same; the mini corpus has claims with and without via works and asserting works."""
    write_texts(mini, tmp_path / "texts")
    build(mini)
    written = {}
    for descriptor in ("memory:", mini.default_store):
        name = descriptor.split(":")[0]
        with open_store(descriptor, mini) as store:
            write_codebook(mini, store, tmp_path / f"{name}.qdc")
            write_project(mini, store, tmp_path / "texts", tmp_path / f"{name}.qdpx")
        written[name] = ((tmp_path / f"{name}.qdc").read_bytes(), (tmp_path / f"{name}.qdpx").read_bytes())
    assert written["memory"] == written["oxigraph"]
    with zipfile.ZipFile(tmp_path / "memory.qdpx") as zipped:
        descriptions = [
            s.findtext(f"{PJ}Description")
            for s in ET.fromstring(zipped.read("project.qde")).iter(f"{PJ}PlainTextSelection")
        ]
    assert any("Cited via: balloch2007" in d for d in descriptions)


def test_a_control_character_xml_cannot_hold_is_refused(mini: Project, tmp_path: Path) -> None:
    concepts = mini.concepts_file.read_text(encoding="utf-8")
    mini.concepts_file.write_text(
        concepts.replace(
            "    label: Trust\n", '    label: Trust\n    definition: "Trust\\fbetween partners"\n'
        ),
        encoding="utf-8",
    )
    build(mini)
    out = tmp_path / "mini.qdc"
    with (
        open_store(mini.default_store, mini) as store,
        pytest.raises(PartnergraphError, match="U\\+000C") as error,
    ):
        write_codebook(mini, store, out)
    assert "Trust\ufffdbetween partners" in str(error.value)
    assert "corpus/concepts.yaml" in str(error.value)
    assert not out.exists()


@needs_seeds
def test_polarity_and_evidence_kind_are_codes_of_the_project_too(qdpx: Path, qdc: Path) -> None:
    """A QDA tool crosses codes with codes: hindering claims about trust need a code for 'hinders'.
    The project's codebook is the vocabulary's plus these two folders; the .qdc stays the vocabulary."""
    with zipfile.ZipFile(qdpx) as zipped:
        root = ET.fromstring(zipped.read("project.qde"))
    folders = {c.get("name"): c for c in root.find(f"{PJ}CodeBook").find(f"{PJ}Codes")}
    polarity = [c.get("name") for c in folders["Polarity"].findall(f"{PJ}Code")]
    assert polarity == ["Polarity: enables", "Polarity: hinders", "Polarity: mixed", "Polarity: neutral"]
    assert "Evidence kind: review" in [c.get("name") for c in folders["Evidence kind"].findall(f"{PJ}Code")]
    assert folders["Polarity"].get("isCodable") == "false"
    vocabulary = {c.get("guid") for c in ET.parse(qdc).getroot().iter(f"{CB}Code")}
    project = {c.get("guid") for c in root.iter(f"{PJ}Code")}
    extra = {c.get("guid") for name in ("Polarity", "Evidence kind") for c in folders[name].iter(f"{PJ}Code")}
    assert project == vocabulary | extra
