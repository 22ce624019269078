"""`partnergraph concepts`: the vocabulary a researcher can ask about, with its evidence.

A new user does not know the slugs; this lists every concept with its label, class,
categories and how many claims are about it, optionally narrowed by a word or a
class, so the next `evidence` or `summary` command is typed right the first time.
The counts come from one grouped query, however large the vocabulary.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass

from rdflib import URIRef

from .concepts import CONCEPT_PREFIX, ConceptClass, resolve_class, search_names
from .names import plural
from .namespaces import sparql_prologue
from .output import spreadsheet_csv
from .stores import Store

SEPARATOR = "\x1f"
"""Joins grouped values in the query; no label contains this control character."""

_LISTING = f"""
SELECT ?concept ?slug ?label
       (GROUP_CONCAT(DISTINCT ?classLabel; separator="{SEPARATOR}") AS ?classes)
       (GROUP_CONCAT(DISTINCT ?categoryLabel; separator="{SEPARATOR}") AS ?categories)
       (GROUP_CONCAT(DISTINCT ?alt; separator="{SEPARATOR}") AS ?alts)
       (COUNT(DISTINCT ?claim) AS ?claims)
WHERE {{
  ?concept skos:inScheme id:scheme ; skos:prefLabel ?label .
  BIND(STRAFTER(STR(?concept), "{CONCEPT_PREFIX}") AS ?slug)
  OPTIONAL {{ ?concept a ?class . ?class rdfs:subClassOf skos:Concept ; rdfs:label ?classLabel }}
  OPTIONAL {{ ?concept skos:broader ?category . ?category a pg:Category ; skos:prefLabel ?categoryLabel }}
  OPTIONAL {{ ?concept skos:altLabel ?alt }}
  OPTIONAL {{ ?claim pg:about ?concept }}
  CLASS_PATTERN
}}
GROUP BY ?concept ?slug ?label
"""


@dataclass(frozen=True)
class ConceptEntry:
    slug: str
    label: str
    classes: list[str]
    """Class labels as the ontology reads them ('success factor')."""
    categories: list[str]
    alt_labels: list[str]
    claims: int


def list_concepts(store: Store, search: str | None = None, cls: str | None = None) -> list[ConceptEntry]:
    """Concepts by class, then label; `search` keeps those whose slug or labels hold every
    word typed (by stem: "communities" finds "Community leadership"), `cls` those of one
    class, named as `resolve_class` accepts it."""
    wanted: ConceptClass | None = resolve_class(store, cls) if cls else None
    bindings = {"wanted": URIRef(wanted.iri)} if wanted else {}
    query = _LISTING.replace("CLASS_PATTERN", "?concept a ?wanted ." if wanted else "")
    entries = [_entry(row) for row in store.select(sparql_prologue() + query, bindings).dicts()]
    if search:
        found = set(search_names([(e.slug, e.label, e.alt_labels) for e in entries], search))
        entries = [e for e in entries if e.slug in found]
    return sorted(entries, key=lambda e: (e.classes[:1], e.label.casefold(), e.slug))


def _entry(row: dict) -> ConceptEntry:
    return ConceptEntry(
        slug=str(row["slug"]),
        label=str(row["label"]),
        classes=_split(row["classes"]),
        categories=_split(row["categories"]),
        alt_labels=_split(row["alts"]),
        claims=int(str(row["claims"])),
    )


def _split(term: object | None) -> list[str]:
    return sorted(part for part in str(term or "").split(SEPARATOR) if part)


def as_table(entries: list[ConceptEntry], width: int = 100) -> str:
    """One heading per class; under it the claim count, the slug to type and the label
    (with its categories), wrapped so no line is wider than `width`."""
    if not entries:
        return "no concept matches"
    slug_width = max(len(e.slug) for e in entries)
    indent = " " * (2 + 6 + 2 + slug_width + 2)
    out: list[str] = []
    heading = None
    for entry in entries:
        cls = ", ".join(entry.classes) or "unclassed"
        if cls != heading:
            heading = cls
            count = sum(1 for e in entries if (", ".join(e.classes) or "unclassed") == cls)
            out += ["" if out else None, f"{cls[:1].upper()}{cls[1:]} ({plural(count, 'concept')})"]
            out.append(f"  {'claims':>6}  {'slug'.ljust(slug_width)}  label [categories]")
        text = entry.label + (f" [{'; '.join(entry.categories)}]" if entry.categories else "")
        first = f"  {entry.claims:>6}  {entry.slug.ljust(slug_width)}  "
        out += textwrap.wrap(
            text,
            width,
            initial_indent=first,
            subsequent_indent=indent,
            break_on_hyphens=False,
        )
    total = sum(e.claims for e in entries)
    out += ["", f"{plural(len(entries), 'concept')}, {plural(total, 'claim')} about them"]
    return "\n".join(line for line in out if line is not None)


CSV_HEADER = ("slug", "label", "class", "categories", "alternative labels", "claims")


def as_csv(entries: list[ConceptEntry]) -> str:
    """For spreadsheets: a label that would start a formula is defused (output.py)."""
    return spreadsheet_csv(
        CSV_HEADER,
        (
            [e.slug, e.label, *("; ".join(v) for v in (e.classes, e.categories, e.alt_labels)), e.claims]
            for e in entries
        ),
    )


def as_json(entries: list[ConceptEntry]) -> str:
    return json.dumps([asdict(e) for e in entries], indent=2, ensure_ascii=False)


def render_concepts(entries: list[ConceptEntry], fmt: str) -> str:
    return {"table": as_table, "csv": as_csv, "json": as_json}[fmt](entries)
