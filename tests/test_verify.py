"""`partnergraph verify`: quotes are checked against real text files, whitespace folded."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from partnergraph import Project, load_sources
from partnergraph.cli import main


def write_texts(project: Project, directory: Path) -> dict[str, Path]:
    """A text per reviewed document holding its quotes, re-wrapped as a PDF extraction would."""
    directory.mkdir()
    sources = load_sources(project)
    paths = {}
    for doc in sources.corpus.documents:
        body = "\n\n".join("Preamble words.\n" + c.quote.replace(" ", "\n", 3) for c in doc.claims)
        path = directory / (doc.text_file or f"{doc.document}.txt")
        path.write_text(body + "\nThe end.\n", encoding="utf-8")
        paths[doc.document] = path
    return paths


def run_verify(project: Project, texts: Path, *extra: str) -> tuple[int, str]:
    args = ["--project", str(project.root), "verify", "--texts", str(texts), *extra]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


def test_every_quote_found(mini: Project, tmp_path: Path) -> None:
    write_texts(mini, tmp_path / "texts")
    code, out = run_verify(mini, tmp_path / "texts")
    assert code == 0, out
    assert "10 of 10 quotes verified in 2 document texts" in out


def test_a_changed_word_is_a_miss_at_its_line(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    text = paths["wallace2010"].read_text()
    paths["wallace2010"].write_text(text.replace("through all levels", "through every level"))
    code, out = run_verify(mini, tmp_path / "texts")
    assert code == 1
    doc = (mini.root / "corpus/documents/wallace2010.yaml").read_text()
    line = doc[: doc.index('quote: "communication and engagement')].count("\n") + 1
    assert f"corpus/documents/wallace2010.yaml line {line}: claim c006" in out
    assert "matches up to «communication and engagement through» and then differs" in out
    assert "9 of 10 quotes verified" in out


def test_text_found_by_checksum_when_renamed(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    digest = hashlib.sha256(paths["wallace2010"].read_bytes()).hexdigest()
    paths["wallace2010"].rename(tmp_path / "texts" / "renamed.txt")
    doc = mini.root / "corpus/documents/wallace2010.yaml"
    doc.write_text(doc.read_text().replace("  file: 002_cc4cc6e4e2478cf6.txt", f"  sha256: {digest}"))
    code, out = run_verify(mini, tmp_path / "texts")
    assert code == 0, out


def test_missing_text_fails(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    paths["tsrc-review"].unlink()
    code, out = run_verify(mini, tmp_path / "texts")
    assert code == 1
    assert "tsrc-review: no text found to check its quotes against" in out


def test_one_document_is_verified_without_the_others_texts(mini: Project, tmp_path: Path) -> None:
    paths = write_texts(mini, tmp_path / "texts")
    paths["tsrc-review"].unlink()
    code, out = run_verify(mini, tmp_path / "texts", "--document", "wallace2010")
    assert code == 0, out
    assert out.splitlines()[-1] == "6 of 6 quotes verified in 1 document text"
    paths["wallace2010"].write_text("Nothing of it.\n")
    code, out = run_verify(mini, tmp_path / "texts", "--document", "wallace2010")
    assert code == 1
    assert "0 of 6 quotes verified" in out
