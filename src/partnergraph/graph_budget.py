"""Which part of a large evidence graph a browser is given, and the sentence that says so.

A page that hands vis-network more than `NODE_BUDGET` nodes takes longer than about two
seconds to first draw in headless Chromium (benchmarks/bench_browser.py --budgets, on a
100,000-claim project: 2,000 nodes and 17,661 links 1.5-1.9 s, 3,000 nodes 2.8 s, 8,000
nodes 6 s; 10,000 nodes took 7 s), and the page grows with it (8 MB at 2,000 nodes, 39 MB
at 8,000). Above the budget the graph keeps every reviewed document,
then the concepts and works with the most claims, and the page names what it left out and
how to see it: a focused view (a concept's or work's "in the graph" link in the explorer)
always holds the focused node's whole neighbourhood, within the same budget.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .names import plural

NODE_BUDGET = 2000
DOCUMENT_SHARE = 0.1  # reviewed documents first, but never more than a tenth of the budget
CONCEPT_SHARE = 0.6  # of what is left, when works would otherwise crowd concepts out
KINDS = ("document", "concept", "work")
NOUNS = {"document": "reviewed document", "concept": "concept", "work": "work"}


@dataclass(frozen=True)
class Candidate:
    """A node the graph could show, with what ranks it: its number of claims."""

    node: str
    kind: str
    claims: int
    label: str
    iri: str

    def rank(self) -> tuple[int, str, str]:
        return (-self.claims, self.label.lower(), self.node)


@dataclass
class Trimmed:
    """How many nodes of each kind the whole graph has and the page shows."""

    total: dict[str, int]
    shown: dict[str, int] = field(default_factory=dict)
    budget: int = NODE_BUDGET
    around: str | None = None  # the focused node's label

    def sentence(self) -> str:
        """'Showing 598 of 20,000 works, all 1,000 concepts and 50 reviewed documents: …', and the way on."""
        parts = []
        for kind in ("work", "concept", "document"):
            total, shown = self.total.get(kind, 0), self.shown.get(kind, 0)
            if not total:
                continue
            noun = plural(total, NOUNS[kind]).split(" ", 1)[1]
            parts.append(f"all {total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}")
        head = "Showing " + ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
        around = f", around {self.around}" if self.around else ""
        return (
            f"{head}{around} — those with the most claims: a browser draws about {self.budget:,} nodes "
            "at once. To see the rest, focus on a concept or work: its page in the explorer "
            "(partnergraph serve) links to it “in the graph” with all its neighbours, and "
            "partnergraph evidence lists every claim."
        )


def choose(
    candidates: list[Candidate],
    budget: int,
    focus: Candidate | None = None,
    neighbours: Iterable[Candidate] = (),
) -> set[str]:
    """The nodes to show: the focus, the reviewed documents (a tenth of the budget at most),
    the focus's neighbours, then concepts and works by rank, concepts first but leaving works
    a share. Ranked by claims, ties by label, so the same graph always shows the same part."""
    chosen: set[str] = set()

    def take(pool: Iterable[Candidate], limit: int) -> None:
        for candidate in sorted(pool, key=Candidate.rank):
            if limit <= 0 or len(chosen) >= budget:
                return
            if candidate.node not in chosen:
                chosen.add(candidate.node)
                limit -= 1

    by_kind = {kind: [c for c in candidates if c.kind == kind] for kind in KINDS}
    take([focus] if focus else [], 1)
    take(by_kind["document"], math.ceil(budget * DOCUMENT_SHARE))
    take(neighbours, budget)
    left = budget - len(chosen)
    works = [c for c in by_kind["work"] if c.node not in chosen]
    take(by_kind["concept"], max(left - len(works), math.ceil(left * CONCEPT_SHARE)))
    take(works, budget)
    return chosen
