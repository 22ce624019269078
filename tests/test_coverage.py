"""`partnergraph coverage`: author-year citations in a text against the claims and bibliography."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph import Project, build, load_sources
from partnergraph.citations import find_citations, key_stem
from partnergraph.cli import main
from test_verify import write_texts

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))


@pytest.mark.parametrize(
    ("text", "first_keys"),
    [
        (
            "resources (Cairns et al, 2006: 24; Carmel and Harlock,\n2008: 162).",
            ["cairns2006", "carmelharlock2008"],
        ),
        ("as Huxham and Vangen, (2000) observe", ["huxhamvangen2000"]),
        ("Furthermore, Rummery (2002) argues", ["rummery2002"]),
        ("the Charities Commission, (2009a) suggest", ["charitiescommission2009a"]),
        ("Mattessich et al’s (2001) third classification", ["mattessich2001"]),
        ("(Boydell & Rugkåsa, 2007)", ["boydellrugkasa2007"]),
        ("Interviews were held in December 2008 and in 2009.", []),
        ("between 2007-2008 the programme", []),
    ],
)
def test_citations_found_with_their_keys(text: str, first_keys: list[str]) -> None:
    assert [c.keys[0] for c in find_citations(text)] == first_keys


def test_two_authors_then_first_author_then_sentence_openers_dropped() -> None:
    (citation,) = find_citations("See Huxham and Vangen (1996)")
    assert citation.keys[0] == "huxhamvangen1996"
    assert citation.keys[-1] == "huxham1996"
    (corporate,) = find_citations("(Improvement and Development Agency, 2009a)")
    assert "improvementanddevelopmentagency2009a" in corporate.keys


def test_key_stem_is_ascii_letters() -> None:
    assert key_stem("Rugkåsa") == "rugkasa"
    assert key_stem("Murray-Close") == "murrayclose"


def test_coverage_reports_unused_and_unmatched_citations(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    with paths["wallace2010"].open("a", encoding="utf-8") as text:
        text.write(
            "Kanter (1989) (as cited by Balloch & Taylor, 2007) and Greasley et al (2008) agree.\n"
            "Osborne et al (2012) disagree; so does Kantor, 1989; Nobody, (1999) is silent.\n"
        )
    bib = mini.root / "bibliography" / "works.bib"
    bib.write_text(bib.read_text().replace("@misc{kanter1989,", "@misc{kanter1989,\n  ids = {kantor1989},"))
    args = ["--project", str(mini.root), "coverage", "--texts", str(tmp_path / "texts")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    wallace = result.output[result.output.index("wallace2010:") :]
    assert wallace.startswith(
        "wallace2010: 8 citations of 4 works in the bibliography, 3 of them used by claims; "
        "1 citation forms match no entry"
    )
    assert "cited but no claim uses it: osborne2012  (Osborne et al, 2012)" in wallace
    assert "no bibliography entry matches: «Nobody, 1999» ×1" in wallace
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1


def run_coverage(project: Project, texts: Path, *extra: str) -> tuple[int, str]:
    args = ["--project", str(project.root), "coverage", "--texts", str(texts), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def texts_with(project: Project, directory: Path, added: str) -> Path:
    """The texts of `write_texts`, the wallace2010 one ending with `added`."""
    paths = write_texts(project, directory)
    with paths["wallace2010"].open("a", encoding="utf-8") as text:
        text.write(added)
    return directory


def test_numbered_citations_are_seen_and_strict_fails_without_a_reference_list(
    mini: Project, tmp_path: Path
) -> None:
    texts = texts_with(
        mini, tmp_path / "texts", "Trust takes time [35]; power is unequal [54,55,56] and [3-5].\n"
    )
    code, out = run_coverage(mini, texts)
    assert code == 0, out
    wallace = out[out.index("wallace2010:") :]
    assert "  3 numbered citations, no reference list read: they cannot be matched" in wallace
    code, out = run_coverage(mini, texts, "--strict")
    assert code == 1, out


def test_numbered_citations_go_through_the_reference_list_to_the_bibliography(
    mini: Project, tmp_path: Path
) -> None:
    listed = (
        "Partners are unequal [1] and rarely collaborate [2,4]; few measure it [3].\n\nReferences\n"
        "[1] Greasley, K., Watson, P., & Patel, S. (2008). The formation of public-public partnerships. "
        "International Journal of Public Sector Management, 21(3), 305-313.\n"
        "[2] Foster, M. K., & Meinhard, A. G. (2002). A Regression Model Explaining Predisposition to "
        "Collaborate. Nonprofit and Voluntary Sector Quarterly, 31, 549-564.\n"
        "[3] Nobody, A. (1999). An unknown work. Nowhere Press.\n"
    )
    texts = texts_with(mini, tmp_path / "texts", listed)
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 1, out
    assert (
        "  3 numbered citations; the reference list read gives 3 numbered entries; none for number 4" in out
    )
    assert "no bibliography entry matches: «[3] Nobody, A. (1999). An unknown work. Nowhere Press.» ×1" in out
    assert "wallace2010: 5 citations of 4 works in the bibliography, 4 of them used by claims" in out
    path = texts / "002_cc4cc6e4e2478cf6.txt"
    path.write_text(path.read_text().replace("[2,4]", "[2]").replace("few measure it [3]", "few measure it"))
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 0, out
    assert "  2 numbered citations; the reference list read gives 3 numbered entries\n" in out


def test_note_markers_pass_strict_only_when_their_notes_are_in_the_text(
    mini: Project, tmp_path: Path
) -> None:
    texts = texts_with(mini, tmp_path / "texts", "not SMART¹ and the OTS² says so.\n\n¹ SMART is a term.\n")
    code, out = run_coverage(mini, texts, "--strict")
    assert code == 1, out
    assert "  2 note markers, 1 with their note in the text; no note text for 2" in out
    with (texts / "002_cc4cc6e4e2478cf6.txt").open("a", encoding="utf-8") as text:
        text.write("² The Office of the Third Sector.\n")
    code, out = run_coverage(mini, texts, "--strict")
    assert code == 0, out
    assert "  2 note markers, 2 with their note in the text" in out


def test_one_document_is_covered_without_the_others_texts(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    paths["tsrc-review"].unlink()
    code, out = run_coverage(mini, tmp_path / "texts", "--document", "wallace2010")
    assert code == 0, out
    assert "wallace2010:" in out and "tsrc-review" not in out
    code, out = run_coverage(mini, tmp_path / "texts", "--document", "nosuch")
    assert code != 0
    assert "no reviewed document 'nosuch' in the corpus (reviewed: tsrc-review, wallace2010)" in out


def test_prefix_of_a_title_keyed_entry_resolves_when_unique(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    bib = mini.root / "bibliography" / "works.bib"
    bib.write_text(bib.read_text().replace("@misc{osborne2012,", "@misc{osborne2012public,"))
    with paths["wallace2010"].open("a", encoding="utf-8") as text:
        text.write("Osborne et al (2012) disagree.\n")
    code, out = run_coverage(mini, tmp_path / "texts", "--document", "wallace2010")
    assert code == 0, out
    assert "cited but no claim uses it: osborne2012public  (Osborne et al, 2012)" in out


SEEDS = Path(__file__).parent.parent.parent / "shared" / "seeds"
SIXTH_TEXT = """A short review of trust in partnerships.

