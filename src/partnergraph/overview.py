"""What the graph holds, counted: the explorer's first page.

A researcher's first question of a corpus is "what is in it, and where is the evidence
thick or thin?", not the whole graph at once. Every count here is one SPARQL GROUP BY
in the store (the store counts faster than Python walks claims, and the figures then
agree with `query`), distinct claims and distinct asserting works alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from .claim_joins import join
from .matrix import CONCEPT_CLASSES
from .namespaces import sparql_prologue
from .stores import Store

TOP_CONCEPTS = 15

# claim_joins.py writes each join of claim patterns in the form the store evaluates fast:
# 15 s of CPU for this page at 100,000 claims on Oxigraph became ~2.
_ABOUT = "?claim pg:about ?concept"
_BY = "?claim pg:assertedBy ?work"
_IN = "?claim pg:reportedIn ?document"
_TOTALS = """
SELECT (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?work) AS ?works)
       (COUNT(DISTINCT ?document) AS ?documents) (COUNT(DISTINCT ?concept) AS ?concepts) WHERE {
  %(claims)s
}"""
_BY_CATEGORY = """
SELECT ?key ?label (COUNT(DISTINCT ?concept) AS ?concepts) (COUNT(DISTINCT ?claim) AS ?claims)
       (COUNT(DISTINCT ?work) AS ?works) WHERE {
  ?category a pg:Category ; skos:prefLabel ?label .
  ?concept skos:broader ?category .
  OPTIONAL { %(about_by)s }
  BIND(STR(?category) AS ?key)
} GROUP BY ?key ?label ORDER BY DESC(?claims) ?label"""
_BY_CLASS = """
SELECT ?key (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?concept) AS ?concepts)
       (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?work) AS ?works) WHERE {
  ?concept skos:inScheme id:scheme ; a ?class .
  FILTER(?class IN (%(classes)s))
  OPTIONAL { ?class rdfs:label ?l }
  OPTIONAL { %(about_by)s }
  BIND(STRAFTER(STR(?class), "#") AS ?key)
} GROUP BY ?key ORDER BY DESC(?claims) ?key"""
_TOP = """
SELECT ?key (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?cls) (SAMPLE(?n) AS ?claims) (SAMPLE(?m) AS ?works)
WHERE {
  { SELECT ?concept (COUNT(DISTINCT ?claim) AS ?n) (COUNT(DISTINCT ?work) AS ?m) WHERE { %(about_by)s }
    GROUP BY ?concept }
  ?concept skos:prefLabel ?l ; a ?class .
  FILTER(?class IN (%(classes)s))
  BIND(STRAFTER(STR(?concept), "/concept/") AS ?key)
  BIND(STRAFTER(STR(?class), "#") AS ?c)
} GROUP BY ?key ORDER BY DESC(?claims) DESC(?works) ?key LIMIT %(top)d"""
_BY_DOCUMENT = """
SELECT ?key (COUNT(DISTINCT ?concept) AS ?concepts) (COUNT(DISTINCT ?claim) AS ?claims)
       (COUNT(DISTINCT ?work) AS ?works) WHERE {
  ?document a pg:ReviewedDocument ; pg:citeKey ?key .
  OPTIONAL { %(in_about_by)s }
} GROUP BY ?key ORDER BY DESC(?claims) ?key"""


@dataclass(frozen=True)
class Count:
    """One row of the overview: `key` is what a link needs (slug, class, cite key, IRI)."""

    key: str
    label: str
    concepts: int
    claims: int
    works: int
    cls: str = ""
    """A concept's class (local name), for the most-evidenced concepts."""


@dataclass(frozen=True)
class Overview:
    claims: int
    works: int
    documents: int
    concepts: int
    categories: list[Count]
    classes: list[Count]
    top_concepts: list[Count]
    documents_read: list[Count]


def overview(store: Store, top: int = TOP_CONCEPTS) -> Overview:
    parts = {
        "classes": ", ".join(f"pg:{name}" for name in CONCEPT_CLASSES),
        "top": top,
        "claims": join(store, "?claim a pg:Claim", _ABOUT, _BY, _IN),
        "about_by": join(store, _ABOUT, _BY),
        "in_about_by": join(store, _IN, _ABOUT, _BY),
    }
    totals = _select(store, _TOTALS % parts)[0]
    return Overview(
        claims=_int(totals["claims"]),
        works=_int(totals["works"]),
        documents=_int(totals["documents"]),
        concepts=_int(totals["concepts"]),
        categories=_counts(_select(store, _BY_CATEGORY % parts)),
        classes=_counts(_select(store, _BY_CLASS % parts)),
        top_concepts=_counts(_select(store, _TOP % parts)),
        documents_read=_counts(_select(store, _BY_DOCUMENT % parts)),
    )


def _select(store: Store, query: str) -> list[dict]:
    return store.select(sparql_prologue() + query).dicts()


def _counts(rows: list[dict]) -> list[Count]:
    return [
        Count(
            key=str(row["key"]),
            label=str(row.get("label") or row["key"]),
            concepts=_int(row.get("concepts")),
            claims=_int(row["claims"]),
            works=_int(row["works"]),
            cls=str(row.get("cls") or ""),
        )
        for row in rows
    ]


def _int(term: object | None) -> int:
    return int(str(term)) if term is not None else 0
