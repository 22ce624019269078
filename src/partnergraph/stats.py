"""`partnergraph stats`: what the built graph holds, counted by the store itself."""

from __future__ import annotations

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
