"""tools/apply_concept_merges.py on a copy of the mini corpus given two near-duplicates.

`distrust` (a barrier, at the end of concepts.yaml) duplicates `lack-of-trust`, and `csp`
(a partnership type, in the middle) duplicates `cross-sector-partnership`; one claim is
about `distrust`, one claim's context names `csp`. The tool is run as the lead runs it,
as a command, and the project it leaves is built.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from partnergraph import Project, build

REPO = Path(__file__).resolve().parent.parent
TOOL = REPO / "tools" / "apply_concept_merges.py"
sys.path.insert(0, str(REPO / "tools"))

import apply_concept_merges  # noqa: E402

CONCEPTS = "corpus/concepts.yaml"
WALLACE = "corpus/documents/wallace2010.yaml"
TSRC = "corpus/documents/tsrc-review.yaml"
CSP = """  - slug: csp
    class: PartnershipType
    label: CSP
    note: an abbreviation, merged by the review

"""
DISTRUST = """
  - slug: distrust
    class: Barrier
    label: Distrust between partners
    broader: [membership]
"""
MERGES = "merges:\n  distrust: lack-of-trust\n  csp: cross-sector-partnership\n"


def _replace(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def duplicated(mini: Project) -> Path:
    """The mini corpus with the two duplicates, their claims, the kept concepts carrying the
    old labels as alt labels, and the review's merges file."""
    root = mini.root
    _replace(root, CONCEPTS, "  - slug: lack-of-trust\n", CSP + "  - slug: lack-of-trust\n")
    (root / CONCEPTS).write_text((root / CONCEPTS).read_text(encoding="utf-8") + DISTRUST, encoding="utf-8")
    _replace(root, CONCEPTS, "between organizations]", "between organizations, Distrust between partners]")
    _replace(root, CONCEPTS, "alt: [cross-sector partnerships]", "alt: [cross-sector partnerships, csp]")
    _replace(root, WALLACE, "    concept: lack-of-trust\n", "    concept: distrust\n")
    _replace(root, TSRC, "partnership_type: cross-sector-partnership", "partnership_type: csp")
    (root / "corpus/concept-merges.yaml").write_text(MERGES, encoding="utf-8")
    return root


def _tool(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(TOOL), "--project", str(root), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "corpus").rglob("*.yaml"))}


def _line_of(root: Path, name: str, text: str) -> int:
    lines = (root / name).read_text(encoding="utf-8").splitlines()
    return lines.index(text) + 1


def test_a_dry_run_lists_every_line_it_would_change_and_writes_nothing(duplicated: Path) -> None:
    (duplicated / "corpus/agreement").mkdir()
    (duplicated / "corpus/agreement/second.yaml").write_text("- {concept: distrust}\n", encoding="utf-8")
    claim_line = _line_of(duplicated, WALLACE, "    concept: distrust")
    context_line = _line_of(duplicated, TSRC, "      partnership_type: csp")
    before = _files(duplicated)
    result = _tool(duplicated)
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert f"{WALLACE}:{claim_line}: concept: distrust  ->  concept: lack-of-trust" in out
    assert (
        f"{TSRC}:{context_line}: partnership_type: csp  ->  partnership_type: cross-sector-partnership" in out
    )
    assert any(line.startswith(f"{CONCEPTS}:") and "slug: csp" in line for line in out)
    assert "note: corpus/agreement/second.yaml:1 names 'distrust': update it by hand if it must follow" in out
    assert (
        "2 claim lines in 2 files would change; 2 concepts would be removed "
        "(the plan: 2 merges, 0 retirements)" in out
    )
    assert out[-1] == "dry run: nothing written; run with --apply to write"
    assert _files(duplicated) == before


def test_apply_changes_only_those_lines_and_leaves_a_project_that_builds(duplicated: Path) -> None:
    documents = {
        name: (duplicated / name).read_text(encoding="utf-8").splitlines() for name in (WALLACE, TSRC)
    }
    claim_line = _line_of(duplicated, WALLACE, "    concept: distrust")
    concepts_before = (duplicated / CONCEPTS).read_text(encoding="utf-8")
    result = _tool(duplicated, "--apply")
    assert result.returncode == 0, result.stderr
    after = {name: (duplicated / name).read_text(encoding="utf-8").splitlines() for name in documents}
    changed = {
        (name, i + 1, new)
        for name in documents
        for i, (old, new) in enumerate(zip(documents[name], after[name], strict=True))
        if old != new
    }
    context_line = _line_of(duplicated, TSRC, "      partnership_type: cross-sector-partnership")
    assert changed == {
        (WALLACE, claim_line, "    concept: lack-of-trust"),
        (TSRC, context_line, "      partnership_type: cross-sector-partnership"),
    }
    expected = concepts_before.replace(CSP, "").replace(DISTRUST, "")
    assert (duplicated / CONCEPTS).read_text(encoding="utf-8") == expected
    project = Project.locate(duplicated)
    build(project, load_store=False)
    turtle = project.graph_file.read_text(encoding="utf-8")
    assert "concept/distrust" not in turtle and "concept/csp>" not in turtle
    assert "Distrust between partners" in turtle  # as lack-of-trust's alt label
    again = _tool(duplicated, "--apply").stdout.splitlines()  # the merges file stays as the record
    assert again == [
        "note: corpus/concept-merges.yaml line 2: 'distrust' is no concept of corpus/concepts.yaml: "
        "taken as merged or retired before (if misspelt, correct it)",
        "note: corpus/concept-merges.yaml line 3: 'csp' is no concept of corpus/concepts.yaml: "
        "taken as merged or retired before (if misspelt, correct it)",
        "0 claim lines in 0 files changed; 0 concepts removed (the plan: 2 merges, 0 retirements)",
    ]


