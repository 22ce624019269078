"""`partnergraph viz`: the evidence graph as one HTML file that works offline.

pyvis gives the nodes and edges their vis-network form; the page around it is ours, because
pyvis's templates fetch Bootstrap and, in some modes, vis-network from CDNs. Here
vis-network's JavaScript and CSS (as pyvis ships them) are inlined, the data travels
as JSON in a `<script type="application/json">` element with `<`, `>` and `&` escaped
(html_embed.py: a quote holding `<!--<script>` cannot end it or swallow the page), and every
string from the sources reaches the page through `textContent`, never as markup.
"""

from __future__ import annotations

import html
from pathlib import Path

import networkx as nx

from .evidence_graph import PHYSICS_LIMIT, layout
from .html_embed import json_script
from .names import class_name
from .panels import CLOSE_BUTTON, CLOSE_STYLE

CLASS_COLOURS = {
    "SuccessFactor": "#2b8cbe", "Barrier": "#e34a33", "Theory": "#756bb1", "PartnershipType": "#31a354",
    "Benefit": "#74c476", "Driver": "#fd8d3c", "SupportNeed": "#9ecae1", "Principle": "#636363",
    "Outcome": "#fdae6b", "Risk": "#de2d26", "Assumption": "#bcbddc", "Work": "#969696",
    "ReviewedDocument": "#252525",
}  # fmt: skip
DETAIL_FIELDS = ("kind", "cls", "label", "slug", "key", "category", "title", "claims")
POLARITY_COLOURS = {"enables": "#1a9850", "hinders": "#d73027", "mixed": "#fe9929", "neutral": "#9e9e9e"}


def vis_assets() -> tuple[str, str]:
    """vis-network as pyvis bundles it, to inline: nothing is fetched when the page opens."""
    import pyvis

    lib = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8"
    )


def network_data(
    graph: nx.Graph, positions: dict[str, tuple[float, float]] | None = None
) -> dict[str, object]:
    """Nodes and edges in vis-network's form, made by pyvis's `Node` and `Edge`.

    Not through `pyvis.network.Network.add_edge`: it scans every edge already added to
    refuse duplicates, which took 12 minutes for the 55,536 links of a 10,000-node graph.
    A networkx graph has no duplicate edges to refuse."""
    from pyvis.edge import Edge
    from pyvis.node import Node

    positions = positions or layout(graph)
    physics = graph.number_of_nodes() <= PHYSICS_LIMIT
    labelled_works = graph.number_of_nodes() <= 400
    nodes = []
    for node, data in graph.nodes(data=True):
        x, y = positions[node]
        nodes.append(
            Node(
                node,
                shape="dot" if data["kind"] != "document" else "square",
                label=data["label"] if data["kind"] != "work" or labelled_works else " ",
                x=x,
                y=y,
                size=5 + 2.5 * min(data.get("claims", 0), 60) ** 0.5,
                color=CLASS_COLOURS.get(data["cls"], "#969696"),
                physics=physics,
            ).options
        )
    edges, edge_claims = [], {}
    for a, b, data in graph.edges(data=True):
        claims = data.get("claims", [])
        edge = Edge(
            a,
            b,
            id=f"{a}|{b}",
            color=POLARITY_COLOURS.get(data.get("polarity", ""), "#cccccc"),
            width=1 + min(len(claims), 10) * 0.6,
            polarities=sorted({c["polarity"] for c in claims}),
            documents=sorted({c["document"] for c in claims}),
            kinds=sorted({c["kind"] for c in claims}),
        ).options
        edges.append(edge)
        edge_claims[edge["id"]] = claims
    details = {
        node: {k: v for k, v in data.items() if k in DETAIL_FIELDS} for node, data in graph.nodes(data=True)
    }
    document_names = {d["key"]: d["label"] for d in details.values() if d["kind"] == "document"}
    trimmed = graph.graph.get("trimmed")
    return {
        **({"trimmed": trimmed.sentence()} if trimmed else {}),
        "nodes": nodes,
        "edges": edges,
        "details": details,
        "claims": edge_claims,
        "documentNames": document_names,
        "physics": physics,
        "classColours": CLASS_COLOURS,
        "classNames": {cls: class_name(cls) for cls in sorted({d["cls"] for d in details.values()})},
        "polarityColours": POLARITY_COLOURS,
    }


def render_page(data: dict[str, object], title: str = "partnergraph — evidence graph", nav: str = "") -> str:
    """`nav` is the explorer's navigation bar; the standalone file has none to link to."""
    script, style = vis_assets()
    body, scripts = PAGE_BODY, PAGE_SCRIPT
    if "trimmed" in data:  # said in the page itself, above the counts, not only in a log
        body = body.replace(
            '<div id="status">',
            f'<p id="trimmed" class="meta">{html.escape(str(data["trimmed"]))}</p>\n  <div id="status">',
        )
        scripts += TRIMMED_SCRIPT
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{style}</style><style>{PAGE_STYLE}{CLOSE_STYLE}</style>"
        f"<script>{script}</script></head><body>{nav}{body}"
        + json_script(data, "graph-data")
        + f"<script>{scripts}</script></body></html>\n"
    )


