"""Every kind of bad input: the message names file, line and fix; nothing is written.

Each case edits one authoring file of a fresh copy of the mini project, runs
`partnergraph build` through the CLI, and checks the exit status, the message (with
the line the edit landed on) and that no build output appeared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph import Project, build
from partnergraph.cli import main

WALLACE = "corpus/documents/wallace2010.yaml"
CONCEPTS = "corpus/concepts.yaml"
BIB = "bibliography/works.bib"


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    old: str
    new: str
    message: str  # expected in the error
    fix: str  # expected in the error
    line_of: str | None = None  # the text whose line the error must name (default: `new`)


CASES = [
    Case("unknown-concept", WALLACE, "concept: communication\n    polarity: hinders",
         "concept: comunication\n    polarity: hinders",
         "claim c002: unknown concept 'comunication'", "did you mean 'communication'?"),
    Case("unknown-cite-key", WALLACE, "asserted_by: [kanter1989]", "asserted_by: [kanter1998]",
         "claim c001: cite key 'kanter1998' has no bibliography entry",
         "did you mean 'kanter1989'?"),
    Case("variant-cite-key", WALLACE, "asserted_by: [foster2002]",
         "asserted_by: [foster-meinhard-2002]",
         "cite key 'foster-meinhard-2002' has no bibliography entry",
         "is a variant of 'foster2002': cite 'foster2002'"),
    Case("unknown-via", WALLACE, "via: [balloch2007]", "via: [ballock2007]",
         "cite key 'ballock2007' has no bibliography entry", "did you mean 'balloch2007'?"),
    Case("duplicate-claim-id", WALLACE, "  - id: c003\n", "  - id: c002\n",
         "duplicate claim id 'c002'", "give each claim in a file its own id"),
    Case("duplicate-concept", CONCEPTS, "slug: competition", "slug: trust",
         "duplicate concept slug 'trust'", "merge the two entries"),
    Case("missing-quote", WALLACE, '    quote: "lack of trust"\n', "",
         "claim c003: missing required field 'quote'", "add 'quote: ...'", "  - id: c003"),
    Case("bad-polarity", WALLACE, "polarity: hinders\n    asserted_by: [kanter1989]",
         "polarity: hindering\n    asserted_by: [kanter1989]",
         "'polarity' is 'hindering', which is not one of", "did you mean 'hinders'?"),
    Case("unknown-field", WALLACE, "asserted_by: [foster2002]", "asserted_bv: [foster2002]",
         "unknown field 'asserted_bv'", "did you mean 'asserted_by'?"),
    Case("malformed-yaml", CONCEPTS, "    label: Power imbalance\n",
         "    label: Power imbalance\n   alt: [x\n",
         "malformed YAML", "check indentation", "   alt: [x"),
    Case("malformed-bibtex", BIB, "  journal = {Nonprofit and Voluntary Sector Quarterly},",
         "  journal = {Nonprofit and Voluntary Sector Quarterly,",
         "malformed BibTeX entry", "check the braces and commas", "@article{foster2002,"),
    Case("duplicate-bib-key", BIB, "@misc{osborne2012,", "@misc{jones2010,",
         "duplicate entry key 'jones2010'", "merge the two entries"),
    Case("document-without-entry", WALLACE, "document: wallace2010", "document: walace2010",
         "document: cite key 'walace2010' has no bibliography entry",
         "did you mean 'wallace2010'?"),
    Case("counterpart-not-a-pair", CONCEPTS, "counterpart: trust", "counterpart: competition",
         "counterpart 'competition' is a Barrier", "link a barrier to the success factor",
         "slug: lack-of-trust"),
    Case("bad-count", WALLACE, '    quote: "power imbalance"\n',
         '    quote: "power imbalance"\n    count: many\n',
         "'count' must be a whole number", "fix it", "    count: many"),
]  # fmt: skip


def apply(project: Project, case: Case) -> int:
    """Make the edit; return the 1-based line the error must point at."""
    path = project.root / case.file
    text = path.read_text(encoding="utf-8")
    assert text.count(case.old) == 1, f"fixture changed: {case.old!r} not found once"
    edited = text.replace(case.old, case.new)
    path.write_text(edited, encoding="utf-8")
    marker = case.line_of or case.new.strip().splitlines()[0]
    # the edit starts where `old` stood; an explicit marker may stand before it
    at = edited.index(marker) if case.line_of else edited.index(marker, text.index(case.old))
    return edited[:at].count("\n") + 1


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_and_nothing_written(mini: Project, case: Case) -> None:
    line = apply(mini, case)
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert result.exit_code == 1
    message = result.output
    assert f"{case.file} line {line}: " in message, message
    assert case.message in message, message
    assert case.fix in message, message
    assert "nothing was written" in message
    assert not mini.build_dir.exists()


def test_failed_build_leaves_the_previous_build_untouched(mini: Project) -> None:
    build(mini)
    before = mini.graph_file.read_bytes()
    store_files = sorted(p.name for p in (mini.build_dir / "store").iterdir())
    apply(mini, CASES[0])
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert result.exit_code == 1
    assert mini.graph_file.read_bytes() == before
    assert sorted(p.name for p in (mini.build_dir / "store").iterdir()) == store_files


def test_all_problems_are_reported_at_once(mini: Project) -> None:
    apply(mini, CASES[0])
    apply(mini, CASES[1])
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert "2 problems found" in result.output
    assert "comunication" in result.output and "kanter1998" in result.output


def test_missing_vocabulary_file(mini: Project) -> None:
    (mini.root / CONCEPTS).unlink()
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert result.exit_code == 1
    assert f"{CONCEPTS}: file not found" in result.output
    assert not Path(mini.build_dir).exists()


def test_what_the_shapes_refuse_the_build_refuses_and_keeps_the_previous_build(mini: Project) -> None:
    """A two-letter quote passes every reference check; only the SHACL shape (3 to 1,500
    characters) catches it, and `build` must refuse it as `validate` does."""
    build(mini)
    published = ("partnergraph.ttl", "manifest.json", "store")
    before = {name: (mini.build_dir / name).read_bytes() for name in published[:2]}
    store_before = (mini.build_dir / "store").resolve()
    short = Case("short-quote", WALLACE, 'quote: "lack of trust"', 'quote: "ok"', "", "", "  - id: c003")
    line = apply(mini, short)
    result = CliRunner().invoke(main, ["--project", str(mini.root), "build"])
    assert result.exit_code == 1, result.output
    assert f"{WALLACE} line {line}: " in result.output
    assert "A claim needs exactly one quote of 3 to 1,500 characters" in result.output
    assert "nothing was written" in result.output
    assert {name: (mini.build_dir / name).read_bytes() for name in published[:2]} == before
    assert (mini.build_dir / "store").resolve() == store_before
    validate = CliRunner().invoke(main, ["--project", str(mini.root), "validate"])
    assert validate.exit_code == 1 and f"{WALLACE} line {line}: " in validate.output

    skipped = CliRunner().invoke(main, ["--project", str(mini.root), "build", "--no-shapes"])
    assert skipped.exit_code == 0, skipped.output
    assert "SHACL shapes: not checked (--no-shapes): run `partnergraph validate`" in skipped.output
