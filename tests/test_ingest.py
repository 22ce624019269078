"""`ingest` and `review`: a new document goes from text to claims the build accepts.

The end-to-end tests run on a copy of the seed project with the synthetic review of
tests/fixtures/ingest (invented findings; it cites works of the seed bibliography and
works that are not in it, by author and year and by endnote number).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnergraph import Project, build
from partnergraph.bibliography import load_bibliography
from partnergraph.citation_finder import FoundCitation
from partnergraph.cli import main
from partnergraph.corpus import load_corpus
from partnergraph.drafts import Review, apply_answer, drafts_file, fold, read_drafts
from partnergraph.errors import PartnergraphError
from partnergraph.ingest import citation_keys, ingest, resolve_references
from partnergraph.reference_parser import ParsedReference
from partnergraph.text_extraction import extract_text, html_text
from partnergraph.verify import verify_quotes

REPO = Path(__file__).parent.parent
SYNTHETIC = Path(__file__).parent / "fixtures" / "ingest" / "synthetic-review.md"
KEY = "synthetic2026review"


def seed_copy(root: Path) -> Project:
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(REPO / part, root / part)
    return Project.locate(root)


@pytest.fixture
def ingested(tmp_path: Path) -> Project:
    project = seed_copy(tmp_path / "project")
    ingest(project, SYNTHETIC, KEY)
    return project


def test_html_keeps_headings_as_lines_and_drops_scripts(tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    page.write_text(
        "<html><head><title>t</title><script>var x = 1;</script></head><body>"
        "<h2>2 Barriers</h2><p>A lack of <b>trust</b> hindered &amp; slowed the work.</p></body></html>"
    )
    text = extract_text(page)
    assert "## 2 Barriers\n" in text
    assert "A lack of trust hindered & slowed the work." in text
    assert "var x" not in text and "<" not in html_text("<p>a</p>")


def test_a_pdf_without_pdftotext_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PartnergraphError, match="poppler-utils"):
        extract_text(pdf)


def minimal_pdf(words: str) -> bytes:
    """A one-page PDF showing `words` in Helvetica, its cross-reference offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({words}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils not installed (.ci/run installs it)"
)
def test_a_pdf_is_read_through_pdftotext(tmp_path: Path) -> None:
    pdf = tmp_path / "review.pdf"
    pdf.write_bytes(minimal_pdf("Trust between partners mattered most."))
    assert "Trust between partners mattered most." in extract_text(pdf)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\nnot a pdf")
    with pytest.raises(PartnergraphError, match="pdftotext could not read it"):
        extract_text(broken)


def test_an_unknown_kind_of_file_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "review.docx"
    odd.write_bytes(b"PK\x03\x04")
    with pytest.raises(PartnergraphError, match=r"cannot read a '\.docx' file"):
        extract_text(odd)


def test_ingest_stores_the_text_a_stub_entry_and_exact_drafts(ingested: Project) -> None:
    text_path = ingested.root / "texts" / f"{KEY}.txt"
    text = text_path.read_text(encoding="utf-8")
    drafts = read_drafts(drafts_file(ingested, KEY))
    assert drafts.text_sha256 == hashlib.sha256(text_path.read_bytes()).hexdigest()
    assert drafts.drafts, "no drafts from a review full of findings"
    for draft in drafts.drafts:
        assert draft.quote == fold(text[draft.start : draft.end])
        assert 1 <= len(draft.options) <= 3
    stub = next(w for w in load_bibliography(ingested, []) if w.key == KEY)
    assert (
        stub.get("title")
        == "Working Together Locally: A Synthetic Review of Public and Third Sector Partnerships"
    )
    assert stub.get("author") is None and stub.get("year") is None
    assert {"author", "year"} <= set(stub.get("pg-unstated").split(", "))
    trust = next(d for d in drafts.drafts if d.quote.startswith("Trust between partners"))
    assert set(trust.asserted_by) == {"mattessich2001", "huxham2005"}, "known works must be reused"
    lack = next(d for d in drafts.drafts if d.quote.startswith("A lack of trust"))
    assert lack.options[0].concept == "lack-of-trust" and lack.options[0].polarity == "hinders"


