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
    "require_build",
    "resolve_descriptor",
]


def resolve_descriptor(descriptor: str | None, project: Project) -> str:
    """The descriptor given, else the environment's, else the project's embedded store."""
    return descriptor or os.environ.get(STORE_ENV) or project.default_store


def open_store(descriptor: str, project: Project | None = None, create: bool = False) -> Store:
    """A store for the descriptor. A `memory:` store starts with the project's last build
    loaded, since it lives only as long as the process that opened it. An Oxigraph path
    that holds no store is an error unless `create` (only `build` makes stores), so a
    mistyped path never leaves an empty store behind that answers "0 rows"."""
    scheme, sep, arg = descriptor.partition(":")
    if not sep or scheme not in BACKENDS:
        raise StoreError(f"unknown store descriptor '{descriptor}': use oxigraph:PATH, memory: or sparql:URL")
    if scheme in {"oxigraph", "sparql"} and not arg:
        raise StoreError(f"the descriptor '{descriptor}' needs a {'path' if scheme == 'oxigraph' else 'URL'}")
    module_name, class_name = BACKENDS[scheme]
    backend = getattr(importlib.import_module(module_name), class_name)
    store: Store = backend(arg, create=True) if scheme == "oxigraph" and create else backend(arg)
    if scheme == "memory" and project is not None and project.graph_file.is_file():
        store.load_build(project.graph_file, project.inferred_file)
    return store


def require_build(project: Project, descriptor: str) -> None:
    """Before a reader opens the project's own store or `memory:`: is there a build?

    Without it a reader would answer "no concept called 'trust'" or "(0 rows)", which
    sends a new user looking for a mistake in the wrong place. With it, the store must
    hold that build (see `build_manifest`): a store left behind by an interrupted or
    store-less build is refused with the same advice instead of answering from it."""
    from ..build_manifest import check_store

    if descriptor.startswith("sparql:"):
        return
    if descriptor not in (project.default_store, "memory:") and not descriptor.startswith("memory:"):
        check_store(project, descriptor)  # another Oxigraph store, if the last build went there
        return
    if not project.graph_file.is_file():
        hint = (
            ""
            if (project.root / "corpus").is_dir()
            else " (this folder has no corpus/: run it in a project folder or pass --project DIR)"
        )
        raise StoreError(f"no build found in {project.root} — run `partnergraph build`{hint}")
    check_store(project, descriptor)
