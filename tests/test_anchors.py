"""Quotes as W3C Web Annotation selectors a reader can re-anchor: offsets in the text as
stored, the words around the quote, the page, and the text's SHA-256 (anchors.py)."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from anchorpoint.textselectors import TextPositionSelector, TextQuoteSelector
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from claims_fixture import TEXT, one_document_project, text_sha
from partnergraph import Project, build
from partnergraph.anchor_files import anchors_dir
from partnergraph.anchors import stale_anchors, write_anchors
from partnergraph.errors import InputError
from partnergraph.verify import fold

OA = Namespace("http://www.w3.org/ns/oa#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
PG = Namespace("https://w3id.org/partnergraph/ontology#")
ID = "https://w3id.org/partnergraph/id/"
REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
# The terms of the W3C Web Annotation vocabulary (https://www.w3.org/TR/annotation-vocab/)
# that the build may write, so that a misspelt one (oa:textStart, oa:Prefix) fails here.
OA_TERMS = {
    OA[name]
    for name in [
        "Annotation",
        "SpecificResource",
        "TextQuoteSelector",
        "TextPositionSelector",
        "State",
        "hasBody",
        "hasTarget",
        "hasSource",
        "hasSelector",
        "hasState",
        "cachedSource",
        "exact",
        "prefix",
        "suffix",
        "start",
        "end",
    ]
}
CLAIMS = """- id: c001
  concept: communication
  polarity: enables
  asserted_by: [jones2010]
  quote: "They need good communication between partners"
- id: c002
  concept: trust
  polarity: enables
  quote: "trust matters"