def test_drafts_do_not_enter_the_graph(ingested: Project) -> None:
    problems: list = []
    corpus = load_corpus(ingested, problems)
    assert not problems
    assert KEY not in {d.document for d in corpus.documents}


def test_ingest_refuses_a_key_in_use(ingested: Project) -> None:
    with pytest.raises(PartnergraphError, match="already"):
        ingest(ingested, SYNTHETIC, KEY)
    with pytest.raises(PartnergraphError, match="already a work"):
        ingest(ingested, SYNTHETIC, "wallace2010")


def _ref(number: int, raw: str, authors: tuple[str, ...] = (), year: str | None = None) -> ParsedReference:
    return ParsedReference(
        0, len(raw), raw, number, authors, year, None, None, None, None, None, None, None, "misc"
    )


def test_two_unreadable_endnotes_are_two_placeholder_works() -> None:
    refs = [_ref(5, "[5] Interviews, 2020."), _ref(6, "[6]")]
    by_number, _, added, _, unresolved = resolve_references(KEY, refs, [])
    assert unresolved == [5, 6]
    assert len({w.key for w in added}) == 2
    assert all(w.get("pg-unresolved") == "true" for w in added)
    assert [w.get("pg-endnote") for w in added] == ["5", "6"]
    cite = FoundCitation("numbered", 0, 5, "[5-6]", (), None, False, (5, 6), False)
    assert len(set(citation_keys(cite, by_number, {}, []))) == 2


def test_review_picks_several_rejects_merges_and_resumes(ingested: Project) -> None:
    session = Review(ingested, KEY)
    first, second, third = session.pending[:3]
    slugs = {c.slug for c in load_corpus(ingested, []).concepts}
    with pytest.raises(PartnergraphError, match="not a concept slug"):
        apply_answer(session, first, "s", slugs, typed="no-such-concept")
    assert apply_answer(session, first, "1,2", slugs).count("c0") == 2
    assert apply_answer(session, second, "m", slugs) == "merged into c002"
    assert apply_answer(session, third, "r", slugs) == "rejected"
    session.finish()
    doc = yaml.safe_load((ingested.documents_dir / f"{KEY}.yaml").read_text())
    claims = doc["claims"]
    assert [c["concept"] for c in claims] == [first.options[0].concept, first.options[1].concept]
    assert claims[1]["quote"].startswith(first.quote[:30]) and claims[1]["quote"].endswith(second.quote[-30:])
    assert len(Review(ingested, KEY).pending) == len(read_drafts(drafts_file(ingested, KEY)).drafts) - 3


def test_review_in_the_terminal_explains_the_barrier_convention(ingested: Project) -> None:
    result = CliRunner().invoke(main, ["--project", str(ingested.root), "review", KEY], input="2\nq\n")
    assert result.exit_code == 0, result.output
    assert "BARRIER counterpart" in result.output and "never as the factor" in result.output
    assert "1 claim written" in result.output


def test_ingest_review_build_evidence_verify(tmp_path: Path) -> None:
    project = seed_copy(tmp_path / "project")
    runner = CliRunner()
    where = ["--project", str(project.root)]
    done = runner.invoke(main, [*where, "ingest", str(SYNTHETIC), "--key", KEY])
    assert done.exit_code == 0, done.output
    assert "next: partnergraph review" in done.output
    # Both lists are read, References (author–year) and Notes (numbered): Okafor (2019)
    # comes from the References with its title, not as a minimal entry.
    assert "references: 10 read" in done.output and "minimal entries" not in done.output
    done = runner.invoke(main, [*where, "review", KEY, "--accept-top"])
    assert done.exit_code == 0, done.output
    build(project)
    done = runner.invoke(main, [*where, "evidence", "lack-of-trust"])
    assert done.exit_code == 0, done.output
    assert "A lack of trust between council officers" in " ".join(done.output.split())
    assert "Working Together Locally" in done.output
    done = runner.invoke(main, [*where, "bib", "check", "--document", KEY])
    assert not [line for line in done.output.splitlines() if "-note" in line and "lacks" in line], done.output
    report = verify_quotes(project, project.root / "texts")
    assert report.checked[KEY] > 0
    assert not [m for m in report.misses if m.document == KEY]


