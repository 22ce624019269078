"""`partnergraph stats`: what the built graph holds, counted by the store itself.

Each table is the answer of the named query of its title (`partnergraph query
claims-by-document` gives the same rows), so a researcher can rerun any of them alone.
Two of them join claim patterns, and the fast way to write a join differs between stores
(claim_joins.py): at 100,000 claims claims-by-document took 3.0 s of CPU on the embedded
store as one group pattern and 0.5 s as hashed subqueries, while rdflib took 12 s instead
of 0.5 s on the seed corpus the other way round. So `stats` writes those two here, through
claim_joins, and their query files keep the group pattern every store evaluates well
enough; tests/test_stats_queries.py holds both forms to the same rows. `stats` counts
with the tool's own definitions, whatever copies a project keeps in its queries/.
"""

from __future__ import annotations

import json

from .claim_joins import join
from .namespaces import sparql_prologue
from .output import as_json, render
from .project import tool_resource_dir
from .queries import parse_query_file
from .stores import QueryResult, Store

STATS_QUERIES = ("count-by-class", "claims-by-document", "claims-by-polarity")

_CLAIMS_BY_DOCUMENT = """
SELECT ?reviewedIn (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?concept) AS ?concepts)
       (COUNT(DISTINCT ?work) AS ?works)
WHERE {
  ?document a pg:ReviewedDocument ;
            pg:citeKey ?reviewedIn .
  OPTIONAL { %s }
}
GROUP BY ?reviewedIn
ORDER BY ?reviewedIn"""
_DOCUMENT_CLAIMS = (
    "?claim pg:reportedIn ?document",
    "?claim pg:about ?concept",
    "?claim pg:assertedBy ?work",
)

_CLAIMS_BY_POLARITY = """
SELECT ?polarity (COUNT(?claim) AS ?claims)
WHERE { %s }
GROUP BY ?polarity
ORDER BY ?polarity"""
_POLARITY_CLAIMS = ("?claim a pg:Claim", "?claim pg:polarity ?polarity")


def stats_queries(store: Store) -> dict[str, str]:
    """Each table's SPARQL (without prefixes) in the form `store` evaluates fast.
    count-by-class has one form fast everywhere, so it is its query file's text."""
    by_class = parse_query_file(tool_resource_dir("queries") / "count-by-class.rq")
    return {
        "count-by-class": by_class.text,
        "claims-by-document": _CLAIMS_BY_DOCUMENT % join(store, *_DOCUMENT_CLAIMS),
        "claims-by-polarity": _CLAIMS_BY_POLARITY % join(store, *_POLARITY_CLAIMS),
    }


def graph_stats(store: Store, include_inferred: bool = True) -> dict[str, QueryResult]:
    """One table per statistics query, asked in one session of the store."""
    prologue = sparql_prologue()
    return {
        name: store.select(prologue + text, include_inferred=include_inferred)
        for name, text in stats_queries(store).items()
    }


def render_stats(tables: dict[str, QueryResult], fmt: str) -> str:
    """All tables as one document: titled tables, CSV sections under '# title' lines, or
    one JSON object {title: rows}, so `stats --format json` parses as a whole."""
    if fmt == "json":
        document = {title: json.loads(as_json(result))["rows"] for title, result in tables.items()}
        return json.dumps(document, indent=2, ensure_ascii=False)
    return "\n\n".join(f"# {title}\n{render(result, fmt)}" for title, result in tables.items())
