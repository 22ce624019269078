"""`partnergraph serve` in a real Chromium: graph, concept and work pages, gap map, queries, downloads,
and the read-only SPARQL endpoint — with every request staying on 127.0.0.1."""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from browser import get, serve
from hostile import HOSTILE_LABEL, HOSTILE_QUOTE, HOSTILE_TITLE, make_hostile
from partnergraph import build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from conftest import copy_fixture

    project = copy_fixture(tmp_path_factory.mktemp("site") / "mini")
    build(project)
    yield from serve(project)


def test_graph_to_concept_page_to_work_page(site: str, visit) -> None:
    page = visit.page
    visit.open_graph(site + "/graph")
    page.fill("#search", "trust")
    page.click("#open-page")
    page.wait_for_url(site + "/concept/trust")
    text = page.inner_text("body")
    assert "a cross-sector partnership will need help" in text and "counterpart: Lack of trust" in text
    assert "confidence: low" in text
    page.click("a[href='/work/cairns2010']")
    assert "Cairns and others" in page.inner_text("table") and "Trust" in page.inner_text("body")
    assert visit.external_requests() == [] and visit.errors == []


def test_focus_shows_a_neighbourhood_that_expands(site: str, visit) -> None:
    page = visit.page
    visit.open_graph(site + "/graph?focus=concept:trust")
    assert page.inner_text("#status").startswith("3 of 15 nodes")  # trust, cairns2010, the TSRC review
    assert page.inner_text("#panel h2") == "Trust"
    page.evaluate("pgNetwork.body.emitter.emit('doubleClick', {nodes: ['document:tsrc-review']})")
    assert page.inner_text("#status").startswith("6 of 15 nodes")  # + the review's other three works


def test_gap_map_cell_opens_to_its_quotes(site: str, visit) -> None:
    page = visit.page
    page.goto(site + "/map?by=works")
    page.click("td[data-cell='lack-of-trust|greasley2008']")
    assert page.is_visible("#panel") and "lack of trust" in page.inner_text("#panel blockquote")
    assert visit.external_requests() == []


def test_named_query_page_runs_a_query(site: str, visit) -> None:
    page = visit.page
    page.goto(site + "/query")
    page.select_option("select[name=name]", "contested-concepts")
    page.click("#run")
    page.wait_for_selector("#results")
    assert "Communication" in page.inner_text("#results") and page.inner_text("#count") == "1 row"


def test_query_form_binds_parameters_with_a_typed_concept_label(site: str, visit) -> None:
    page = visit.page
    page.goto(site + "/query")
    page.select_option("select[name=name]", "evidence-for-concept")
    concept = page.locator("fieldset[data-query=evidence-for-concept] input[name=concept]")
    assert concept.is_visible() and concept.input_value() == "trust"  # the query's default
    options = page.eval_on_selector_all("datalist#concepts option", "os => os.map(o => o.value)")
    assert "Lack of trust" in options and "Competition between partners" in options
    concept.fill("lack of TRUST")  # a label, in any case, as evidence takes it
    page.click("#run")
    page.wait_for_selector("#results")
    assert "lack of trust" in page.inner_text("#results") and page.inner_text("#count") == "1 row"
    assert concept.input_value() == "lack of TRUST"
    # Another query's fields are neither shown nor sent.
    assert not page.is_visible("fieldset[data-query=concepts-backed-by-work]")
    page.fill("fieldset[data-query=evidence-for-concept] input[name=concept]", "trsut")
    page.click("#run")
    assert "did you mean 'trust'" in page.inner_text("#error")


def test_names_not_keys_on_concept_work_and_graph_pages(site: str, visit) -> None:
    page = visit.page
    page.goto(site + "/concept/lack-of-trust")
    text = page.inner_text("main")
    assert "read in Wallace, 2010" in text and "Greasley et al., 2008" in text
    assert "read in wallace2010" not in text
    page.click("a[href='/work/greasley2008']")
    text = page.inner_text("main")
    assert "read in Wallace, 2010" in text and "Cited in: Wallace, 2010" in text
    visit.open_graph(site + "/graph?focus=concept:competition")
    panel = page.inner_text("#panel")
    assert "read in Building capabilities in partnerships involving…, n.d." in panel
    assert "read in tsrc-review" not in panel
    documents = page.eval_on_selector_all("#f-document label", "ls => ls.map(l => l.textContent)")
    assert documents == ["Building capabilities in partnerships involving…, n.d.", "Wallace, 2010"]