Trust between partners grows slowly (Shaw, 2003) and is lost quickly [2].

References
[2] Rowe, M. (2006). Abusive partnerships: new forms of governance, new forms of abuse?
International Journal of Sociology and Social Policy, 26(5/6), 207-219.
"""
SIXTH_YAML = """document: sixth-review
text:
  file: sixth.txt
claims:
  - id: s001
    concept: trust
    polarity: enables
    asserted_by: [shaw2003successful]
    quote: "Trust between partners grows slowly (Shaw, 2003)"
    kind: review
"""


@pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the reviewed texts are not beside this clone (../shared/seeds)"
)
def test_a_sixth_document_breaks_nothing(seed_corpus: Project, tmp_path: Path) -> None:
    root = tmp_path / "project"
    for part in ("ontology", "corpus", "bibliography", "queries"):
        shutil.copytree(seed_corpus.root / part, root / part)
    (root / "corpus/documents/sixth-review.yaml").write_text(SIXTH_YAML, encoding="utf-8")
    with (root / "bibliography/reviewed.bib").open("a", encoding="utf-8") as bib:
        bib.write("\n@misc{sixth-review,\n  title = {A short review of trust in partnerships},\n}\n")
    texts = tmp_path / "texts"
    shutil.copytree(SEEDS, texts)
    (texts / "sixth.txt").write_text(SIXTH_TEXT, encoding="utf-8")
    project = Project.locate(root)
    build(project)
    reviewed = {path.stem for path in (root / "corpus/documents").glob("*.yaml")}
    assert len(reviewed) == 6
    result = CliRunner().invoke(main, ["--project", str(root), "verify", "--texts", str(texts)])
    assert result.exit_code == 0, result.output
    assert "quotes verified in 6 document texts" in result.output
    code, out = run_coverage(project, texts, "--document", "sixth-review")
    assert code == 0, out
    assert out.splitlines()[1] == (
        "sixth-review: 2 citations of 2 works in the bibliography, 1 of them used by claims; "
        "0 citation forms match no entry"
    )
    assert out.splitlines()[2] == "  1 numbered citations; the reference list read gives 1 numbered entries"
    assert "  cited but no claim uses it: rowe2006abusive  ([2])" in out
    code, out = run_coverage(project, texts)
    assert {line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")} >= reviewed


def test_citation_evaluation_scores_every_reviewed_document(seed_corpus: Project) -> None:
    if not SEEDS.is_dir():
        pytest.skip("the reviewed texts are not beside this clone (../shared/seeds)")
    from eval_citations import evaluate

    scores = evaluate(seed_corpus, SEEDS)
    documents = {doc.document for doc in load_sources(seed_corpus).corpus.documents}
    assert {s.document for s in scores} == documents
    for s in scores:
        assert 0 <= s.recall <= 1 and 0 <= s.precision_claims <= s.precision_bibliography <= 1
        assert len(s.missed) == round(s.reference * (1 - s.recall))


def test_every_number_of_a_plain_marker_run_is_reported(mini: Project, tmp_path: Path) -> None:
    texts = texts_with(mini, tmp_path / "texts", "between sectors 1,2,3.\nfor communities 4.\nand more 5.\n")
    code, out = run_coverage(mini, texts, "--strict")
    assert code == 1, out
    assert "  3 note markers, 0 with their note in the text; no note text for 1, 2, 3, 4, 5" in out


NOTES = Path(__file__).parent / "fixtures" / "notes"


def note_works() -> list:
    from partnergraph.bibliography import load_bib_file

    problems: list = []
    works = load_bib_file((NOTES / "works.bib").read_text(encoding="utf-8"), "works.bib", problems)
    assert problems == []
    return works


def test_held_out_note_markers_resolve_to_the_works_their_notes_cite() -> None:
    from partnergraph.citations import WorkResolver

    text = (NOTES / "heldout_endnotes.txt").read_text(encoding="utf-8")
    resolver = WorkResolver(note_works())
    notes = {c.numbers: resolver.keys(c) for c in find_citations(text) if c.kind == "note"}
    assert notes == {
        (1,): ["smith2019trust"],
        (2, 3): ["okafor2017contracts"],
        (4,): ["harlowcommunitytrust2021partnership"],
        (5,): ["mattessich2001"],
    }


def test_a_note_naming_a_work_by_title_alone_resolves_only_to_one_agreeing_title() -> None:
    from partnergraph.citations import WorkResolver

    resolver = WorkResolver(note_works())
    assert resolver.titled("Trust in local partnerships. Policy Press (2019)") == ["smith2019trust"]
    assert resolver.titled("Trust in local partnerships. Policy Press (2018)") == []
    assert resolver.titled("See Budgets and boundaries, a review (2019)") == ["smith2019budgets"]
    assert resolver.titled("Trust in numbers (2019)") == []


VANGEN = """
@misc{vangen2012,
  author = {Vangen and Huxham},
  year = {2012},
  ids = {vangenhuxham2012},
}
@misc{vangen2012sole,
  author = {Vangen},
  year = {2012},
}
@misc{huxham2000,
  author = {Huxham and Vangen},
  year = {2000},
}
"""


def test_a_single_author_citation_goes_to_the_single_author_work_of_that_name_and_year() -> None:
    from partnergraph.bibliography import load_bib_file
    from partnergraph.citations import WorkResolver

    resolver = WorkResolver(load_bib_file(VANGEN, "works.bib", []))
    text = "(Vangen, 2012: 4) and (Vangen and Huxham, 2012:2) and (Vangen & Huxham, 2012) and (Huxham, 2000)"
    assert [resolver.keys(c) for c in find_citations(text)] == [
        ["vangen2012sole"],
        ["vangen2012"],
        ["vangen2012"],
        ["huxham2000"],
    ]


def test_coverage_counts_note_markers_as_citations_of_the_works_their_notes_cite(mini: Project) -> None:
    from partnergraph.citations import document_coverage

    text = (NOTES / "heldout_endnotes.txt").read_text(encoding="utf-8")
    cover = document_coverage("heldout", {"smith2019trust"}, text, note_works())
    assert cover.resolved["smith2019trust"] >= {"note 1"}
    assert cover.resolved["okafor2017contracts"] >= {"note 2", "Okafor and Lind, 2017"}
    assert "harlowcommunitytrust2021partnership" in cover.unused
    assert (cover.notes, cover.notes_with_text, cover.notes_tied) == (4, 4, 4)
    assert "  4 note markers, 4 with their note in the text, 4 tied to a work" in cover.number_lines()


def test_ingest_maps_a_note_marker_to_the_works_its_note_cites() -> None:
    from partnergraph.ingest import citation_keys

    text = (NOTES / "heldout_endnotes.txt").read_text(encoding="utf-8")
    works = note_works()
    notes = [c for c in find_citations(text) if c.kind == "note"]
    assert [citation_keys(c, {}, {}, works) for c in notes] == [
        ["smith2019trust"],
        ["okafor2017contracts"],
        ["harlowcommunitytrust2021partnership"],
        ["mattessich2001"],
    ]
    # what the note cites comes before a placeholder ingest made for its number; a note
    # citing nothing readable keeps the number's entry
    assert citation_keys(notes[0], {1: "heldout-note1"}, {}, works) == ["smith2019trust"]
    (remark,) = [c for c in find_citations("Trust.1\n\nNotes\n1. A remark.\n") if c.kind == "note"]
    assert citation_keys(remark, {1: "heldout-note1"}, {}, works) == ["heldout-note1"]


def test_an_author_year_citation_closing_a_title_led_reference_resolves_by_that_title() -> None:
    from partnergraph.citations import WorkResolver

    resolver = WorkResolver(note_works())
    text = (
        "Other resources\nTrust in Local\nPartnerships, Jo Smith, Policy Press (2019)\nA guide.\n"
        "Budgets and boundaries. Kim Smith (2018)\n"
        "Contracts and Compacts. Okafor (2017)\n 2. Budgets and boundaries. K Smith (June 2019)\n"
    )
    found = [c for c in find_citations(text) if c.kind == "author-year"]
    assert [resolver.author_year(c) for c in found] == [None, None, "okafor2017contracts", None]
    assert [resolver.in_context(text, c) for c in found] == [
        "smith2019trust",
        None,
        "okafor2017contracts",
        "smith2019budgets",
    ]


def test_a_web_address_in_brackets_resolves_to_the_entry_with_that_url() -> None:
    from partnergraph.bibliography import load_bib_file
    from partnergraph.citations import WorkResolver

    bib = "@online{pilotlight-nd,\n  author = {{Pilotlight}},\n  url = {http://www.pilotlight.org.uk/pilotlight},\n}\n"
    resolver = WorkResolver(load_bib_file(bib, "works.bib", []))
    text = "(https://pilotlight.org.uk/pilotlight/) and (http://www.pilotlight.org.uk/other)"
    assert [resolver.keys(c) for c in find_citations(text)] == [["pilotlight-nd"], []]


def test_ingest_maps_a_web_address_to_the_entry_with_that_url() -> None:
    from partnergraph.bibliography import load_bib_file
    from partnergraph.ingest import citation_keys

    bib = "@online{pilotlight-nd,\n  author = {{Pilotlight}},\n  url = {http://www.pilotlight.org.uk/pilotlight},\n}\n"
    (web,) = find_citations("set up by Pilotlight (http://pilotlight.org.uk/pilotlight), a charity")
    assert citation_keys(web, {}, {}, load_bib_file(bib, "works.bib", [])) == ["pilotlight-nd"]


def test_a_title_first_reference_is_read_by_the_corporate_author_before_its_year() -> None:
    from partnergraph.citations import WorkResolver

    resolver = WorkResolver(note_works())
    text = "as the Survey Notes, Harlow Community Trust (2021) show; (Lind, Okafor, 2017) differ"
    found = [c for c in find_citations(text) if c.kind == "author-year"]
    assert [resolver.in_context(text, c) for c in found] == ["harlowcommunitytrust2021partnership", None]


def test_held_out_superscript_footnotes_resolve_to_their_works() -> None:
    from partnergraph.citations import WorkResolver

    text = (NOTES / "heldout_superscript.txt").read_text(encoding="utf-8")
    resolver = WorkResolver(note_works())
    found = find_citations(text)
    assert [(c.numbers, resolver.keys(c)) for c in found if c.kind == "note"] == [
        ((1,), ["westshirevoluntaryaction2018council"]),
        ((2,), ["patel2016from"]),
        ((3,), []),
    ]
    running = [c for c in found if c.kind == "author-year" and c.start < text.index("\n¹")]
    assert [resolver.in_context(text, c) for c in running] == ["patel2016from"]


def write_review(project: Project, document: str, body: str) -> Path:
    """A coverage file for `document` in the project's corpus/coverage/."""
    folder = project.root / "corpus" / "coverage"
    folder.mkdir(exist_ok=True)
    path = folder / f"{document}.yaml"
    path.write_text(f"document: {document}\nuncoded:\n{body}", encoding="utf-8")
    return path