PAGE_STYLE = """
body { margin: 0; font-family: system-ui, sans-serif; display: flex; flex-direction: column; height: 100vh;
  color: #222; }
#layout { flex: 1; min-height: 0; display: grid; grid-template-columns: 17rem 1fr 24rem; }
#layout.closed { grid-template-columns: 17rem 1fr; }
#controls, #panel { overflow: auto; padding: 0.6rem; font-size: 13px; border-right: 1px solid #ddd; }
#panel { border-left: 1px solid #ddd; border-right: none; position: relative; }
#panel[hidden] { display: none; }
#network { min-height: 0; }
fieldset { border: 1px solid #ddd; margin: 0 0 0.5rem; } legend { font-weight: 600; }
label { display: block; }
.swatch { display: inline-block; width: 0.8rem; height: 0.8rem; margin-right: 0.3rem; vertical-align: middle;
  border-radius: 50%; }
#search { width: 100%; box-sizing: border-box; margin-bottom: 0.5rem; }
blockquote { margin: 0.4rem 0; padding-left: 0.5rem; border-left: 3px solid #ccc; }
.meta { color: #555; font-size: 12px; } #status { color: #555; }
"""
PAGE_BODY = """
<div id="layout">
<div id="controls">
  <input id="search" type="search" placeholder="Search concepts and works" aria-label="Search">
  <div id="status"></div>
  <fieldset id="f-class"><legend>Class</legend></fieldset>
  <fieldset id="f-polarity"><legend>Polarity</legend></fieldset>
  <fieldset id="f-document"><legend>Reviewed document</legend></fieldset>
  <fieldset id="f-kind"><legend>Evidence kind</legend></fieldset>
</div>
<div id="network"></div>
<aside id="panel">CLOSE_BUTTON
<div id="panel-body"><p>Click a concept, work or document to see its evidence.</p></div></aside>
</div>
""".replace("CLOSE_BUTTON", CLOSE_BUTTON)
PAGE_SCRIPT = """
const data = JSON.parse(document.getElementById('graph-data').textContent);
const el = (tag, text, cls) => {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
};
const claimsText = n => n + (n === 1 ? ' claim' : ' claims');
const documentName = key => data.documentNames[key] || key;
const state = { cls: new Set(), polarity: new Set(), document: new Set(), kind: new Set() };
const values = { cls: new Set(), polarity: new Set(), document: new Set(), kind: new Set() };
for (const n of data.nodes) values.cls.add(data.details[n.id].cls);
for (const e of data.edges) { e.polarities.forEach(v => values.polarity.add(v));
  e.documents.forEach(v => values.document.add(v)); e.kinds.forEach(v => values.kind.add(v)); }
const colours = { cls: data.classColours, polarity: data.polarityColours };
const className = v => data.classNames[v] || v;
const shownAs = { document: documentName, cls: className };
for (const [facet, box] of [['cls', 'f-class'], ['polarity', 'f-polarity'], ['document', 'f-document'],
                            ['kind', 'f-kind']]) {
  const name = shownAs[facet] || (v => v);
  for (const v of [...values[facet]].sort((a, b) => name(a).localeCompare(name(b)))) {
    state[facet].add(v);
    const label = el('label'); const input = el('input'); input.type = 'checkbox'; input.checked = true;
    input.dataset.facet = facet; input.value = v;
    input.addEventListener('change', () => { input.checked ? state[facet].add(v) : state[facet].delete(v);
      nodeView.refresh(); edgeView.refresh(); status(); });
    label.append(input);
    if (colours[facet]) {
      const swatch = el('span', undefined, 'swatch');
      swatch.style.background = colours[facet][v] || '#999';
      label.append(swatch);
    }
    label.append(document.createTextNode(name(v)));
    if (name(v) !== v) label.title = v;
    document.getElementById(box).append(label);
  }
}
const nodes = new vis.DataSet(data.nodes); const edges = new vis.DataSet(data.edges);
const edgeShown = e => e.polarities.length === 0 ? true :
  e.polarities.some(p => state.polarity.has(p)) && e.documents.some(d => state.document.has(d)) &&
  e.kinds.some(k => state.kind.has(k));
const neighbours = new Map(data.nodes.map(n => [n.id, new Set()]));
for (const e of data.edges) { neighbours.get(e.from).add(e.to); neighbours.get(e.to).add(e.from); }
// Focused on one node (served with ?focus=): its neighbourhood first; double-click expands.
const visible = data.focus ? new Set([data.focus, ...neighbours.get(data.focus)]) : null;
const nodeView = new vis.DataView(nodes, { filter: n => state.cls.has(data.details[n.id].cls)
  && (visible === null || visible.has(n.id)) });
const edgeView = new vis.DataView(edges, { filter: edgeShown });
const network = new vis.Network(document.getElementById('network'), { nodes: nodeView, edges: edgeView }, {
  physics: { enabled: data.physics, stabilization: { iterations: 150 } },
  interaction: { hover: true, hideEdgesOnDrag: data.nodes.length > 3000 },
  nodes: { font: { size: 12 } }, edges: { smooth: false } });
window.pgNetwork = network;
function status() {
  document.getElementById('status').textContent = nodeView.length + ' of ' + data.nodes.length + ' nodes, '
    + edgeView.length + ' of ' + data.edges.length + ' links';
}
status();
const panel = document.getElementById('panel'); const panelBody = document.getElementById('panel-body');
const layoutBox = document.getElementById('layout');
function openPanel(open) { panel.hidden = !open; layoutBox.classList.toggle('closed', !open); }
function show(id) {
  const d = data.details[id]; panelBody.replaceChildren();
  if (!d) return;
  openPanel(true);
  const category = d.category && d.category !== d.cls ? ' — ' + d.category : '';
  panelBody.append(el('h2', d.label),
    el('p', (d.cls ? className(d.cls) : '') + category + ' — ' + claimsText(d.claims), 'meta'));
  if (d.title && d.title !== d.label) panelBody.append(el('p', d.title, 'meta'));
  if (data.served && (d.slug || d.key)) {
    const link = el('a', 'Open its page');
    link.href = d.slug ? '/concept/' + encodeURIComponent(d.slug) : '/work/' + encodeURIComponent(d.key);
    link.id = 'open-page';
    panelBody.append(link);
  }
  for (const other of network.getConnectedNodes(id)) {
    const claims = data.claims[id + '|' + other] || data.claims[other + '|' + id] || [];
    const shown = claims.filter(c => state.polarity.has(c.polarity) && state.document.has(c.document)
      && state.kind.has(c.kind));
    if (!shown.length) continue;
    panelBody.append(el('h3', data.details[other].label));
    for (const c of shown) { panelBody.append(el('blockquote', '\\u201c' + c.quote + '\\u201d'),
      el('p', c.polarity + ' — ' + c.kind + ' — read in ' + documentName(c.document) + ' (' + c.claim + ')',
         'meta')); }
  }
}
document.getElementById('panel-close').addEventListener('click', () => openPanel(false));
document.addEventListener('keydown', ev => { if (ev.key === 'Escape') openPanel(false); });
network.on('click', params => { if (params.nodes.length) show(params.nodes[0]); });
network.on('doubleClick', params => {
  if (!visible || !params.nodes.length) return;
  neighbours.get(params.nodes[0]).forEach(n => visible.add(n));
  nodeView.refresh(); status();
});
if (data.focus) { show(data.focus); }
window.pgShow = show;
// A hit is shown (even outside a focused neighbourhood), selected, centred and opened.
document.getElementById('search').addEventListener('input', ev => {
  const q = ev.target.value.trim().toLowerCase(); if (q.length < 2) return;
  const label = n => data.details[n.id].label.toLowerCase();
  const hit = data.nodes.find(n => label(n) === q) || data.nodes.find(n => label(n).startsWith(q))
    || data.nodes.find(n => label(n).includes(q));
  if (!hit) return;
  if (visible && !visible.has(hit.id)) { visible.add(hit.id); nodeView.refresh(); status(); }
  network.selectNodes([hit.id]);
  network.focus(hit.id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 300 } });
  show(hit.id);
});
// With physics on, the nodes are settled before the first drawing and then held still: left
// running, physics kept the seed corpus's 387 nodes drifting for many seconds, so nothing a
// reader (or a search) centred stayed where it was put.
if (data.physics) network.once('stabilizationIterationsDone', () => {
  network.setOptions({ physics: false }); network.fit({ animation: false }); });
network.once('afterDrawing', () => { document.body.dataset.ready = 'true'; });
"""
# Only in a page above the node budget, so that smaller pages stay as they were: a search
# can miss what the page leaves out, which it says, and the explorer offers the concept's
# own page, which holds all its evidence (the text reaches the page as text only).
TRIMMED_SCRIPT = """
const miss = el('p', undefined, 'meta'); miss.id = 'search-miss';
document.getElementById('search').after(miss);
document.getElementById('search').addEventListener('input', ev => {
  const q = ev.target.value.trim(); miss.replaceChildren();
  const shown = n => data.details[n.id].label.toLowerCase().includes(q.toLowerCase());
  if (q.length < 2 || data.nodes.some(shown)) return;
  miss.append(document.createTextNode('\\u201c' + q + '\\u201d is not among the nodes shown. '));
  if (data.served) {
    const link = el('a', 'Open it as a concept'); link.href = '/concept/' + encodeURIComponent(q);
    miss.append(link);
  }
});
"""