def test_panels_close(site: str, visit) -> None:
    page = visit.page
    visit.open_graph(site + "/graph?focus=concept:trust")
    assert page.is_visible("#panel h2")
    page.click("#panel-close")
    assert not page.is_visible("#panel")
    page.fill("#search", "power")
    page.wait_for_selector("#panel h2")  # a new hit opens it again
    page.keyboard.press("Escape")
    assert not page.is_visible("#panel")
    page.goto(site + "/map?by=works")
    page.click("td[data-cell='lack-of-trust|greasley2008']")
    assert page.is_visible("#panel")
    page.click("#panel-close")
    assert not page.is_visible("#panel")
    page.click("td[data-cell='lack-of-trust|greasley2008']")
    page.keyboard.press("Escape")
    assert not page.is_visible("#panel")


def test_summary_and_bibliography_downloads(site: str, visit, tmp_path: Path) -> None:
    page = visit.page
    page.goto(site + "/concept/trust")
    with page.expect_download() as word:
        page.click("text=Word")
    path = tmp_path / "trust.docx"
    word.value.save_as(path)
    paragraphs = [p.text for p in docx.Document(str(path)).paragraphs]
    assert "References" in paragraphs
    with page.expect_download() as markdown:
        page.click("text=summary (Markdown, .zip)")
    # The Markdown travels with what it references, and Pandoc renders it where it is unzipped.
    assert markdown.value.suggested_filename == "trust.zip"
    with zipfile.ZipFile(markdown.value.path()) as bundle:
        assert sorted(bundle.namelist()) == ["summary.bib", "summary.csl", "summary.json", "summary.md"]
        bundle.extractall(tmp_path / "unzipped")
    text = (tmp_path / "unzipped/summary.md").read_text(encoding="utf-8")
    assert "[@cairns2010, p. 3]" in text and 'csl: "summary.csl"' in text
    rendered = subprocess.run(
        ["pandoc", "--citeproc", "summary.md", "-t", "plain"],
        cwd=tmp_path / "unzipped",
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Cairns" in rendered.split("References")[-1]
    with page.expect_download() as bib:
        page.click("text=the bibliography")
    assert "@article{greasley2008," in Path(bib.value.path()).read_text(encoding="utf-8")
    assert visit.external_requests() == []


def test_hostile_text_on_served_pages(tmp_path: Path, visit) -> None:
    from conftest import copy_fixture

    project = copy_fixture(tmp_path / "mini")
    make_hostile(project)
    build(project)
    for base in serve(project):
        page = visit.page
        page.goto(base + "/concept/trust")
        assert page.inner_text("h1") == HOSTILE_LABEL
        page.goto(base + "/concept/competition")
        assert HOSTILE_QUOTE in page.inner_text("body")
        page.goto(base + "/work/greasley2008")
        assert HOSTILE_TITLE in page.inner_text("body")
        page.goto(base + "/work/cairns2010")
        assert HOSTILE_LABEL in page.inner_text("body")
        page.goto(base + "/map")
        assert HOSTILE_LABEL in page.inner_text("table")
        page.click("td[data-cell^='competition|']")  # the served map fetches a cell's quotes
        assert HOSTILE_QUOTE in page.inner_text("#panel blockquote")
        visit.open_graph(base + "/graph?focus=work:greasley2008")
        assert HOSTILE_TITLE in page.inner_text("#panel")
        assert page.locator("body img, body b, main script, #panel script, td script").count() == 0
    assert visit.dialogs == [] and visit.external_requests() == []


def test_query_results_show_labels_and_names_linked_to_their_pages(site: str) -> None:
    status, _type, text = get(site + "/query?name=barriers-backed-by-works")
    assert status == 200
    results = text[text.index("<table id=results>") :]
    assert '<a href="/concept/power-imbalance">Power imbalance</a>' in results
    assert 'href="/work/greasley2008"' in results and "Greasley et al., 2008" in results
    assert "id:concept/" not in results and "id:work/" not in results
