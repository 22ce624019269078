"""Open a store by its descriptor: `oxigraph:PATH`, `memory:` or `sparql:URL`.

Backends are registered as module paths and imported only when used, as rdflib's
plugin registry does, so that a script on `memory:` never loads pyoxigraph.
"""

from __future__ import annotations

import importlib
import os

from ..errors import StoreError
from ..project import Project
from .base import QueryResult, Store, Term

STORE_ENV = "PARTNERGRAPH_STORE"

BACKENDS: dict[str, tuple[str, str]] = {
    "oxigraph": ("partnergraph.stores.oxigraph_store", "OxigraphStore"),
    "memory": ("partnergraph.stores.memory_store", "MemoryStore"),
    "sparql": ("partnergraph.stores.sparql_store", "SparqlStore"),
}

__all__ = [
    "BACKENDS",
    "STORE_ENV",
    "QueryResult",
    "Store",
    "Term",
    "open_store",
    "resolve_descriptor",
]


def resolve_descriptor(descriptor: str | None, project: Project) -> str:
    """The descriptor given, else the environment's, else the project's embedded store."""
    return descriptor or os.environ.get(STORE_ENV) or project.default_store


def open_store(descriptor: str, project: Project | None = None) -> Store:
    """A store for the descriptor. A `memory:` store starts with the project's last build
    loaded, since it lives only as long as the process that opened it."""
    scheme, sep, arg = descriptor.partition(":")
    if not sep or scheme not in BACKENDS:
        raise StoreError(f"unknown store descriptor '{descriptor}': use oxigraph:PATH, memory: or sparql:URL")
    if scheme in {"oxigraph", "sparql"} and not arg:
        raise StoreError(f"the descriptor '{descriptor}' needs a {'path' if scheme == 'oxigraph' else 'URL'}")
    module_name, class_name = BACKENDS[scheme]
    store: Store = getattr(importlib.import_module(module_name), class_name)(arg)
    if scheme == "memory" and project is not None and project.graph_file.is_file():
        store.load_build(project.graph_file, project.inferred_file)
    return store