def test_review_stopped_by_the_end_of_input_keeps_its_decisions(ingested: Project) -> None:
    result = CliRunner().invoke(main, ["--project", str(ingested.root), "review", KEY], input="1\n")
    assert result.exit_code == 0, result.output
    assert "decisions made so far are kept" in result.output
    assert len(yaml.safe_load((ingested.documents_dir / f"{KEY}.yaml").read_text())["claims"]) == 1
    assert read_drafts(drafts_file(ingested, KEY)).drafts[0].decision is not None


def test_schema_more_kinds_legislation_policy_and_unresolved_endnotes(mini: Project) -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF

    from partnergraph.namespaces import BIBO, PG, claim_iri, work_iri

    doc = mini.documents_dir / "tsrc-review.yaml"
    doc.write_text(
        doc.read_text().replace("    kind: review\n", "    kind: [review, participant-testimony]\n", 1)
    )
    bib = mini.bibliography_dir / "works.bib"
    bib.write_text(
        bib.read_text()
        + "\n@legislation{localism2011, title = {Localism Act 2011}, year = {2011}}\n"
        + "@policy{compact2010, title = {The Compact}, year = {2010}}\n"
        + "@misc{tsrc-review-note6, pg-endnote = {6}, pg-unresolved = {true},"
        + " pg-unstated = {author, year, title}}\n"
    )
    build(mini)  # the SHACL shapes run and must be satisfied
    graph = Graph().parse(mini.graph_file)
    claim = claim_iri("tsrc-review", "c001")
    assert set(graph.objects(claim, PG.evidenceKind)) == {PG.Review}
    assert set(graph.objects(claim, PG.additionalEvidenceKind)) == {PG.ParticipantTestimony}
    assert (work_iri("localism2011"), RDF.type, BIBO.Legislation) in graph
    assert (work_iri("compact2010"), RDF.type, PG.PolicyDocument) in graph
    note: URIRef = work_iri("tsrc-review-note6")
    assert graph.value(note, PG.endnoteNumber) == Literal(6)
    assert graph.value(note, PG.unresolvedCitation) == Literal(True)


def test_a_kind_outside_the_list_is_named(mini: Project) -> None:
    doc = mini.documents_dir / "tsrc-review.yaml"
    doc.write_text(doc.read_text().replace("    kind: review\n", "    kind: [review, interviews]\n", 1))
    problems: list = []
    load_corpus(mini, problems)
    assert any("'interviews'" in str(p) and "participant-testimony" in str(p) for p in problems), problems


def test_review_adds_a_concept_when_none_fits(ingested: Project) -> None:
    refused = "n\nno-such-parent-here\nBarrier\nx\nnot-a-slug\n\n"  # a counterpart that does not exist
    answers = refused + "n\nlack-of-small-grants\nBarrier\nLack of small grants\n\nresources\nq\n"
    result = CliRunner().invoke(main, ["--project", str(ingested.root), "review", KEY], input=answers)
    assert result.exit_code == 0, result.output
    assert "'not-a-slug' is not a concept slug" in result.output
    problems: list = []
    corpus = load_corpus(ingested, problems)
    assert not problems
    added = next(c for c in corpus.concepts if c.slug == "lack-of-small-grants")
    assert (added.cls, added.label, added.broader) == ("Barrier", "Lack of small grants", ("resources",))
    claims = yaml.safe_load((ingested.documents_dir / f"{KEY}.yaml").read_text())["claims"]
    assert [c["concept"] for c in claims] == ["lack-of-small-grants"]


def draft_quoting(project: Project, key: str, words: str):
    """The draft of `key` whose quote holds `words`."""
    return next(d for d in read_drafts(drafts_file(project, key)).drafts if words in d.quote)


def bib_entry(project: Project, key: str):
    return next(w for w in load_bibliography(project, []) if w.key == key)


