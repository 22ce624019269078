"""How fast a large evidence graph opens and answers in a real browser (Debian's Chromium).

Writes a synthetic project whose evidence graph has `--nodes` nodes (by default 10,000:
concepts, works and ten reviewed documents, every one of them named by a claim), builds
it, renders `partnergraph viz` for it and opens the file in headless Chromium through
Playwright. Not a timed test: it prints figures, one run, for the notes of whoever
changes the graph view. The graph itself is read once from plain rdflib (memory:) and
once from Oxigraph, for the ratio; in the browser, the page as shipped (positions
precomputed, physics off above the threshold) is set against the same page with
vis-network's physics switched on, which is what precomputing saves. Run:

    python benchmarks/bench_browser.py [--nodes 10000] [--physics-seconds 120]

With `--project DIR --budgets 250,500,1000,2000` it instead opens, for each node budget,
the graph view `partnergraph viz` writes for that built project at that budget (graph_budget.py):
seconds to read the part, to lay it out and write the page, and to the first drawing,
which is how NODE_BUDGET was chosen.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench_build_and_query import timed
from partnergraph import Project, build, open_store
from partnergraph.evidence_graph import build_graph
from partnergraph.progress import steps
from partnergraph.viz_html import network_data, render_page
from synthetic_corpus import write_project

CHROMIUM = "/usr/bin/chromium"
DOCUMENTS = 10


def write_graph_project(root: Path, nodes: int) -> None:
    """Concepts three tenths of the nodes, works the rest but ten documents; three claims a node."""
    concepts = nodes * 3 // 10
    write_project(
        root,
        claims=nodes * 3,
        concepts=concepts,
        works=nodes - concepts - DOCUMENTS,
        documents=DOCUMENTS,
        cover=True,
    )


def with_physics_on(data: dict) -> dict:
    """The same page with vis-network's physics on, globally and for every node."""
    return {**data, "physics": True, "nodes": [{**node, "physics": True} for node in data["nodes"]]}


def open_in_chromium(
    browser, page_file: Path, timeout_s: float, labels: dict[str, str]
) -> dict[str, float | None]:
    """Seconds to the first drawing (and, with physics on, until the nodes stop moving),
    then to a node click's panel, a search and a filter change.

    The click is a real mouse click: the view is first centred on the node (so that no
    neighbour drawn over it takes the click), and the node under the pointer is checked."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else outside.append(r.url))
    figures: dict[str, float | None] = {}
    start = time.perf_counter()
    page.goto(page_file.as_uri(), wait_until="commit")
    try:
        page.wait_for_selector("body[data-ready=true]", timeout=timeout_s * 1000, state="attached")
    except Exception:  # Playwright's TimeoutError: the page did not draw within the limit
        figures["ready"] = None
        page.close()
        return figures
    figures["ready"] = time.perf_counter() - start
    if page.evaluate("pgNetwork.physics.options.enabled"):
        # Nodes keep moving after the first drawing until the simulation settles; a
        # click aimed at a moving node misses, so interactions are timed after that.
        try:
            page.wait_for_function(
                """() => { if (window.pgSettled === undefined) {
                             window.pgSettled = false; pgNetwork.once('stabilized', () => pgSettled = true); }
                           return pgSettled; }""",
                timeout=timeout_s * 1000,
            )
            figures["settled"] = time.perf_counter() - start
        except Exception:  # Playwright's TimeoutError
            figures["settled"] = None
            page.close()
            return figures
    target = "document:doc0"
    x, y, under = page.evaluate(
        """id => { pgNetwork.focus(id, { scale: 2.0, animation: false });
                   const p = pgNetwork.canvasToDOM(pgNetwork.getPositions([id])[id]);
                   const box = document.getElementById('network').getBoundingClientRect();
                   return [box.left + p.x, box.top + p.y, pgNetwork.getNodeAt(p)]; }""",
        target,
    )
    panel_is = "label => document.querySelector('#panel h2')?.textContent === label"
    if under == target:  # under physics another node can lie on it: no click is timed then
        start = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_function(panel_is, arg=labels[target])
        figures["click to panel"] = time.perf_counter() - start
    else:
        figures["click to panel"] = None
        print(f"{page_file.name}: the pointer is over {under!r}, not {target!r}: no click timed")
    start = time.perf_counter()
    page.fill("#search", labels["concept"].lower())
    page.wait_for_function(panel_is, arg=labels["concept"])
    figures["search to panel"] = time.perf_counter() - start
    before = page.inner_text("#status")
    start = time.perf_counter()
    page.click("input[data-facet=cls][value=Work]")
    page.wait_for_function("s => document.getElementById('status').textContent !== s", arg=before)
    figures["class filter"] = time.perf_counter() - start
    figures["status"] = page.inner_text("#status")  # type: ignore[assignment]
    figures["requests off the machine"] = len(outside)
    page.close()
    return figures


def first_drawing(browser, page_file: Path, timeout_s: float = 120) -> float | None:
    """Seconds from opening the file to vis-network's first drawing, None past the limit."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    start = time.perf_counter()
    page.goto(page_file.as_uri(), wait_until="commit")
    try:
        page.wait_for_selector("body[data-ready=true]", timeout=timeout_s * 1000, state="attached")
        return time.perf_counter() - start
    except Exception:  # Playwright's TimeoutError
        return None
    finally:
        page.close()