OSBORNE_CITED = "Osborne et al (2012) describe the method.\n"
OSBORNE_METHOD = '  - work: osborne2012\n    reason: method\n    note: "Cited for the interview design."\n'


def test_a_reviewed_citation_is_reported_as_such_and_passes_strict(mini: Project, tmp_path: Path) -> None:
    texts = texts_with(mini, tmp_path / "texts", OSBORNE_CITED)
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 1, out
    assert "  cited but no claim uses it: osborne2012  (Osborne et al, 2012)" in out
    write_review(mini, "wallace2010", OSBORNE_METHOD)
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 0, out
    assert (
        "3 works in the bibliography, 2 of them used by claims, 1 reviewed as carrying no finding; 0 citation"
        in out
    )
    assert "  reviewed: no finding — method: osborne2012  (Osborne et al, 2012)" in out
    assert "cited but no claim uses it" not in out


def test_a_reviewed_work_a_claim_uses_is_reported_at_its_line(mini: Project, tmp_path: Path) -> None:
    texts = texts_with(mini, tmp_path / "texts", OSBORNE_CITED)
    body = OSBORNE_METHOD + '  - work: foster2002\n    reason: context\n    note: "Only the setting."\n'
    write_review(mini, "wallace2010", body)
    code, out = run_coverage(mini, texts, "--document", "wallace2010")
    assert code == 0, out
    assert (
        "  corpus/coverage/wallace2010.yaml line 6: 'foster2002' is recorded as carrying no finding "
        "(context), but claim c005 (corpus/documents/wallace2010.yaml line 40) uses it — remove the entry"
    ) in out
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 1, out


