"""`partnergraph build`: load, check, compile, write, and load the store.

A build with any problem raises before it writes anything, so a mistake never leaves
a half-updated graph behind for the reading commands to trust.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .bibliography import Work, load_bibliography
from .compiler import compile_graph, serialize_turtle
from .corpus import Corpus, load_corpus
from .errors import InputError, SourceProblem
from .ontology import load_turtle
from .project import Project
from .references import check_references, cited_keys
from .stores import open_store


@dataclass(frozen=True)
class Sources:
    """Everything the authoring files hold, checked."""

    corpus: Corpus
    works: list[Work]
    ontology: Graph = field(repr=False)


@dataclass
class BuildReport:
    graph_file: Path
    store: str | None
    counts: dict[str, int]
    seconds: dict[str, float]

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            f"built {self.graph_file} ({c['triples']} triples)",
            f"  works: {c['works']} ({c['reviewed_documents']} reviewed documents, "
            f"{c['works_cited']} cited by claims, {c['works_uncited']} kept without claims)",
            f"  concepts: {c['concepts']}",
            f"  claims: {c['claims']} ({c['secondary_claims']} via secondary citations)",
            "  dropped: nothing (every concept, claim and bibliography entry is in the graph)",
        ]
        if self.store:
            out.append(f"  loaded into {self.store} in {self.seconds['load']:.2f} s")
        out.append("  time: " + ", ".join(f"{name} {secs:.2f} s" for name, secs in self.seconds.items()))
        return out


def load_sources(project: Project) -> Sources:
    """Read and check every authoring file; raise `InputError` listing all problems."""
    problems: list[SourceProblem] = []
    ontology = load_turtle(project.ontology_file, project.relative(project.ontology_file), problems)
    corpus = load_corpus(project, problems)
    works = load_bibliography(project, problems)
    problems += check_references(corpus, works)
    if problems:
        raise InputError(problems)
    return Sources(corpus, works, ontology)


def stage(path: Path, data: bytes) -> Path:
    """Write `data` beside `path` under a temporary name; `os.replace` publishes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make exports unreadable to others
    return Path(tmp)


def write_atomically(path: Path, data: bytes) -> None:
    """Readers never see half a file: write beside the target, then rename."""
    staged = stage(path, data)
    try:
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def count_sources(sources: Sources, triples: int) -> dict[str, int]:
    claims = sources.corpus.claims
    cited = cited_keys(sources.corpus)
    keys = {w.key for w in sources.works}
    return {
        "triples": triples,
        "works": len(keys),
        "reviewed_documents": len(sources.corpus.documents),
        "works_cited": len(keys & cited),
        "works_uncited": len(keys - cited),
        "concepts": len(sources.corpus.concepts),
        "claims": len(claims),
        "secondary_claims": sum(1 for _, c in claims if c.via),
    }


def build(
    project: Project,
    store_descriptor: str | None = None,
    load_store: bool = True,
    on_step: Callable[[str], None] | None = None,
) -> BuildReport:
    """Compile the project into `build/partnergraph.ttl` and load it into the store."""
    step = on_step or (lambda _name: None)
    seconds: dict[str, float] = {}
    step("read and check")
    start = time.perf_counter()
    sources = load_sources(project)
    seconds["read and check"] = time.perf_counter() - start

    step("compile")
    start = time.perf_counter()
    graph = compile_graph(sources.ontology, sources.corpus, sources.works)
    data = serialize_turtle(graph)
    seconds["compile"] = time.perf_counter() - start

    # The store is loaded from the staged file before the file is published, so a
    # store that cannot be loaded leaves the previous build's file in place.
    staged = stage(project.graph_file, data)
    descriptor = None
    try:
        if load_store:
            step("load the store")
            start = time.perf_counter()
            descriptor = store_descriptor or project.default_store
            with open_store(descriptor, create=True) as store:
                store.load_build(staged, None)
            seconds["load"] = time.perf_counter() - start
        os.replace(staged, project.graph_file)
    finally:
        staged.unlink(missing_ok=True)
    # Inferences of an earlier graph no longer hold: `reason` must run again.
    project.inferred_file.unlink(missing_ok=True)
    return BuildReport(project.graph_file, descriptor, count_sources(sources, len(graph)), seconds)
