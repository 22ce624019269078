"""Hand-written input the build once let through, crashed on or hung on.

Each case damages a fresh copy of the mini project the way a bad-input run found, runs
`partnergraph build`, and checks that the answer is an error naming the file (and the
line, where there is one) and the fix, with exit status 1 and nothing written. The
cases that used to hang run the real command in a subprocess with a time limit.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from partnergraph import Project, build
from partnergraph.cli import main

WALLACE = "corpus/documents/wallace2010.yaml"
CONCEPTS = "corpus/concepts.yaml"
BIB = "bibliography/works.bib"


def edit(project: Project, file: str, old: str, new: str) -> None:
    path = project.root / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture changed: {old!r} not found once in {file}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(project: Project, file: str, text: str) -> int:
    """Add text at the end of a file; return the line it starts on."""
    path = project.root / file
    before = path.read_text(encoding="utf-8")
    before += "" if before.endswith("\n") else "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def line_of(project: Project, file: str, text: str) -> int:
    """The 1-based line of the first occurrence of `text` in the file."""
    content = (project.root / file).read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


def build_fails(project: Project, *expected: str) -> str:
    result = CliRunner().invoke(main, ["--project", str(project.root), "build"])
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    for text in expected:
        assert text in output, output
    assert not project.build_dir.exists()
    return output


# --- let through silently ---------------------------------------------------------


def test_missing_documents_folder(mini: Project) -> None:
    for path in mini.documents_dir.iterdir():
        path.unlink()
    mini.documents_dir.rmdir()
    build_fails(mini, "corpus/documents: folder not found", "one YAML file per reviewed document")


def test_yml_files_are_refused_with_the_rename(mini: Project) -> None:
    (mini.root / WALLACE).rename(mini.documents_dir / "wallace2010.yml")
    build_fails(mini, "corpus/documents/wallace2010.yml: ", "rename it to wallace2010.yaml")


def test_concepts_yml_is_named_in_the_fix(mini: Project) -> None:
    (mini.root / CONCEPTS).rename(mini.root / "corpus" / "concepts.yml")
    build_fails(mini, f"{CONCEPTS}: file not found", "rename concepts.yml to concepts.yaml")


def test_broader_cycle(mini: Project) -> None:
    edit(mini, CONCEPTS, "    alt: [membership]\n", "    alt: [membership]\n    broader: [trust]\n")
    line = line_of(mini, CONCEPTS, "slug: membership")
    build_fails(
        mini,
        f"{CONCEPTS} line {line}: concept 'membership': broader links go round in a circle: "
        "membership → trust → membership",
        "remove one of these 'broader' links",
    )


def test_a_concept_broader_than_itself(mini: Project) -> None:
    edit(mini, CONCEPTS, "    alt: [membership]\n", "    alt: [membership]\n    broader: [membership]\n")
    build_fails(mini, "membership → membership")


def test_two_barriers_with_one_counterpart(mini: Project) -> None:
    edit(mini, CONCEPTS, "  - slug: competition\n", "  - slug: competition\n    counterpart: trust\n")
    line = line_of(mini, CONCEPTS, "slug: competition")
    first = line_of(mini, CONCEPTS, "slug: lack-of-trust")
    build_fails(
        mini,
        f"{CONCEPTS} line {line}: concept 'competition': 'trust' is already the counterpart "
        f"of 'lack-of-trust' (line {first})",
        "a success factor pairs with one barrier",
    )


def test_bib_file_of_plain_text(mini: Project) -> None:
    (mini.bibliography_dir / "junk.bib").write_text("% a comment\nthis is not bibtex at all\n")
    build_fails(
        mini,
        "bibliography/junk.bib line 2: text outside any entry: 'this is not bibtex at all'",
        "start an entry with '@'",
    )


def test_bib_entry_without_its_at_sign(mini: Project) -> None:
    line = append(mini, BIB, "misc{lost2020,\n  title = {Lost},\n}\n")
    build_fails(mini, f"{BIB} line {line}: text outside any entry: 'misc{{lost2020,")


@pytest.mark.parametrize(
    "link", ["corpus/documents/outside.yaml", "bibliography/outside.bib", "corpus/concepts.yaml"]
)
def test_symlink_out_of_the_project(mini: Project, tmp_path: Path, link: str) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("concepts: []\n")
    (mini.root / link).unlink(missing_ok=True)
    (mini.root / link).symlink_to(target)
    build_fails(mini, f"{link}: a symbolic link to {target}, outside the project", "copy the file")


def test_symlink_inside_the_project_is_read(mini: Project) -> None:
    kept = mini.root / "kept" / "wallace2010.yaml"
    kept.parent.mkdir()
    (mini.root / WALLACE).rename(kept)
    (mini.root / WALLACE).symlink_to(kept)
    report = build(mini, load_store=False)
    assert report.counts["claims"] == 10


# --- tracebacks ---------------------------------------------------------------------


def test_yaml_complex_key(mini: Project) -> None:
    line = append(mini, WALLACE, "? [a, b]\n: x\n")
    build_fails(mini, f"{WALLACE} line {line}: malformed YAML: a key must be plain text", "write the key")


def test_huge_quote_is_refused_with_the_limit(mini: Project) -> None:
    edit(mini, WALLACE, 'quote: "lack of trust"', 'quote: "lack of trust' + " word" * 4_000_000 + '"')
    line = line_of(mini, WALLACE, 'quote: "lack of trust')
    build_fails(
        mini, f"{WALLACE} line {line}: claim c003: 'quote' is 20,000,013 characters long", "1,000,000"
    )


def test_bibtex_key_with_a_space(mini: Project) -> None:
    line = append(mini, BIB, "@misc{foo bar,\n  title = {Spaced},\n}\n")
    build_fails(mini, f"{BIB} line {line}: entry key 'foo bar' cannot be part of an IRI", "e.g. 'foo-bar'")


def test_non_utf8_query_file_is_named_not_a_traceback(mini: Project) -> None:
    build(mini)
    (mini.root / "queries").mkdir()
    (mini.root / "queries" / "latin1.rq").write_bytes(b"# title: caf\xe9\nSELECT * { ?s ?p ?o }\n")
    for command in (["query", "--list"], ["query", "latin1"]):
        result = CliRunner().invoke(main, ["--project", str(mini.root), *command])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "queries/latin1.rq line 1: not UTF-8" in result.output, result.output
        assert "save it as UTF-8" in result.output


def test_symlink_loop(mini: Project) -> None:
    loop = mini.documents_dir / "loop.yaml"
    loop.symlink_to(loop)
    build_fails(mini, "corpus/documents/loop.yaml: a symbolic link that leads back to itself", "remove")


# --- hangs ----------------------------------------------------------------------------

BOMB = """document: jones2010
claims:
  - id: c001
    concept: trust
    polarity: enables
    quote: "x"
    note: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]
    wording: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    section: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    pages: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    country: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    kind: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    via: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    asserted_by: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    count: [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def run_build(project: Project, limit: float) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "partnergraph", "--project", str(project.root), "build"],
        capture_output=True,
        text=True,
        timeout=limit,
    )
    return result, time.monotonic() - start