def bench_budgets(root: Path, budgets: list[int], repeat: int) -> None:
    """One line a budget: nodes and links drawn, read, page, first drawing (best of `repeat`)."""
    from playwright.sync_api import sync_playwright

    project = Project.locate(root)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for budget in budgets:
            with open_store(project.default_store, project) as store:
                read_s, graph = timed(lambda s=store, b=budget: build_graph(s, project, budget=b))
            page_s, text = timed(lambda g=graph: render_page(network_data(g)))
            page_file = Path(tmp) / f"graph-{budget}.html"
            page_file.write_text(text, encoding="utf-8")
            drawn = [first_drawing(browser, page_file) for _ in range(repeat)]
            best = min((d for d in drawn if d is not None), default=None)
            print(
                f"budget {budget:>6,}: {graph.number_of_nodes():>6,} nodes, "
                f"{graph.number_of_edges():>7,} links, "
                f"{page_file.stat().st_size / 1e6:5.1f} MB; read {read_s:5.2f} s, page {page_s:5.2f} s, "
                f"first drawing {'-' if best is None else f'{best:.2f} s'}"
            )
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--project", type=Path, help="a built project: measure --budgets on it")
    parser.add_argument("--budgets", default="250,500,1000,2000,4000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nodes", type=int, default=10_000)
    parser.add_argument(
        "--physics-seconds", type=float, default=120, help="give up on the physics page after"
    )
    args = parser.parse_args()
    if args.project:
        bench_budgets(args.project, [int(b) for b in args.budgets.split(",")], args.repeat)
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, steps(5, "browser benchmark") as step:
        step("write and build the synthetic project")
        root = Path(tmp) / "synthetic"
        write_graph_project(root, args.nodes)
        project = Project.locate(root)
        build_s, _ = timed(lambda: build(project))
        print(f"synthetic project for {args.nodes} nodes: build {build_s:.1f} s")
        step("read the evidence graph")
        reads = {}
        for descriptor in ("memory:", f"oxigraph:{root / 'build' / 'store'}"):
            with open_store(descriptor, project) as store:
                reads[descriptor.split(":")[0]], graph = timed(lambda s=store: build_graph(s, project))
        print(
            f"evidence graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} links; read from "
            f"rdflib {reads['memory']:.2f} s, oxigraph {reads['oxigraph']:.2f} s "
            f"| ratio rdflib/oxigraph {reads['memory'] / reads['oxigraph']:.1f}x"
        )
        step("layout and page data")
        layout_s, data = timed(lambda: network_data(graph))
        shipped = Path(tmp) / "graph.html"
        shipped.write_text(render_page(data), encoding="utf-8")
        print(
            f"layout and page data (networkx graph to vis-network nodes and edges): {layout_s:.2f} s; "
            f"physics {'on' if data['physics'] else 'off'}; file {shipped.stat().st_size / 1e6:.1f} MB"
        )
        with_physics = Path(tmp) / "graph-physics.html"
        with_physics.write_text(render_page(with_physics_on(data)), encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            # Above the node budget the page holds the most-evidenced concepts only: search for one.
            concepts = [n for n, d in graph.nodes(data=True) if d["kind"] == "concept"]
            concept = max(concepts, key=lambda n: (graph.nodes[n]["claims"], n))
            labels = {
                "document:doc0": graph.nodes["document:doc0"]["label"],
                "concept": graph.nodes[concept]["label"],
            }
            step("Chromium: the page as shipped")
            figures = open_in_chromium(browser, shipped, 120, labels)
            step("Chromium: physics on")
            physics = open_in_chromium(browser, with_physics, args.physics_seconds, labels)
            browser.close()
        for page_name, result in (("as shipped", figures), ("physics on", physics)):
            for name, value in result.items():
                shown = f"{value:.2f} s" if isinstance(value, float) else str(value)
                print(f"  {page_name} — {name}: {shown if value is not None else 'not within the limit'}")
        if physics["ready"] is not None:
            ratio = physics["ready"] / figures["ready"]
            print(f"  ratio physics on / as shipped, first drawing: {ratio:.1f}x")
        if physics.get("settled") is not None:
            ratio = physics["settled"] / figures["ready"]
            print(f"  ratio physics on (settled) / as shipped (ready): {ratio:.1f}x")


if __name__ == "__main__":
    main()
