"""The evidence graph as a network: concepts, works and reviewed documents, joined by claims.

Built once with networkx from the store (the `evidence-map` named query, which the gap
map also reads) and laid out server-side, so that the browser only draws: above
`PHYSICS_LIMIT` nodes physics is switched off and the precomputed positions are final.
Above graph_budget.NODE_BUDGET nodes, more than a browser draws in about two seconds, only
the most-evidenced part is read: each node's claims are counted in the store first, then
the claims of the chosen works fetched, never the whole evidence map.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx
from rdflib import URIRef

from . import graph_budget
from .evidence import KIND_NAMES
from .graph_budget import Candidate, Trimmed, choose
from .matrix import CONCEPT_CLASSES
from .names import WorkName, work_names
from .namespaces import sparql_prologue
from .progress import Step
from .project import Project
from .queries import find_query, run_query
from .stores import Store
from .stores.base import Term

# networkx's spring layout switches to a sparse solver at 500 nodes that took 76 s for the
# 2,255 nodes of a 10,000-claim corpus; vis-network's physics must settle before it draws.
PHYSICS_LIMIT = 500
SPRING_LIMIT = 500


def build_graph(
    store: Store,
    project: Project,
    budget: int | None = None,
    focus: str | None = None,
    on_step: Step | None = None,
    evidence: NodeEvidence | None = None,
) -> nx.Graph:
    """Nodes `concept:slug`, `work:key`, `document:key`; concept–work edges carry their
    claims, work–document edges say where a work was read. Works and documents are
    labelled by their short citation ('Wallace, 2010'), as a reader cites them.

    Above `budget` nodes (by default graph_budget.NODE_BUDGET) only the part a browser can
    draw is read, always holding `focus` and its neighbours; `graph.graph["trimmed"]` then
    says what was left out. `evidence` is those counts when the caller keeps them (the
    explorer, once per build)."""
    step = on_step or (lambda _name: None)
    budget = graph_budget.NODE_BUDGET if budget is None else budget
    step("count each node's claims")
    evidence = evidence or NodeEvidence.read(store)
    step("read the claims")
    if len(evidence.candidates) > budget:
        return trimmed_graph(store, evidence, budget, focus)
    rows = run_query(store, find_query("evidence-map", project)).dicts()
    return assemble(rows, work_names(store))


def assemble(rows: Iterable[dict[str, Term | None]], names: dict[str, WorkName]) -> nx.Graph:
    """The graph from evidence-map rows (one a claim and asserting work), in their order."""
    graph = nx.Graph()
    claims_per_edge: dict[tuple[str, str], dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows:
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


# Counted in sub-selects on one pattern each, then joined to the few rows they give: the
# same counts with the joins inside the GROUP BY took 7 s instead of 0.3 s at 100,000 claims.
CONCEPT_EVIDENCE = """
SELECT ?concept ?claims ?class ?label ?category WHERE {
  { SELECT ?concept (COUNT(?claim) AS ?claims) WHERE { ?claim pg:about ?concept } GROUP BY ?concept }
  OPTIONAL {
    VALUES ?class { CLASSES }
    ?concept a ?class ; skos:prefLabel ?label .
    OPTIONAL { ?concept skos:broader ?parent . ?parent a pg:Category ; skos:prefLabel ?category }
  }
}
""".replace("CLASSES", " ".join(f"pg:{cls}" for cls in CONCEPT_CLASSES))
WORK_EVIDENCE = """
SELECT ?work ?key ?claims WHERE {
  { SELECT ?work (COUNT(?claim) AS ?claims) WHERE { ?claim pg:assertedBy ?work } GROUP BY ?work }
  ?work pg:citeKey ?key
}
"""
OFF_SCHEME = """
SELECT ?work (COUNT(?claim) AS ?claims) WHERE {
  VALUES ?concept { CONCEPTS } ?claim pg:about ?concept ; pg:assertedBy ?work
} GROUP BY ?work
"""
DOCUMENTS = """
SELECT ?document ?key WHERE {
  { SELECT DISTINCT ?document WHERE { ?claim pg:reportedIn ?document } } ?document pg:citeKey ?key
}
"""
NEIGHBOURS = """
SELECT DISTINCT ?node WHERE {
  { ?claim pg:about ?focus ; pg:assertedBy ?node } UNION { ?claim pg:assertedBy ?focus ; pg:about ?node }
  UNION { ?claim pg:assertedBy ?focus ; pg:reportedIn ?node }
  UNION { ?claim pg:reportedIn ?focus ; pg:assertedBy ?node }
}
"""
CLAIMS_OF_WORKS = """
SELECT ?concept ?citeKey ?reviewedIn ?kind ?claim ?polarity ?quote WHERE {
  VALUES ?work { WORKS }
  ?claim pg:assertedBy ?work ; pg:about ?concept ; pg:polarity ?polarity ; pg:quote ?quote ;
         pg:reportedIn/pg:citeKey ?reviewedIn .
  ?work pg:citeKey ?citeKey .
  OPTIONAL { ?claim pg:evidenceKind ?kind }
}
"""


@dataclass
class NodeEvidence:
    """Every node the whole graph would have, with its number of claims, read by counting
    in the store (GROUP BY) rather than by fetching the claims themselves."""

    candidates: dict[str, Candidate]  # works and documents ranked by key on a tie
    concepts: dict[str, dict[str, Term | None]]  # concept IRI -> label, class, category

    @classmethod
    def read(cls, store: Store) -> NodeEvidence:
        """A claim about a concept of no drawn class (a category, say) is on no link: it
        counts for no node, as in the whole graph."""
        prologue = sparql_prologue()
        candidates: dict[str, Candidate] = {}
        concepts: dict[str, dict[str, Term | None]] = {}
        off_scheme = []
        for row in store.select(prologue + CONCEPT_EVIDENCE).dicts():
            iri = str(row["concept"])
            if row["class"] is None:
                off_scheme.append(f"<{iri}>")
            elif iri not in concepts:
                concepts[iri] = row
                node = "concept:" + iri.rsplit("/", 1)[-1]
                candidates[node] = Candidate(node, "concept", int(str(row["claims"])), str(row["label"]), iri)
        uncounted: Counter[str] = Counter()
        if off_scheme:
            rows = store.select(prologue + OFF_SCHEME.replace("CONCEPTS", " ".join(off_scheme))).dicts()
            uncounted.update({str(r["work"]): int(str(r["claims"])) for r in rows})
        asserted = {
            str(r["key"]): (str(r["work"]), int(str(r["claims"])) - uncounted[str(r["work"])])
            for r in store.select(prologue + WORK_EVIDENCE).dicts()
        }
        documents = {str(r["key"]): str(r["document"]) for r in store.select(prologue + DOCUMENTS).dicts()}
        for key, (iri, claims) in asserted.items():
            if key not in documents and claims:
                candidates[f"work:{key}"] = Candidate(f"work:{key}", "work", claims, key, iri)
        for key, iri in documents.items():
            claims = asserted.get(key, ("", 0))[1]
            node = f"document:{key}"
            candidates[node] = Candidate(node, "document", claims, key, iri)
        return cls(candidates, concepts)

    def neighbours(self, store: Store, focus: Candidate) -> list[Candidate]:
        by_iri = {c.iri: c for c in self.candidates.values()}
        rows = store.select(sparql_prologue() + NEIGHBOURS, {"focus": URIRef(focus.iri)})
        return [by_iri[str(iri)] for iri in rows.column("node") if str(iri) in by_iri]


def trimmed_graph(store: Store, evidence: NodeEvidence, budget: int, focus: str | None) -> nx.Graph:
    """The most-evidenced part of the graph (graph_budget.choose), with the claims on the
    links among its nodes; each node keeps its whole graph's count of claims."""
    candidates = evidence.candidates
    centre = candidates.get(focus) if focus else None
    neighbours = evidence.neighbours(store, centre) if centre else []
    kept = choose(list(candidates.values()), budget, centre, neighbours)
    asserting = " ".join(f"<{candidates[n].iri}>" for n in sorted(kept) if not n.startswith("concept:"))
    rows = []
    for row in store.select(sparql_prologue() + CLAIMS_OF_WORKS.replace("WORKS", asserting)).dicts():
        concept = evidence.concepts.get(str(row["concept"]))
        if concept is None or "concept:" + str(row["concept"]).rsplit("/", 1)[-1] not in kept:
            continue
        if f"document:{row['reviewedIn']}" not in kept:
            continue
        rows.append(
            {**row, "label": concept["label"], "class": concept["class"], "category": concept["category"]}
        )
    rows.sort(
        key=lambda r: (
            str(r["label"]).lower(),
            str(r["label"]),
            str(r["concept"]),
            str(r["claim"]),
            str(r["citeKey"]),
        )
    )
    # Short citations for the chosen works only: all 20,000 took seconds at 100,000 claims.
    graph = assemble(
        rows, work_names(store, {n.split(":", 1)[1] for n in kept if not n.startswith("concept:")})
    )
    for node, data in graph.nodes(data=True):
        data["claims"] = candidates[node].claims if node in candidates else data["claims"]
    total = Counter(c.kind for c in candidates.values())
    shown = Counter(data["kind"] for _, data in graph.nodes(data=True))
    label = graph.nodes[focus]["label"] if focus in graph else None
    graph.graph["trimmed"] = Trimmed(dict(total), dict(shown), budget, label)
    return graph


