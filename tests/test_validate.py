"""`partnergraph validate`: SHACL over the compiled graph, violations traced to their line."""

from __future__ import annotations

import re

from click.testing import CliRunner

from partnergraph import Project
from partnergraph.cli import main


def run_validate(project: Project) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), "validate"])
    return result.exit_code, result.output


def test_fixture_is_valid(mini: Project) -> None:
    code, out = run_validate(mini)
    assert code == 0, out
    assert "valid" in out


def test_overlong_quote_is_a_violation_at_its_line(mini: Project) -> None:
    path = mini.root / "corpus/documents/wallace2010.yaml"
    text = path.read_text()
    long_quote = "word " * 400
    text = text.replace('quote: "lack of trust"', f'quote: "{long_quote.strip()}"')
    path.write_text(text)
    line = text[: text.index("  - id: c003")].count("\n") + 1
    code, out = run_validate(mini)
    assert code == 1
    assert (
        f"corpus/documents/wallace2010.yaml line {line}: Violation on id:claim/wallace2010-c003, pg:quote"
        in out
    )


def test_reviewed_document_without_title(mini: Project) -> None:
    path = mini.root / "bibliography/works.bib"
    text = path.read_text()
    text = re.sub(r"  title = \{Influencers[^\n]*\n", "", text, count=1)
    path.write_text(text)
    code, out = run_validate(mini)
    assert code == 1
    assert "bibliography/works.bib line" in out
    assert "id:work/wallace2010, dcterms:title" in out


def test_reference_errors_come_first(mini: Project) -> None:
    path = mini.root / "corpus/documents/wallace2010.yaml"
    path.write_text(path.read_text().replace("concept: lack-of-trust", "concept: lack-of-trsut"))
    code, out = run_validate(mini)
    assert code == 1
    assert "unknown concept 'lack-of-trsut'" in out and "did you mean 'lack-of-trust'?" in out
