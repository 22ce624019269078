"""A researcher's first visit to `partnergraph serve` on the seed corpus, in a real Chromium.

The seed corpus is what a new user sees first, and its size is what made the old first
page (387 nodes and 1,190 links drawn at once) unreadable; so these tests serve the
repository's own corpus (conftest's `seed_corpus`) rather than the mini fixture.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from browser import get, serve
from partnergraph import Project

NAV_LABELS = ["Overview", "Graph", "Gap map", "Queries", "Bibliography (.bib)"]
PAGES = ["/", "/graph", "/concept/trust", "/work/wallace2010", "/map", "/query"]


@pytest.fixture(scope="module")
def seed_site(seed_corpus: Project) -> Iterator[str]:
    yield from serve(seed_corpus)


def test_first_page_is_an_overview_not_the_whole_graph(seed_site: str, visit) -> None:
    page = visit.page
    page.goto(seed_site + "/")
    page.wait_for_load_state("load")
    elements = page.evaluate("document.querySelectorAll('body *').length")
    assert elements <= 600, f"{elements} elements drawn on the first page"
    # Whatever a canvas draws is counted too: at most a few hundred vis nodes, if any.
    drawn = page.evaluate("window.pgNetwork ? Object.keys(pgNetwork.body.nodes).length : 0")
    assert drawn <= 300
    text = page.inner_text("main")
    assert "Categories" in text and "Concept classes" in text and "Most-evidenced concepts" in text
    # Counts come from the store: the top concept's claims and works, linked to its page.
    first = page.locator("#top-concepts tbody tr").first
    link = first.locator("a")
    assert link.get_attribute("href").startswith("/concept/")
    claims, works = (int(first.locator("td").nth(i).inner_text()) for i in (1, 2))
    assert claims >= works >= 1
    label = link.inner_text()
    link.click()
    page.wait_for_url("**/concept/*")
    assert page.inner_text("h1") == label
    by_polarity = [int(n) for n in re.findall(r"\((\d+)\)$", page.inner_text("main"), re.M)]
    assert sum(by_polarity) == claims  # the overview counts what the concept page lists
    # The whole graph is one click away.
    page.goto(seed_site + "/")
    page.click("main a[href='/graph']")
    page.wait_for_selector("body[data-ready=true]", timeout=30_000)
    assert page.evaluate("Object.keys(pgNetwork.body.nodes).length") > 300
    assert visit.external_requests() == [] and visit.errors == []


def test_every_page_has_the_same_navigation_and_every_link_works(seed_site: str, visit) -> None:
    page = visit.page
    seen: dict[str, list[list[str]]] = {}
    for path in PAGES:
        page.goto(seed_site + path)
        seen[path] = page.eval_on_selector_all(
            "nav a", "links => links.map(a => [a.textContent, a.getAttribute('href')])"
        )
    assert [label for label, _ in seen["/"]] == NAV_LABELS
    assert all(links == seen["/"] for links in seen.values()), seen
    for _, href in seen["/"]:
        status, _, _ = get(seed_site + href)
        assert status == 200, href
    assert visit.external_requests() == []


def test_old_focus_links_open_the_graph_focused(seed_site: str, visit) -> None:
    page = visit.page
    visit.open_graph(seed_site + "/?focus=concept:trust")
    assert page.url == seed_site + "/graph?focus=concept:trust"
    assert page.inner_text("#panel h2") == "Trust"


def test_graph_search_selects_and_centres_its_hit(seed_site: str, visit) -> None:
    page = visit.page
    visit.open_graph(seed_site + "/graph")
    visit.search_graph("power imbalance", "concept:power-imbalance")
    page.wait_for_timeout(800)  # the move to the hit is animated
    centred = page.evaluate(
        """() => { const at = pgNetwork.getPositions(['concept:power-imbalance'])['concept:power-imbalance'];
                   const view = pgNetwork.getViewPosition();
                   return Math.hypot(at.x - view.x, at.y - view.y) * pgNetwork.getScale(); }"""
    )
    assert centred < 5, f"the hit is {centred:.0f} px from the centre of the view"
    assert page.inner_text("#panel h2") == "Power imbalance"


def test_search_reaches_a_node_outside_the_focused_neighbourhood(seed_site: str, visit) -> None:
    page = visit.page
    visit.open_graph(seed_site + "/graph?focus=concept:trust")
    visit.search_graph("power imbalance", "concept:power-imbalance")
    assert "concept:power-imbalance" in page.evaluate("Object.keys(pgNetwork.body.nodes)")


def test_gap_map_headers_stay_in_view_while_scrolling(seed_site: str, visit) -> None:
    page = visit.page
    page.goto(seed_site + "/map?by=works")
    header = page.locator("thead th[data-key]").first
    assert header.get_attribute("data-key") and header.inner_text() != header.get_attribute("data-key")
    page.mouse.wheel(0, 0)
    page.evaluate("window.scrollTo(3000, 1500)")
    page.wait_for_timeout(100)
    assert page.evaluate("window.scrollY") > 500 and page.evaluate("window.scrollX") > 500
    top = page.evaluate("document.querySelector('thead th[data-key]').getBoundingClientRect().top")
    left = page.evaluate(
        """() => { const rows = [...document.querySelectorAll('tbody th[scope=row]')];
                   const seen = rows.find(th => { const r = th.getBoundingClientRect();
                                                   return r.top > 200 && r.bottom < innerHeight; });
                   return seen.getBoundingClientRect().left; }"""
    )
    assert 0 <= top < 5, f"column headers are {top:.0f} px from the top of the window"
    assert 0 <= left < 5, f"row headers are {left:.0f} px from the left of the window"


def test_a_category_page_lists_the_concepts_it_groups(seed_site: str) -> None:
    """Reached through a concept's "broader" link: a page, not a 400 about categories."""
    status, _type, text = get(seed_site + "/concept/power-and-equality")
    assert status == 200
    assert "No claim is about this concept itself" in text
    assert 'href="/concept/power-imbalance"' in text
