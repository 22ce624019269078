"""`partnergraph lint`: each rule finds its problem in a real project, text and YAML file.

The fixture (tests/fixtures/lint) is a tiny project whose one document is clean; each
rule test adds the claim of tests/fixtures/lint/problems.yaml that breaks that rule,
runs the real command and expects that rule, at that claim's line, and no other.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from partnergraph import Project, load_sources
from partnergraph.cli import main
from partnergraph.corpus import LINT_RULES
from partnergraph.factor_names import FactorNames
from partnergraph.quote_lint import FIXES, LONG_QUOTE, unbalanced_marks
from partnergraph.quote_location import FoldedText
from partnergraph.text_layout import LineKind, classify
from partnergraph.verify import document_texts, fold

FIXTURE = Path(__file__).parent / "fixtures" / "lint"
REPO = Path(__file__).parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
DOCUMENT = "corpus/documents/review.yaml"
PROBLEMS = {c["id"]: c for c in yaml.safe_load((FIXTURE / "problems.yaml").read_text())["claims"]}


@pytest.fixture
def project(tmp_path: Path) -> Project:
    shutil.copytree(FIXTURE / "project", tmp_path / "project")
    return Project.locate(tmp_path / "project")


def lint(project: Project, *extra: str, texts: Path = FIXTURE / "texts") -> tuple[int, str]:
    args = ["--project", str(project.root), "lint", "--texts", str(texts), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def add_claim(project: Project, claim: dict[str, object]) -> dict[str, int]:
    """Append the claim to the document file; the lines its quote and lint fields land on."""
    path = project.root / DOCUMENT
    before = path.read_text(encoding="utf-8")
    block = yaml.safe_dump([claim], allow_unicode=True, sort_keys=False, width=100_000)
    path.write_text(before + "".join(f"  {line}\n" for line in block.splitlines()), encoding="utf-8")
    first = before.count("\n") + 1
    return {key: first + index for index, key in enumerate(claim)}


def findings_of(output: str, claim: str) -> set[str]:
    return {line.split("[", 1)[1].split("]")[0] for line in output.splitlines() if f"claim {claim} (" in line}


def test_the_clean_document_passes(project: Project) -> None:
    code, out = lint(project)
    assert code == 0, out
    assert "review2020 (corpus/documents/review.yaml): 6 claims: 0 errors; 0 for review; 1 excused" in out
    assert out.splitlines()[-1] == "lint: 1 document, 6 claims: 0 errors; 0 for review; 1 excused"


CASES = [
    ("unbalanced-marks", "unbalanced-marks", "quote", "a ” with no “ before it"),
    ("unbalanced-brackets", "unbalanced-marks", "quote", "1 ( never closed"),
    ("spans-heading", "spans-heading", "quote", "runs across the heading «1. Introduction»"),
    ("spans-table-row", "spans-table-row", "quote", "runs across table cells or rows"),
    ("spans-list", "spans-list", "quote", "one naming 'Power imbalance'"),
    ("long-quote", "long-quote", "quote", f"characters (limit {LONG_QUOTE})"),
    ("short-quote", "short-quote", "quote", "«Poor communication» is a bare name outside a table"),
    ("excuse-without-note", "excuse-without-note", "lint", "excuses long-quote without a note"),
    ("stale-excuse", "stale-excuse", "lint", "excuses long-quote, which finds nothing"),
    ("not-in-text", "not-in-text", "quote", "the quote is not in the text"),
]


@pytest.mark.parametrize(("claim", "rule", "key", "message"), CASES)
def test_each_rule_finds_its_problem_at_the_claims_line(
    project: Project, claim: str, rule: str, key: str, message: str
) -> None:
    lines = add_claim(project, PROBLEMS[claim])
    code, out = lint(project)
    assert code == 1, out
    concept = PROBLEMS[claim]["concept"]
    shown = f"{DOCUMENT}:{lines[key]}: claim {claim} ({concept}): [{rule}] "
    finding = next((line for line in out.splitlines() if shown in line), None)
    assert finding is not None, out
    assert message in finding
    assert finding.endswith(f" — fix: {FIXES[rule]}")
    assert findings_of(out, claim) == {rule}
    assert f"1 error ({rule} 1)" in out.splitlines()[-1]


def test_no_label_word_is_for_review_and_exits_0(project: Project) -> None:
    lines = add_claim(project, PROBLEMS["no-label-word"])
    code, out = lint(project)
    assert code == 0, out
    assert (
        f"{DOCUMENT}:{lines['quote']}: claim no-label-word (communication): [no-label-word, for review]"
        in out
    )
    assert "shares no word with 'Communication' or its alt labels" in out
    assert out.splitlines()[-1].endswith("0 errors; 1 for review (no-label-word 1); 1 excused")


def test_an_excuse_with_a_note_silences_the_rule(project: Project) -> None:
    claim = dict(PROBLEMS["long-quote"], lint=["long-quote"], note="The whole passage is one finding.")
    add_claim(project, claim)
    code, out = lint(project)
    assert code == 0, out
    assert findings_of(out, "long-quote") == set()
    assert out.splitlines()[-1] == "lint: 1 document, 7 claims: 0 errors; 0 for review; 2 excused"


def test_a_misspelt_rule_is_an_error_naming_file_line_and_fix(project: Project) -> None:
    lines = add_claim(project, dict(PROBLEMS["stale-excuse"], lint=["long-quotes"]))
    code, out = lint(project)
    assert code == 1
    assert f"{DOCUMENT} line {lines['lint']}" in out
    assert "did you mean 'long-quote'?" in out


def test_json_lists_findings_per_document_and_the_exit_code_follows_errors(project: Project) -> None:
    add_claim(project, PROBLEMS["short-quote"])
    code, out = lint(project, "--format", "json")
    assert code == 1
    report = json.loads(out[: out.rindex("}") + 1])
    assert report["ok"] is False
    assert report["counts"] == {"short-quote": 1}
    [document] = report["documents"]
    assert (document["document"], document["file"], document["claims"]) == ("review2020", DOCUMENT, 7)
    assert [(f["rule"], f["claim"], f["review"]) for f in document["findings"]] == [
        ("short-quote", "short-quote", False)
    ]


def test_document_option_names_the_keys_when_it_matches_none(project: Project) -> None:
    code, out = lint(project, "--document", "nosuch")
    assert code == 1
    assert "no reviewed document 'nosuch' in the corpus (reviewed: review2020)" in out
    code, out = lint(project, "--document", "review2020")
    assert code == 0, out


def test_a_document_without_its_text_is_an_error(project: Project, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out = lint(project, texts=tmp_path / "empty")
    assert code == 1
    assert f"{DOCUMENT}:2: [no-text] no text found in --texts" in out


def test_the_lint_field_leaves_the_compiled_turtle_unchanged(project: Project) -> None:
    """c006 carries `lint:`; the same claim without it must compile to the same Turtle."""
    runner = CliRunner()
    build = ["--project", str(project.root), "build", "--no-store", "--no-shapes"]
    assert runner.invoke(main, build).exit_code == 0
    with_field = (project.root / "build" / "partnergraph.ttl").read_bytes()
    path = project.root / DOCUMENT
    text = path.read_text(encoding="utf-8")
    assert "    lint: [no-label-word]\n" in text
    path.write_text(text.replace("    lint: [no-label-word]\n", ""), encoding="utf-8")
    assert runner.invoke(main, build).exit_code == 0
    assert (project.root / "build" / "partnergraph.ttl").read_bytes() == with_field
    assert b"no-label-word" not in with_field


@pytest.mark.parametrize(
    ("quote", "problems"),
    [
        ("the partners’ views, don’t and Labour’s (LGA)’s", []),
        ("“The ‘whole’ of cross-sector partnerships is greater than the ‘sum’ of its parts.”", []),
        ("a) first b) second", []),
        ("agendas.” better services", ["a ” with no “ before it"]),
        ("“The ‘whole of", ["1 “ never closed", "1 single quotation mark never closed"]),
        ('a "quoted', ['an odd number of " (1)']),
        ("[see note", ["1 [ never closed"]),
    ],
)
def test_marks_pair_up_and_apostrophes_are_not_marks(quote: str, problems: list[str]) -> None:
    assert unbalanced_marks(quote) == problems


def test_the_fixture_text_lines_are_told_apart() -> None:
    lines = (FIXTURE / "texts" / "review.txt").read_text(encoding="utf-8").split("\n")
    kinds = dict(zip(lines, classify(lines), strict=True))
    assert kinds["Partnerships in practice"] == LineKind.HEADING
    assert kinds["1. Introduction"] == LineKind.HEADING
    assert kinds["Barriers include:"] == LineKind.TEXT
    assert kinds["•\t Power imbalance between large and small partners"] == LineKind.ITEM
    assert kinds["60 % 24 % 16 % 0 %"] == LineKind.TABLE
    assert kinds["Trust\t7"] == LineKind.TABLE
    assert kinds["sectors more"] == LineKind.TEXT
    assert kinds["partner keeps its promises."] == LineKind.TEXT
    assert kinds["What we learnt"] == LineKind.HEADING  # after a sentence ending in a footnote number


def test_every_rule_a_claim_may_excuse_has_a_fix() -> None:
    assert set(LINT_RULES) < set(FIXES)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not beside the repository")
def test_quotes_are_located_where_verify_finds_them_in_the_seed_texts() -> None:
    """The lint's offsets come from the same folding as verify: same verdict on every
    quote, and the located span folds back to the quote."""
    sources, chosen = document_texts(Project.locate(REPO), SEEDS)
    located = 0
    for doc, path in chosen:
        assert path is not None
        raw = path.read_text(encoding="utf-8")
        text = FoldedText.of(raw)
        assert text.folded == fold(raw)
        for claim in doc.claims:
            span = text.locate(claim.quote)
            assert (span is not None) == (fold(claim.quote) in text.folded)
            if span is not None:
                assert fold(raw[span.start : span.end]) == fold(claim.quote)
                located += 1
    assert located == len(sources.corpus.claims)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not beside the repository")
def test_the_seed_corpus_passes_and_every_document_and_claim_is_linted() -> None:
    """The corpus passes (CI runs the same command), every document and claim is
    covered, and each review finding points into its own claim's lines of the real
    YAML file."""
    result = CliRunner().invoke(
        main, ["--project", str(REPO), "lint", "--texts", str(SEEDS), "--format", "json"]
    )
    report = json.loads(result.stdout)
    errors = [f for d in report["documents"] for f in d["findings"] if not f["review"]]
    assert (result.exit_code, report["ok"], errors) == (0, True, [])
    corpus = load_sources(Project.locate(REPO)).corpus
    assert {d["document"]: d["claims"] for d in report["documents"]} == {
        doc.document: len(doc.claims) for doc in corpus.documents
    }
    claims = {(doc.origin.path, claim.id): claim for doc in corpus.documents for claim in doc.claims}
    for document in report["documents"]:
        lines = (REPO / document["file"]).read_text(encoding="utf-8").split("\n")
        for finding in document["findings"]:
            claim = claims[(finding["path"], finding["claim"])]
            assert finding["line"] in claim.key_lines.values(), finding
            assert lines[finding["line"] - 1].lstrip().startswith(("quote:", "lint:")), finding


@pytest.mark.parametrize(
    ("passage", "named"),
    [
        ("power imbalances between large and small partners", "power-imbalance"),
        ("skills and knowledge for the job", "partnership-skills"),
        ("To enable senior staff in local government", None),  # government is not governance
        ("good partnership working across organisations", None),  # the topic names no factor
        ("Lack of trust between the sectors", None),  # trust's counterpart is its kin
    ],
)
def test_an_item_names_another_factor_by_its_label(project: Project, passage: str, named: str | None) -> None:
    factors = FactorNames(load_sources(project).corpus.concepts)
    other = factors.other_factor(passage, "trust")
    assert (other.slug if other else None) == named


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed texts are not beside the repository")
def test_real_extracted_lines_are_told_apart() -> None:
    """Lines of the IVAR report (004) as extraction left them: a heading between blank
    lines, a bullet item with a tab after its bullet, a row of survey figures."""
    lines = (SEEDS / "004_57f3654f397f3b61.txt").read_text(encoding="utf-8").split("\n")
    kinds = classify(lines)

    def kind(start: str) -> LineKind:
        return kinds[next(i for i, line in enumerate(lines) if line.startswith(start))]

    assert kind("better services and outcomes") == LineKind.HEADING
    assert kind("•\t National policy initiatives") == LineKind.ITEM
    assert kind("60 % 24 % 16 % 0 %") == LineKind.TABLE
    assert kind("Trust colleagues from other") == LineKind.TEXT
