"""Loading a finished build into another store, e.g. a team's shared SPARQL server."""

from __future__ import annotations

from .build_manifest import read_manifest
from .errors import StoreError
from .namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from .project import Project
from .stores import Store


def push_build(project: Project, store: Store) -> dict[str, int]:
    """Replace the store's graphs with the build's; returns triples per graph as stored."""
    if not project.graph_file.is_file():
        raise StoreError(
            f"{project.relative(project.graph_file)} does not exist: run `partnergraph build` first"
        )
    manifest = read_manifest(project) or {}
    store.load_build(project.graph_file, project.inferred_file, build_id=manifest.get("id"))
    return {
        "asserted": store.triple_count(ASSERTED_GRAPH),
        "inferred": store.triple_count(INFERRED_GRAPH),
    }