def test_a_citation_no_reference_explains_becomes_a_minimal_work(tmp_path: Path) -> None:
    project = seed_copy(tmp_path / "project")
    text = tmp_path / "short.md"
    text.write_text(
        "# A Short Review\n\n## Findings\n\n"
        "A lack of trust between partners was a barrier in most partnerships (Okafor, 2019).\n"
    )
    ingest(project, text, "short2026review")
    okafor = draft_quoting(project, "short2026review", "(Okafor, 2019)")
    assert len(okafor.asserted_by) == 1 and okafor.asserted_by[0].startswith("okafor2019")
    work = bib_entry(project, okafor.asserted_by[0])
    assert (work.get("author"), work.get("year"), work.minimal) == ("Okafor", "2019", True)
    assert work.get("title") is None


def test_both_reference_lists_of_a_review_are_read(ingested: Project) -> None:
    """References (author–year) and then Notes (numbered): works of both reach the
    bibliography, Okafor (2019) with the title its entry gives."""
    work = bib_entry(ingested, draft_quoting(ingested, KEY, "(Okafor, 2019)").asserted_by[0])
    assert work.get("title") == "Small charities and the cost of partnership" and not work.minimal


def test_an_author_year_citation_finds_a_known_work_whose_key_it_does_not_spell() -> None:
    works = load_bibliography(Project.locate(REPO), [])
    text = "(Birmingham City Council, 2006)"
    cite = FoundCitation(
        "author-year", 0, len(text), text, ("Birmingham City Council",), "2006", False, (), False
    )
    assert citation_keys(cite, {}, {}, works) == ["birminghamcitycouncil2006partnership"]


def test_a_numbered_citation_with_no_entry_in_the_list_is_a_placeholder_of_its_own(ingested: Project) -> None:
    power = draft_quoting(ingested, KEY, "[5-6]")
    assert len(power.asserted_by) == 2 and f"{KEY}-note6" in power.asserted_by
    note = bib_entry(ingested, f"{KEY}-note6")
    assert (note.get("pg-endnote"), note.get("pg-unresolved")) == ("6", "true")


def test_an_html_review_keeps_its_sections_in_the_drafts(tmp_path: Path) -> None:
    project = seed_copy(tmp_path / "project")
    page = tmp_path / "review.html"
    page.write_text(
        "<html><body><h1>A Short Review</h1><h2>3 Barriers</h2>"
        "<p>A lack of trust between partners was a barrier in most partnerships (Okafor, 2019).</p>"
        "</body></html>"
    )
    ingest(project, page, "short2026review")
    lack = draft_quoting(project, "short2026review", "A lack of trust")
    assert lack.quote.startswith("A lack of trust") and lack.section == "3 Barriers"
    stub = bib_entry(project, "short2026review")
    assert stub.get("title") == "A Short Review"


def test_reingesting_without_force_names_what_exists_and_the_flag(ingested: Project) -> None:
    with pytest.raises(PartnergraphError) as refused:
        ingest(ingested, SYNTHETIC, KEY)
    message = str(refused.value)
    assert f"texts/{KEY}.txt" in message and f"corpus/drafts/{KEY}.yaml" in message
    assert "--force" in message
    with pytest.raises(PartnergraphError, match="not written by partnergraph ingest"):
        ingest(ingested, SYNTHETIC, "wallace2010", force=True)


