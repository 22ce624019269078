"""`partnergraph stats`: what the built graph holds, counted by the store itself."""

from __future__ import annotations

import json

from .output import as_json, render
from .project import Project
from .queries import find_query, run_query
from .stores import QueryResult, Store

STATS_QUERIES = ("count-by-class", "claims-by-document", "claims-by-polarity")


def graph_stats(store: Store, project: Project, include_inferred: bool = True) -> dict[str, QueryResult]:
    """One table per named statistics query, so a researcher can rerun any of them alone."""
    return {
        name: run_query(store, find_query(name, project), include_inferred=include_inferred)
        for name in STATS_QUERIES
    }


def render_stats(tables: dict[str, QueryResult], fmt: str) -> str:
    """All tables as one document: titled tables, CSV sections under '# title' lines, or
    one JSON object {title: rows}, so `stats --format json` parses as a whole."""
    if fmt == "json":
        document = {title: json.loads(as_json(result))["rows"] for title, result in tables.items()}
        return json.dumps(document, indent=2, ensure_ascii=False)
    return "\n\n".join(f"# {title}\n{render(result, fmt)}" for title, result in tables.items())
