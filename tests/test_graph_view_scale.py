"""Above the node budget, `viz` and the explorer's graph view draw the most-evidenced part of
the evidence graph, and say so; below it nothing changes (test_outputs_unchanged.py).

The seed corpus (387 nodes) stands in for a large corpus by lowering the budget."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from browser import get, serve
from partnergraph import Project, graph_budget, open_store
from partnergraph.cli import main
from partnergraph.evidence_graph import build_graph
from partnergraph.viz_html import network_data, render_page

BUDGET = 120


@pytest.fixture(scope="module")
def graphs(seed_corpus: Project) -> tuple[nx.Graph, nx.Graph]:
    """The seed corpus's whole graph and the part of it a budget of 120 nodes shows."""
    with open_store(seed_corpus.default_store) as store:
        return build_graph(store, seed_corpus), build_graph(store, seed_corpus, budget=BUDGET)


def by_kind(graph: nx.Graph, kind: str) -> set[str]:
    return {n for n, d in graph.nodes(data=True) if d["kind"] == kind}


def test_below_the_budget_the_whole_graph(graphs: tuple[nx.Graph, nx.Graph]) -> None:
    whole, _ = graphs
    assert whole.number_of_nodes() == 387 and "trimmed" not in whole.graph


def test_above_it_the_most_evidenced_nodes_with_their_whole_counts(graphs: tuple[nx.Graph, nx.Graph]) -> None:
    whole, part = graphs
    assert 0.8 * BUDGET <= part.number_of_nodes() <= BUDGET
    assert by_kind(part, "document") == by_kind(whole, "document")
    for kind in ("concept", "work"):
        shown = by_kind(part, kind)
        left_out = by_kind(whole, kind) - shown
        assert shown and left_out
        assert min(whole.nodes[n]["claims"] for n in shown) >= max(whole.nodes[n]["claims"] for n in left_out)
    for node, data in part.nodes(data=True):  # a node's count is its whole evidence, not what is drawn
        assert data == whole.nodes[node]


def test_its_links_carry_the_same_claims(graphs: tuple[nx.Graph, nx.Graph]) -> None:
    whole, part = graphs
    claims = [(a, b) for a, b, d in part.edges(data=True) if d["kind"] == "claims"]
    assert len(claims) > 50
    for a, b in claims:
        assert part.edges[a, b] == whole.edges[a, b]
    among = whole.subgraph(part.nodes).edges(data="kind")
    assert {frozenset((a, b)) for a, b, kind in among if kind == "claims"} == {frozenset(e) for e in claims}
    assert {frozenset(e) for e in part.edges} <= {frozenset(e) for e in whole.edges}


def test_a_focus_brings_all_its_neighbours(seed_corpus: Project, graphs: tuple[nx.Graph, nx.Graph]) -> None:
    whole, part = graphs
    quiet = min(by_kind(whole, "concept") - set(part), key=lambda n: (whole.nodes[n]["claims"], n))
    with open_store(seed_corpus.default_store) as store:
        around = build_graph(store, seed_corpus, budget=BUDGET, focus=quiet)
    assert quiet in around and set(whole.neighbors(quiet)) <= set(around.neighbors(quiet))
    assert around.number_of_nodes() <= BUDGET
    assert f"around {whole.nodes[quiet]['label']}" in around.graph["trimmed"].sentence()


def test_the_page_says_what_it_leaves_out(graphs: tuple[nx.Graph, nx.Graph]) -> None:
    whole, part = graphs
    works = len(by_kind(whole, "work"))
    page = render_page(network_data(part))
    assert f"Showing {len(by_kind(part, 'work'))} of {works} works" in page
    documents = len(by_kind(whole, "document"))
    assert f"all {documents} reviewed documents" in page and "focus on a concept or work" in page
    assert 'id="trimmed"' not in render_page(network_data(whole))


def test_viz_and_the_served_view_keep_to_the_budget(
    seed_corpus: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, visit
) -> None:
    monkeypatch.setattr(graph_budget, "NODE_BUDGET", BUDGET)
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(main, ["--project", str(seed_corpus.root), "viz", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("Showing ")  # the terminal is told too
    visit.open_graph(out.as_uri())
    status = visit.page.inner_text("#status")
    shown = int(status.split(" of ")[0])
    assert shown <= BUDGET and status.startswith(f"{shown} of {shown} nodes")
    assert visit.page.inner_text("#trimmed").startswith("Showing ")
    server = serve(seed_corpus)
    base = next(server)
    try:
        visit.open_graph(f"{base}/graph?focus=concept:trust")
        drawn = visit.page.evaluate("pgNetwork.body.data.nodes.getIds()")
        with open_store(seed_corpus.default_store) as store:
            whole = build_graph(store, seed_corpus, budget=10**6)
        assert set(drawn) == {"concept:trust", *whole.neighbors("concept:trust")}
        assert "around Trust" in visit.page.inner_text("#trimmed")
        visit.open_graph(f"{base}/graph")  # a search for what the page leaves out says so
        drawn = set(visit.page.evaluate("data.nodes.map(n => n.id)"))
        label = whole.nodes[min(by_kind(whole, "concept") - drawn)]["label"]
        visit.page.fill("#search", label)
        assert "is not among the nodes shown" in visit.page.inner_text("#search-miss")
        visit.page.click("#search-miss a")
        visit.page.wait_for_load_state()
        assert label in visit.page.inner_text("h1")
        status, _, body = get(f"{base}/graph?focus=concept:no-such-concept")
        assert status == 404 and "no node concept:no-such-concept" in body
    finally:
        next(server, None)
    assert visit.external_requests() == [] and visit.errors == []


def test_its_steps_are_named_for_a_progress_bar(seed_corpus: Project) -> None:
    seen: list[str] = []
    with open_store(seed_corpus.default_store) as store:
        build_graph(store, seed_corpus, budget=BUDGET, on_step=seen.append)
    assert seen == ["count each node's claims", "read the claims"]


def test_above_the_spring_limit_works_sit_by_their_concepts(
    graphs: tuple[nx.Graph, nx.Graph], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ring layout for large graphs: a work's links to its concepts stay short."""
    import math

    from partnergraph import evidence_graph

    whole, _ = graphs
    monkeypatch.setattr(evidence_graph, "SPRING_LIMIT", 0)
    positions = evidence_graph.layout(whole)
    angle = {n: math.atan2(y, x) for n, (x, y) in positions.items()}

    def apart(a: str, b: str) -> float:
        d = abs(angle[a] - angle[b]) % (2 * math.pi)
        return min(d, 2 * math.pi - d)

    concepts = by_kind(whole, "concept")
    linked = {w: set(whole.neighbors(w)) & concepts for w in by_kind(whole, "work")}
    single = [(w, *cs) for w, cs in linked.items() if len(cs) == 1]
    assert len(single) > 50
    assert sum(apart(w, c) for w, c in single) / len(single) < math.pi / 8  # at random: π/2


def test_viz_shows_progress_on_a_terminal(built: Project, tmp_path: Path) -> None:
    from test_cli_behaviour import on_a_terminal

    out = tmp_path / "graph.html"
    screen = on_a_terminal("--project", str(built.root), "viz", "-o", str(out))
    assert "drawing the graph" in screen and "lay out and write the page" in screen and "3/3" in screen
    assert out.is_file()