def revised_review(tmp_path: Path) -> Path:
    """The synthetic review with its endnote 1 now citing another work and one sentence reworded."""
    text = SYNTHETIC.read_text(encoding="utf-8")
    text = text.replace(
        "Brennan, L. (2015). Roles in local partnerships. Local Government Review, 8(1), 4-19.",
        "Byrne, K. (2016). Defining roles in partnership. Local Government Review, 9(2), 5-21.",
    )
    text = text.replace(
        "Insufficient funding hindered the smaller charities",
        "Insufficient funding held back the smaller charities",
    )
    path = tmp_path / "synthetic-review-v2.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_force_replaces_what_ingest_wrote_and_keeps_what_the_curator_did(tmp_path: Path) -> None:
    project = seed_copy(tmp_path / "project")
    ingest(project, SYNTHETIC, KEY)
    brennan = draft_quoting(project, KEY, "[1]").asserted_by[0]
    patel = draft_quoting(project, KEY, "[2,3]").asserted_by[0]
    # A second document cites Patel's work, which the first one added to the bibliography.
    other = tmp_path / "other.md"
    other.write_text(
        "# Another Review\n\n## Findings\n\nSufficient resources enabled small groups to take part "
        "(Patel & Moore, 2017).\n"
    )
    ingest(project, other, "other2026review")
    assert draft_quoting(project, "other2026review", "Patel").asserted_by == (patel,)
    session = Review(project, KEY)
    trust = next(d for d in session.pending if d.quote.startswith("Trust between partners"))
    session.accept(trust, [trust.options[0].concept])
    session.reject(next(d for d in session.pending if d.quote.startswith("Insufficient funding")))
    session.finish()
    accepted = (project.documents_dir / f"{KEY}.yaml").read_bytes()

    revised = revised_review(tmp_path)
    # Nothing of the first ingest may be removed when the text cannot be read at all.
    written = [
        project.root / "texts" / f"{KEY}.txt",
        drafts_file(project, KEY),
        project.bibliography_dir / "ingested.bib",
    ]
    before = [path.read_bytes() for path in written]
    with pytest.raises(PartnergraphError, match=r"missing\.md is not a file"):
        ingest(project, tmp_path / "missing.md", KEY, force=True)
    assert [path.read_bytes() for path in written] == before
    report = ingest(project, revised, KEY, force=True)
    lines = "\n".join(report.lines(project))

    assert (project.documents_dir / f"{KEY}.yaml").read_bytes() == accepted, (
        "accepted claims are never touched"
    )
    assert "1 accepted claim" in lines and "kept" in lines
    assert f"partnergraph verify --texts texts --document {KEY}" in lines, (
        "the text changed: quotes may not verify"
    )
    problems: list = []
    works = {w.key: w for w in load_bibliography(project, problems)}
    assert not problems, problems
    assert brennan not in works, "its own entry no longer in the text is removed"
    byrne = draft_quoting(project, KEY, "[1]").asserted_by[0]
    assert works[byrne].get("title") == "Defining roles in partnership"
    assert patel in works, "another document's drafts use it"
    bib_text = (project.bibliography_dir / "ingested.bib").read_text()
    assert bib_text.count("{" + KEY + ",") == 1 and bib_text.count("{" + f"{KEY}-note6,") == 1
    drafts = read_drafts(drafts_file(project, KEY))
    assert draft_quoting(project, KEY, "Trust between partners").decision == trust.options[0].concept
    assert draft_quoting(project, KEY, "held back the smaller").decision is None, "its sentence changed"
    assert "review decisions: 1 kept" in lines
    assert (
        drafts.text_sha256 == hashlib.sha256((project.root / "texts" / f"{KEY}.txt").read_bytes()).hexdigest()
    )
    build(project)


