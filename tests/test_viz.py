"""`partnergraph viz`: one HTML file that opens offline in a real Chromium and escapes all source text."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from hostile import HOSTILE_LABEL, HOSTILE_QUOTE, HOSTILE_TITLE, make_hostile
from partnergraph import Project, build
from partnergraph.cli import main


def write_viz(project: Project, out: Path) -> None:
    result = CliRunner().invoke(main, ["--project", str(project.root), "viz", "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_opens_offline_and_shows_the_evidence_of_a_concept(built: Project, tmp_path: Path, visit) -> None:
    out = tmp_path / "graph.html"
    write_viz(built, out)
    page = visit.page
    visit.open_graph(out.as_uri())
    assert page.inner_text("#status") == "15 of 15 nodes, 17 of 17 links"
    page.fill("#search", "trust")
    page.wait_for_function("document.querySelector('#panel h2')?.textContent === 'Trust'")
    panel = page.inner_text("#panel")
    assert "a cross-sector partnership will need help" in panel and "Cairns et al., 2010" in panel
    assert "read in Building capabilities in partnerships involving…, n.d." in panel
    # One claim asserted by two works lies on two edges but is counted once.
    page.fill("#search", "competition")
    page.wait_for_function(
        "document.querySelector('#panel h2')?.textContent === 'Competition between partners'"
    )
    assert " — 1 claim" in page.inner_text("#panel .meta")
    assert page.inner_text("#panel").count("Competition within a market") == 2
    page.uncheck("input[data-facet=polarity][value=hinders]")
    assert page.inner_text("#status") == "15 of 15 nodes, 12 of 17 links"
    page.uncheck("input[data-facet=cls][value=Work]")
    assert page.inner_text("#status").startswith("8 of 15 nodes")
    assert visit.external_requests() == [] and visit.errors == []


def test_hostile_text_shows_as_characters(mini: Project, tmp_path: Path, visit) -> None:
    make_hostile(mini)
    build(mini)
    out = tmp_path / "graph.html"
    write_viz(mini, out)
    page = visit.page
    visit.open_graph(out.as_uri())
    page.fill("#search", "trust <img")
    page.wait_for_function("document.querySelector('#panel h2') !== null")
    assert page.inner_text("#panel h2") == HOSTILE_LABEL
    page.fill("#search", "competition")
    page.wait_for_timeout(300)
    assert HOSTILE_QUOTE in page.inner_text("#panel")
    page.fill("#search", "Greasley")
    page.wait_for_timeout(300)
    assert HOSTILE_TITLE in page.inner_text("#panel")
    assert page.locator("#panel script, #panel img, #panel b").count() == 0
    assert visit.dialogs == [] and visit.external_requests() == []