def test_a_reviewed_work_the_text_does_not_cite_is_reported(mini: Project, tmp_path: Path) -> None:
    texts = texts_with(mini, tmp_path / "texts", OSBORNE_CITED)
    write_review(
        mini, "wallace2010", OSBORNE_METHOD + "  - work: jones2010\n    reason: example\n    note: x\n"
    )
    code, out = run_coverage(mini, texts, "--document", "wallace2010", "--strict")
    assert code == 1, out
    assert (
        "corpus/coverage/wallace2010.yaml line 6: 'jones2010' is not among the works found cited in the "
        "text of wallace2010 — remove the entry"
    ) in out


def test_mistakes_in_a_coverage_file_name_the_line_and_the_fix(mini: Project, tmp_path: Path) -> None:
    texts = texts_with(mini, tmp_path / "texts", OSBORNE_CITED)
    bib = mini.root / "bibliography" / "works.bib"
    bib.write_text(
        bib.read_text().replace("@misc{osborne2012,", "@misc{osborne2012,\n  ids = {osbourne2012},")
    )
    write_review(
        mini,
        "wallace2010",
        "  - work: osbourne2012\n    reason: method\n    note: x\n"
        "  - work: osbrne2012\n    reason: methods\n"
        "  - work: kanter1989\n    reason: method\n    note: x\n    page: 4\n",
    )
    write_review(mini, "walace2010", "  - work: kanter1989\n    reason: method\n    note: x\n")
    code, out = run_coverage(mini, texts)
    assert code != 0
    wallace = "corpus/coverage/wallace2010.yaml"
    for line in (
        f"{wallace} line 3: no bibliography entry has key 'osbourne2012' — write 'osborne2012', the entry",
        f"{wallace} line 6: uncoded work 'osbrne2012': missing required field 'note' — add 'note: ...'",
        f"{wallace} line 7: uncoded work 'osbrne2012': 'reason' is 'methods', which is not one of",
        f"{wallace} line 11: uncoded work 'kanter1989': unknown field 'page'",
        "corpus/coverage/walace2010.yaml line 1: 'walace2010' is not a reviewed document — did you mean "
        "'wallace2010'?",
    ):
        assert line in out, out


@pytest.mark.skipif(
    not SEEDS.is_dir(), reason="the reviewed texts are not beside this clone (../shared/seeds)"
)
def test_the_repository_coverage_files_are_well_formed_and_current() -> None:
    """The reviewers' own corpus/coverage/ files: each entry names a work its text cites and no claim uses."""
    from partnergraph.citations import citation_coverage

    report = citation_coverage(Project.locate(Path(__file__).parent.parent), SEEDS)
    assert [str(problem) for doc in report.documents for problem in doc.stale] == []