def test_force_writes_nothing_when_a_file_cannot_be_written(
    ingested: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from partnergraph import reingest as ingest_module

    watched = [
        ingested.root / "texts" / f"{KEY}.txt",
        drafts_file(ingested, KEY),
        ingested.bibliography_dir / "ingested.bib",
    ]
    before = [p.read_bytes() for p in watched]
    real_stage, calls = ingest_module.stage, []

    def disk_full_on_the_third(path: Path, data: bytes) -> Path:
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_stage(path, data)

    monkeypatch.setattr(ingest_module, "stage", disk_full_on_the_third)
    with pytest.raises(OSError):
        ingest(ingested, revised_review(tmp_path), KEY, force=True)
    assert [p.read_bytes() for p in watched] == before
    assert not [p for p in ingested.root.rglob(".*") if p.is_file()], "no staged files left behind"


def test_a_claim_records_the_note_number_it_was_read_through(ingested: Project) -> None:
    from rdflib import Graph, Literal

    from partnergraph.namespaces import PG, claim_iri

    lack = draft_quoting(ingested, KEY, "A lack of trust")
    assert lack.notes == (4,)
    assert draft_quoting(ingested, KEY, "Trust between partners").notes == ()
    CliRunner().invoke(main, ["--project", str(ingested.root), "review", KEY, "--accept-top"])
    claims = yaml.safe_load((ingested.documents_dir / f"{KEY}.yaml").read_text())["claims"]
    by_quote = {c["quote"][:15]: c for c in claims}
    assert by_quote["A lack of trust"]["endnote"] == 4
    assert by_quote["Sufficient reso"]["endnote"] == [2, 3]
    assert "endnote" not in by_quote["Trust between p"]
    build(ingested)
    graph = Graph().parse(ingested.graph_file)
    lack_claim = claim_iri(KEY, by_quote["A lack of trust"]["id"])
    assert set(graph.objects(lack_claim, PG.citedInNote)) == {Literal(4)}


@pytest.mark.parametrize("value", ["0", "four", "-2", "[1, 0]"])
def test_an_endnote_that_is_not_a_positive_number_is_named_with_its_line(mini: Project, value: str) -> None:
    doc = mini.documents_dir / "tsrc-review.yaml"
    doc.write_text(
        doc.read_text().replace("    kind: review\n", f"    kind: review\n    endnote: {value}\n", 1)
    )
    problems: list = []
    load_corpus(mini, problems)
    found = [p for p in problems if "endnote" in p.message]
    assert found and found[0].line == 16 and "positive" in found[0].message and "endnote: 4" in found[0].fix


def test_the_shapes_check_a_claims_note_number(mini: Project) -> None:
    from rdflib import Literal

    from partnergraph.build import load_sources
    from partnergraph.compiler import compile_graph
    from partnergraph.namespaces import PG, claim_iri
    from partnergraph.validation import graph_violations

    doc = mini.documents_dir / "tsrc-review.yaml"
    doc.write_text(doc.read_text().replace("    kind: review\n", "    kind: review\n    endnote: 3\n", 1))
    sources = load_sources(mini)
    graph = compile_graph(sources.ontology, sources.corpus, sources.works)
    claim = claim_iri("tsrc-review", "c001")
    assert graph.value(claim, PG.citedInNote) == Literal(3)
    assert not graph_violations(mini, sources, graph)
    graph.set((claim, PG.citedInNote, Literal(0)))
    assert [v for v in graph_violations(mini, sources, graph) if "note" in str(v).lower()]


def test_force_on_an_unchanged_text_after_a_full_review_keeps_every_entry_once(ingested: Project) -> None:
    """Every work the first ingest added is used by an accepted claim, so each is kept and
    reused (placeholders too), not written a second time beside itself."""
    CliRunner().invoke(main, ["--project", str(ingested.root), "review", KEY, "--accept-top"])
    before = read_drafts(drafts_file(ingested, KEY))
    report = ingest(ingested, SYNTHETIC, KEY, force=True)
    lines = "\n".join(report.lines(ingested))
    assert "text unchanged" in lines and "warning" not in lines
    assert f"review decisions: {len(before.drafts)} kept" in lines
    problems: list = []
    load_bibliography(ingested, problems)
    assert not problems, problems
    after = read_drafts(drafts_file(ingested, KEY))
    assert set(after.works_added) == set(before.works_added), "still its own, for a later --force"
    assert all(d.decision for d in after.drafts)
    build(ingested)


def test_the_ingest_command_refuses_a_second_time_and_takes_force(ingested: Project) -> None:
    where = ["--project", str(ingested.root), "ingest", str(SYNTHETIC), "--key", KEY]
    refused = CliRunner().invoke(main, where)
    assert refused.exit_code == 1 and "Pass --force" in refused.output, refused.output
    forced = CliRunner().invoke(main, [*where, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "re-ingested (--force): text unchanged" in forced.output


def test_a_merged_claim_keeps_the_notes_of_both_sentences_and_the_review_shows_them(
    ingested: Project,
) -> None:
    from partnergraph.drafts import describe

    session = Review(ingested, KEY)
    roles = next(d for d in session.pending if "[1]" in d.quote)
    resources = next(d for d in session.pending if "[2,3]" in d.quote)
    assert "notes: 2, 3" in describe(resources, {})[0]
    session.accept(roles, [roles.options[0].concept])
    session.merge(resources)
    session.finish()
    claims = yaml.safe_load((ingested.documents_dir / f"{KEY}.yaml").read_text())["claims"]
    assert [c["endnote"] for c in claims] == [[1, 2, 3]]