"""


def anchored(tmp_path: Path, claims: str = CLAIMS) -> tuple[Project, Path, dict]:
    project, texts = one_document_project(tmp_path, claims)
    write_anchors(project, texts)
    data = yaml.safe_load((anchors_dir(project) / "tsrc-review.yaml").read_text(encoding="utf-8"))
    return project, texts, data


def test_offsets_count_code_points_of_the_text_as_stored(tmp_path: Path) -> None:
    _project, _texts, data = anchored(tmp_path)
    assert data["text"]["sha256"] == text_sha()
    first = data["anchors"]["c001"]
    # code points, CRLF kept: not the byte offset, not the offset after newline translation
    assert first["start"] == TEXT.index("They need")
    assert first["start"] != TEXT.encode("utf-8").index(b"They need")
    assert TEXT[first["start"] : first["end"]] == "They need good\n   communication between partners"
    assert fold(TEXT[first["start"] : first["end"]]) == "They need good communication between partners"


def test_prefix_and_suffix_adjoin_the_quote_in_the_folded_text(tmp_path: Path) -> None:
    _project, _texts, data = anchored(tmp_path)
    folded = fold(TEXT)
    for claim_id, quote in (
        ("c001", "They need good communication between partners"),
        ("c002", "trust matters"),
    ):
        a = data["anchors"][claim_id]
        assert a["prefix"] and a["suffix"]
        at = folded.index(a["prefix"] + quote + a["suffix"])
        assert fold(TEXT[: a["start"]]).endswith(a["prefix"].strip())
        assert fold(TEXT[a["end"] :]).startswith(a["suffix"].strip())
        assert at + len(a["prefix"]) == len(fold(TEXT[: a["start"]])) + 1  # the space before the quote
    # five words either side; at the end of the text, what there is
    assert data["anchors"]["c002"]["prefix"] == "2010). Trust matters, they said; "
    assert data["anchors"]["c002"]["suffix"] == " again in the end."


def test_pages_come_from_form_feeds(tmp_path: Path) -> None:
    _project, _texts, data = anchored(tmp_path)
    assert data["anchors"]["c001"]["page"] == 2
    assert data["anchors"]["c002"]["page"] == 3


def test_a_quote_not_in_the_text_stops_the_command_and_writes_nothing(tmp_path: Path) -> None:
    claims = CLAIMS + '- id: c003\n  concept: trust\n  polarity: enables\n  quote: "They need good talk"\n'
    project, texts = one_document_project(tmp_path, claims)
    with pytest.raises(InputError) as raised:
        write_anchors(project, texts)
    message = str(raised.value)
    assert "corpus/documents/tsrc-review.yaml line 18" in message and "c003" in message
    assert "correct the quote" in message
    assert not anchors_dir(project).exists()


def compiled(project: Project) -> Graph:
    build(project, load_store=False)
    return Graph().parse(project.graph_file)


def test_the_build_compiles_both_selectors_and_the_state_of_the_text(tmp_path: Path) -> None:
    project, _texts, data = anchored(tmp_path)
    graph = compiled(project)
    claim = URIRef(f"{ID}claim/tsrc-review-c001")
    target = URIRef(f"{claim}/anchor/target")
    selectors = set(graph.objects(target, OA.hasSelector))
    quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in graph)
    position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in graph)
    a = data["anchors"]["c001"]
    assert graph.value(quote, OA.prefix) == Literal(a["prefix"])
    assert graph.value(quote, OA.suffix) == Literal(a["suffix"])
    start, end = graph.value(position, OA.start), graph.value(position, OA.end)
    assert (start.datatype, end.datatype) == (XSD.nonNegativeInteger, XSD.nonNegativeInteger)
    assert fold(TEXT[start.toPython() : end.toPython()]) == str(graph.value(quote, OA.exact))
    state = graph.value(target, OA.hasState)
    assert (state, RDF.type, OA.State) in graph
    ni = str(graph.value(state, OA.cachedSource))
    assert ni.startswith("ni:///sha-256;")
    digest = base64.urlsafe_b64decode(ni.split(";", 1)[1] + "==")
    assert digest == hashlib.sha256(TEXT.encode("utf-8")).digest()
    assert graph.value(claim, PG.readOnPage) == Literal(2, datatype=XSD.positiveInteger)
    assert graph.value(claim, PG.citedPages) is None  # the cited work's pages stay apart
    used = {t for triple in graph for t in triple if isinstance(t, URIRef) and str(t).startswith(str(OA))}
    assert used <= OA_TERMS, used - OA_TERMS


def test_the_selectors_parse_in_oxigraph_too(tmp_path: Path) -> None:
    project, _texts, _data = anchored(tmp_path)
    build(project, load_store=False)
    store = ox.Store()
    store.load(path=str(project.graph_file), format=ox.RdfFormat.TURTLE)
    rows = list(
        store.query(
            "PREFIX oa: <http://www.w3.org/ns/oa#> SELECT ?start ?end WHERE { "
            "?t oa:hasSelector ?s . ?s a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }"
        )
    )
    assert sorted(TEXT[int(r["start"].value) : int(r["end"].value)] for r in rows) == [
        "They need good\n   communication between partners",
        "trust matters",
    ]


def folded_index(raw: str) -> list[int]:
    """For each character of the text, its index once whitespace runs are folded to one
    space (counted here, apart from the code under test); -1 for whitespace."""
    index, count, space_due = [], 0, False
    for char in raw:
        if char.isspace():
            space_due = count > 0
            index.append(-1)
        else:
            count += space_due
            space_due = False
            index.append(count)
            count += 1
    return index


def reanchored(
    raw: str, folded: str, index: list[int], exact: str, prefix: str, suffix: str, start: int, end: int
) -> tuple[int, int]:
    """Where anchorpoint, another implementation of the Web Annotation selectors, puts the
    quote selector in the folded text, and where our offsets put it there."""
    found = TextQuoteSelector(exact=exact, prefix=prefix, suffix=suffix).as_position(folded)
    assert fold(TextPositionSelector(start=start, end=end).select_text(raw)) == exact
    return found.start, index[start]


def test_another_implementation_reanchors_the_compiled_selectors(tmp_path: Path) -> None:
    project, _texts, _data = anchored(tmp_path)
    graph = compiled(project)
    checked = 0
    for position in graph.subjects(RDF.type, OA.TextPositionSelector):
        target = next(graph.subjects(OA.hasSelector, position))
        quote = next(s for s in graph.objects(target, OA.hasSelector) if s != position)
        found, ours = reanchored(
            TEXT,
            fold(TEXT),
            folded_index(TEXT),
            str(graph.value(quote, OA.exact)),
            str(graph.value(quote, OA.prefix)),
            str(graph.value(quote, OA.suffix)),
            graph.value(position, OA.start).toPython(),
            graph.value(position, OA.end).toPython(),
        )
        assert found == ours
        checked += 1
    assert checked == 2


def test_a_stale_sha_is_left_out_of_the_build_and_reported(tmp_path: Path) -> None:
    project, texts, _data = anchored(tmp_path)
    path = project.documents_dir / "tsrc-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(text_sha(), "0" * 64), encoding="utf-8")
    report = build(project, load_store=False)
    assert report.counts["anchored_claims"] == 0
    assert any("0 of 2 quotes located" in line and "partnergraph anchor" in line for line in report.lines())
    graph = Graph().parse(project.graph_file)
    assert not list(graph.subjects(RDF.type, OA.TextPositionSelector))
    problems = stale_anchors(project, texts)
    assert [(p.path, p.line) for p in problems] == [("corpus/anchors/tsrc-review.yaml", 4)]
    assert "not the declared" in problems[0].message and "partnergraph anchor" in problems[0].fix


def test_an_edited_quote_is_reported_at_its_anchor(tmp_path: Path) -> None:
    project, texts, _data = anchored(tmp_path)
    path = project.documents_dir / "tsrc-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"trust matters"', '"trust matters again"'))
    problems = stale_anchors(project, texts)
    assert len(problems) == 1 and "c002's quote was edited" in problems[0].message
    assert problems[0].path == "corpus/anchors/tsrc-review.yaml" and problems[0].line is not None
    assert build(project, load_store=False).counts["anchored_claims"] == 1


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not on this machine")
def test_the_seed_anchors_select_their_quotes() -> None:
    from partnergraph.build import load_sources

    project = Project.locate(REPO)
    corpus = load_sources(project).corpus
    checked = 0
    for doc in corpus.documents:
        anchors = corpus.anchors[doc.document]
        raw = (SEEDS / doc.text_file).read_bytes().decode("utf-8")
        assert hashlib.sha256(raw.encode("utf-8")).hexdigest() == anchors.sha256 == doc.text_sha256
        folded, index = fold(raw), folded_index(raw)
        for claim in doc.claims:
            a = anchors.usable(doc, claim)
            assert a is not None, claim.id
            assert fold(raw[a.start : a.end]) == fold(claim.quote)
            assert a.prefix + fold(claim.quote) + a.suffix in folded
            found, ours = reanchored(
                raw, folded, index, fold(claim.quote), a.prefix, a.suffix, a.start, a.end
            )
            assert found == ours, claim.id
            checked += 1
    assert checked == sum(len(d.claims) for d in corpus.documents) > 2000
    assert stale_anchors(project, SEEDS) == []


def test_the_shapes_refuse_a_broken_position_and_stay_in_sparql(tmp_path: Path) -> None:
    from pyshacl import validate

    from partnergraph.validation import shape_queries

    project, _texts, _data = anchored(tmp_path)
    graph = compiled(project)
    assert shape_queries(project)[0] is not None  # translated to SPARQL: the build stays quick
    assert validate(graph, shacl_graph=str(project.shapes_file))[0]
    position = URIRef(f"{ID}claim/tsrc-review-c001/anchor/position")
    graph.add((position, OA.end, Literal(7, datatype=XSD.nonNegativeInteger)))
    graph.set((position, OA.start, Literal(-1, datatype=XSD.integer)))
    conforms, _report, text = validate(graph, shacl_graph=str(project.shapes_file))
    assert not conforms
    assert "one end" in text and "one start" in text


def test_anchors_of_a_document_no_longer_reviewed_are_reported(tmp_path: Path) -> None:
    project, texts, _data = anchored(tmp_path)
    (anchors_dir(project) / "tsrc-review.yaml").rename(anchors_dir(project) / "gone.yaml")
    path = anchors_dir(project) / "gone.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("document: tsrc-review", "document: gone2020"))
    problems = stale_anchors(project, texts)
    assert [(p.path, p.message, p.fix) for p in problems] == [
        (
            "corpus/anchors/gone.yaml",
            "anchors of 'gone2020', which is no reviewed document",
            "delete the file",
        )
    ]


def test_verify_exits_non_zero_on_a_stale_anchor(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from partnergraph.cli import main

    project, texts, _data = anchored(tmp_path)
    where = ["--project", str(project.root), "verify", "--texts", str(texts)]
    assert CliRunner().invoke(main, where).exit_code == 0
    path = project.documents_dir / "tsrc-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace('"trust matters"', '"trust matters again"'))
    result = CliRunner().invoke(main, where)
    assert result.exit_code == 1
    assert "stale anchor: corpus/anchors/tsrc-review.yaml line" in result.output
    assert "c002's quote was edited — run `partnergraph anchor --texts DIR` again" in result.output


def test_a_document_without_its_text_sha256_gets_no_anchors_but_the_fix(tmp_path: Path) -> None:
    project, texts = one_document_project(tmp_path, CLAIMS)
    path = project.documents_dir / "tsrc-review.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(f'  sha256: "{text_sha()}"\n', ""))
    with pytest.raises(InputError) as raised:
        write_anchors(project, texts)
    assert "tsrc-review.yaml line 1: document tsrc-review declares no text sha256" in str(raised.value)
    assert f"write 'sha256: \"{text_sha()}\"' under 'text:'" in str(raised.value)
    assert not anchors_dir(project).exists()