def test_yaml_alias_bomb_is_refused_quickly(mini: Project) -> None:
    (mini.documents_dir / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    result, seconds = run_build(mini, 30)
    assert result.returncode == 1, result.stderr
    assert "corpus/documents/bomb.yaml line 7: malformed YAML: aliases expand" in result.stderr
    assert "write the values out" in result.stderr
    assert seconds < 15
    assert not mini.build_dir.exists()


def test_fifos_named_as_sources_are_refused_without_waiting(mini: Project) -> None:
    os.mkfifo(mini.documents_dir / "pipe.yaml")
    (mini.root / CONCEPTS).unlink()
    os.mkfifo(mini.root / CONCEPTS)
    os.mkfifo(mini.bibliography_dir / "pipe.bib")
    result, seconds = run_build(mini, 30)
    assert result.returncode == 1, result.stderr
    for fifo in ("corpus/documents/pipe.yaml", CONCEPTS, "bibliography/pipe.bib"):
        assert f"{fifo}: not a regular file" in result.stderr, result.stderr
    assert seconds < 15


# --- line numbers ---------------------------------------------------------------------


def test_unclosed_quote_points_at_its_opening_line(mini: Project) -> None:
    edit(mini, WALLACE, 'quote: "lack of trust"', 'quote: "lack of trust')
    line = line_of(mini, WALLACE, 'quote: "lack of trust')
    build_fails(mini, f"{WALLACE} line {line}: malformed YAML", f"close the quote opened on line {line}")


def test_quote_unclosed_to_the_end_of_the_file(mini: Project) -> None:
    line = 1 + append(mini, WALLACE, '  - id: c099\n    quote: "never closed\n    section: x\n')
    build_fails(mini, f"{WALLACE} line {line}: malformed YAML")


def test_control_character_is_reported_at_its_line(mini: Project) -> None:
    edit(mini, WALLACE, 'quote: "lack of trust"', 'quote: "lack of \x07trust"')
    line = line_of(mini, WALLACE, 'quote: "lack of \x07trust')
    expected = f"{WALLACE} line {line}: malformed YAML: unacceptable character 0x0007"
    build_fails(mini, expected, "delete the character")


def test_claims_written_as_a_mapping(mini: Project) -> None:
    (mini.root / WALLACE).write_text(
        "document: wallace2010\ntext:\n  file: 002_cc4cc6e4e2478cf6.txt\n# claims by id\n\n"
        "claims:\n  c001:\n    concept: power-imbalance\n    polarity: hinders\n",
        encoding="utf-8",
    )
    output = build_fails(mini, f"{WALLACE} line 6: 'claims' must be a list, not a mapping", "'- id: c001'")
    assert f"{WALLACE} line 1:" not in output


@dataclass(frozen=True)
class TwoErrors:
    id: str
    old: str
    new: str
    expected: tuple[str, ...]


CLAIM_C003 = (
    "  - id: c003\n    concept: lack-of-trust\n    polarity: hinders\n    asserted_by: [greasley2008]\n"
)
TWO_ERRORS = [
    TwoErrors(
        "missing-quote-and-bad-count",
        '    quote: "lack of trust"\n',
        "    count: many\n",
        ("missing required field 'quote'", "'count' must be a whole number"),
    ),
    TwoErrors(
        "bad-polarity-and-unknown-concept",
        CLAIM_C003,
        CLAIM_C003.replace("lack-of-trust", "lack-of-trus").replace("hinders", "hindrs"),
        ("'polarity' is 'hindrs'", "unknown concept 'lack-of-trus'"),
    ),
    TwoErrors(
        "bad-id-and-unknown-cite-key",
        CLAIM_C003,
        CLAIM_C003.replace("c003", "c 003").replace("greasley2008", "greasly2008"),
        ("claim id 'c 003' has characters", "cite key 'greasly2008' has no bibliography entry"),
    ),
]


@pytest.mark.parametrize("case", TWO_ERRORS, ids=[c.id for c in TWO_ERRORS])
def test_a_claim_with_two_errors_reports_both(mini: Project, case: TwoErrors) -> None:
    edit(mini, WALLACE, case.old, case.new)
    output = build_fails(mini, "2 problems found", *case.expected)
    assert len(re.findall(rf"{WALLACE} line \d+: claim", output)) == 2, output