def _add_work_node(graph: nx.Graph, node: str, kind: str, key: str, name: WorkName | None) -> None:
    """Works and reviewed documents alike carry their cite key and title."""
    cls = "Work" if kind == "work" else "ReviewedDocument"
    label = name.citation if name else key
    graph.add_node(node, kind=kind, cls=cls, key=key, label=label, title=name.title if name else None)


def layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Force-directed for graphs a browser can settle; rings by node kind above that,
    which is linear in the number of links and still shows clusters: concepts go round
    by category, and each work or document sits on its ring where its concepts are (the
    mean of their angles), so its links stay short instead of crossing the disc."""
    if graph.number_of_nodes() <= SPRING_LIMIT:
        positions = nx.spring_layout(graph, seed=7, iterations=60, k=2 / math.sqrt(max(len(graph), 1)))
        scale = 200 * math.sqrt(max(len(graph), 1))
        return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in positions.items()}
    rings = {"document": 0.15, "concept": 0.55, "work": 1.0}
    groups: dict[str, list[str]] = defaultdict(list)
    for node, data in graph.nodes(data=True):
        groups[data["kind"]].append(node)
    concepts = sorted(
        groups["concept"], key=lambda n: (graph.nodes[n].get("category", ""), graph.nodes[n]["label"])
    )
    angles = {node: 2 * math.pi * i / len(concepts) for i, node in enumerate(concepts)}
    radius = 40 * math.sqrt(len(graph))
    positions = {}
    for kind in ("concept", "document", "work"):
        nodes = (
            concepts
            if kind == "concept"
            else sorted(
                groups[kind], key=lambda n: (_mean_angle(graph, n, angles), graph.nodes[n]["label"], n)
            )
        )
        for i, node in enumerate(nodes):
            angle = 2 * math.pi * i / len(nodes)
            r = radius * rings[kind] * (1 + 0.08 * (i % 5))
            positions[node] = (r * math.cos(angle), r * math.sin(angle))
    return positions


def _mean_angle(graph: nx.Graph, node: str, angles: dict[str, float]) -> float:
    """The circular mean of the angles of a node's concepts, in [0, 2π); 0 for none."""
    x = sum(math.cos(angles[n]) for n in graph.neighbors(node) if n in angles)
    y = sum(math.sin(angles[n]) for n in graph.neighbors(node) if n in angles)
    return math.atan2(y, x) % (2 * math.pi) if x or y else 0.0
