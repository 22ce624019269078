"""Finding a concept by what a person types: a slug, a label or a wording a source uses.

Every reader command (evidence, summary, query parameters, the explorer) looks
concepts up here, so "Mutual trust", "trust" and "TRUST" mean the same everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QueryError, did_you_mean
from .namespaces import ID, sparql_prologue
from .stores import Store

_CONCEPTS = (
    "SELECT ?concept ?slug ?label ?alt ?category WHERE {\n"
    "  ?concept skos:inScheme id:scheme ; skos:prefLabel ?label .\n"
    "  OPTIONAL { ?concept skos:altLabel ?alt }\n"
    "  OPTIONAL { ?concept a pg:Category . BIND(true AS ?category) }\n"
    f'  BIND(STRAFTER(STR(?concept), "{ID["concept/"]}") AS ?slug)\n'
    "}"
)


@dataclass(frozen=True)
class ConceptRef:
    iri: str
    slug: str
    label: str


def find_concept(store: Store, text: str) -> ConceptRef:
    """A concept by slug, preferred or alternative label, ignoring case; else a suggestion."""
    rows = store.select(sparql_prologue() + _CONCEPTS, {}).dicts()
    # A slug wins over a preferred label, which wins over an alternative label; where two
    # concepts share a label ("Communication" the factor and the category), the one that
    # is not a category wins, whatever order the store returns them in.
    rows.sort(key=lambda row: (row["category"] is not None, str(row["slug"])))
    names: dict[str, ConceptRef] = {}
    for field_name in ("slug", "label", "alt"):
        for row in rows:
            if row[field_name] is not None:
                ref = ConceptRef(str(row["concept"]), str(row["slug"]), str(row["label"]))
                names.setdefault(str(row[field_name]).casefold(), ref)
    wanted = text.strip().casefold()
    if wanted in names:
        return names[wanted]
    raise QueryError(f"no concept called '{text}' — " + did_you_mean(wanted, names, "corpus/concepts.yaml"))
