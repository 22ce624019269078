"""The evidence graph as a network: concepts, works and reviewed documents, joined by claims.

Built once with networkx from the store (the `evidence-map` named query, which the gap
map also reads) and laid out server-side, so that the browser only draws: above
`PHYSICS_LIMIT` nodes physics is switched off and the precomputed positions are final.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import networkx as nx

from .evidence import KIND_NAMES
from .matrix import CONCEPT_CLASSES
from .names import WorkName, work_names
from .project import Project
from .queries import find_query, run_query
from .stores import Store

PHYSICS_LIMIT = 1500
SPRING_LIMIT = 2500


def build_graph(store: Store, project: Project) -> nx.Graph:
    """Nodes `concept:slug`, `work:key`, `document:key`; concept–work edges carry their
    claims, work–document edges say where a work was read. Works and documents are
    labelled by their short citation ('Wallace, 2010'), as a reader cites them."""
    names = work_names(store)
    graph = nx.Graph()
    claims_per_edge: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    for row in run_query(store, find_query("evidence-map", project)).dicts():
        cls = str(row["class"]).rsplit("#", 1)[-1]
        if cls not in CONCEPT_CLASSES:
            continue
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        key, document = str(row["citeKey"]), str(row["reviewedIn"])
        concept_node, document_node = f"concept:{slug}", f"document:{document}"
        work_node = document_node if key == document else f"work:{key}"
        graph.add_node(
            concept_node,
            kind="concept",
            cls=cls,
            label=str(row["label"]),
            slug=slug,
            category=str(row["category"]) if row["category"] else cls,
        )
        if work_node != document_node:
            _add_work_node(graph, work_node, "work", key, names.get(key))
            graph.add_edge(work_node, document_node, kind="read-in")
        _add_work_node(graph, document_node, "document", document, names.get(document))
        claim_id = str(row["claim"]).rsplit("/", 1)[-1]
        claims_per_edge[(concept_node, work_node)][claim_id] = {
            "claim": claim_id,
            "polarity": str(row["polarity"]).rsplit("#", 1)[-1].lower(),
            "quote": str(row["quote"]),
            "document": document,
            "documentName": names[document].citation if document in names else document,
            "kind": KIND_NAMES.get(str(row["kind"]).rsplit("#", 1)[-1], "unstated")
            if row["kind"]
            else "unstated",
        }
    for (concept_node, work_node), claims in claims_per_edge.items():
        listed = sorted(claims.values(), key=lambda c: c["claim"])
        polarity = Counter(c["polarity"] for c in listed).most_common(1)[0][0]
        graph.add_edge(concept_node, work_node, kind="claims", claims=listed, polarity=polarity)
    for node in graph:  # distinct claims: one asserted by two works is on two edges
        graph.nodes[node]["claims"] = len(
            {
                c["claim"]
                for other in graph.neighbors(node)
                for c in graph.edges[node, other].get("claims", [])
            }
        )
    return graph


def _add_work_node(graph: nx.Graph, node: str, kind: str, key: str, name: WorkName | None) -> None:
    """Works and reviewed documents alike carry their cite key and title."""
    cls = "Work" if kind == "work" else "ReviewedDocument"
    label = name.citation if name else key
    graph.add_node(node, kind=kind, cls=cls, key=key, label=label, title=name.title if name else None)


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Force-directed for graphs a browser can settle; rings by node kind above that,
    which is linear in the number of nodes and still shows clusters by category."""
    if graph.number_of_nodes() <= SPRING_LIMIT:
        positions = nx.spring_layout(graph, seed=7, iterations=60, k=2 / math.sqrt(max(len(graph), 1)))
        scale = 200 * math.sqrt(max(len(graph), 1))
        return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in positions.items()}
    rings = {"document": 0.15, "concept": 0.55, "work": 1.0}
    groups: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        groups[data["kind"]].append(node)
    radius = 40 * math.sqrt(len(graph))
    positions = {}
    for kind, nodes in groups.items():
        nodes.sort(key=lambda n: (graph.nodes[n].get("category", ""), graph.nodes[n]["label"]))
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / len(nodes)
            r = radius * rings[kind] * (1 + 0.08 * (i % 5))
            positions[node] = (r * math.cos(angle), r * math.sin(angle))
    return positions