def test_a_claim_saved_between_the_check_and_the_write_is_rewritten_too(
    duplicated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reviewer may save a document while the tool runs: each file is planned again from
    what is on disk just before it is written."""
    write_all = apply_concept_merges._write_all

    def reviewer_saves_first(root: Path, documents: list[Path], plan: apply_concept_merges.Plan) -> None:
        claim = "    concept: {}\n    polarity: hinders\n    asserted_by: [kanter1989]"
        _replace(root, WALLACE, claim.format("power-imbalance"), claim.format("distrust"))
        write_all(root, documents, plan)

    monkeypatch.setattr(apply_concept_merges, "_write_all", reviewer_saves_first)
    apply_concept_merges.run(duplicated, apply=True)
    text = (duplicated / WALLACE).read_text(encoding="utf-8")
    assert "distrust" not in text and text.count("concept: lack-of-trust") == 2


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            (CONCEPTS, ", Distrust between partners]", "]"),
            "error: corpus/concepts.yaml line {lack-of-trust}: 'lack-of-trust' does not carry 'Distrust "
            "between partners', the label of 'distrust', as an alt label — add it to the alt list of "
            "'lack-of-trust', so that `evidence 'Distrust between partners'` still finds the claims",
        ),
        (
            ("corpus/concept-merges.yaml", "cross-sector-partnership", "cross-sector-partnerships"),
            "error: corpus/concept-merges.yaml line 3: 'csp' would merge into 'cross-sector-partnerships', "
            "which is not a concept — correct the kept slug",
        ),
        (
            ("corpus/concept-merges.yaml", "merges:", "retire: [competition]\nmerges:"),
            "error: corpus/documents/tsrc-review.yaml line {competition-claim}: a claim is about "
            "'competition', which is retired — re-code or remove the claim, or take 'competition' out of "
            "'retire:'",
        ),
        (
            ("corpus/concept-merges.yaml", "merges:", "retire: [membership]\nmerges:"),
            "error: corpus/concepts.yaml line {trust}: concept 'trust' names 'membership' as its broader, "
            "which is removed — remove the link",
        ),
        (
            (WALLACE, "    concept: distrust\n", "    concept: distrust  \n    # a comment\n"),
            None,  # trailing blanks and comments are no obstacle
        ),
    ],
)
def test_a_plan_that_would_break_the_corpus_is_refused_with_file_line_and_fix(
    duplicated: Path, change: tuple[str, str, str], expected: str | None
) -> None:
    _replace(duplicated, *change)
    lines = {
        "lack-of-trust": _line_of(duplicated, CONCEPTS, "  - slug: lack-of-trust"),
        "trust": _line_of(duplicated, CONCEPTS, "  - slug: trust"),
        "competition-claim": _line_of(duplicated, TSRC, "    concept: competition"),
    }
    before = _files(duplicated)
    result = _tool(duplicated, "--apply")
    if expected is None:
        assert result.returncode == 0, result.stderr
        return
    assert result.returncode == 1
    assert expected.format(**lines) in result.stderr
    assert result.stderr.splitlines()[-1] == "nothing written"
    assert _files(duplicated) == before


def test_a_retired_concept_no_claim_uses_is_removed_and_nothing_else(duplicated: Path) -> None:
    _replace(duplicated, TSRC, "partnership_type: csp", "partnership_type: cross-sector-partnership")
    (duplicated / "corpus/concept-merges.yaml").write_text("merges: {}\nretire:\n  - csp\n", encoding="utf-8")
    documents = {name: (duplicated / name).read_bytes() for name in (WALLACE, TSRC)}
    concepts_before = (duplicated / CONCEPTS).read_text(encoding="utf-8")
    result = _tool(duplicated, "--apply")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "0 claim lines in 0 files changed; 1 concepts removed (the plan: 0 merges, 1 retirements)"
    )
    assert (duplicated / CONCEPTS).read_text(encoding="utf-8") == concepts_before.replace(CSP, "")
    assert {name: (duplicated / name).read_bytes() for name in documents} == documents


def test_no_merges_file_is_no_change(mini: Project) -> None:
    before = _files(mini.root)
    result = _tool(mini.root, "--apply")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "0 claim lines in 0 files changed; 0 concepts removed (the plan: 0 merges, 0 retirements)"
    ]
    assert _files(mini.root) == before
