"""`partnergraph build`: load, check, compile, load the store, check the shapes, write.

A build with any problem raises before it publishes anything, so a mistake never leaves
a half-updated graph behind for the reading commands to trust. What `validate`
refuses (the SHACL shapes) the build refuses too, unless told `--no-shapes`. The
store is loaded beside the live one and swapped in, and `build/manifest.json`,
written last, says which build the file and the store hold (see `build_manifest`).

The shapes are checked by SPARQL on the freshly loaded directory, before it is swapped
in (`shapes_sparql`): pySHACL over an rdflib copy of the graph took longer than all the
rest of a 100,000-claim build. A build whose store is not an Oxigraph directory loads
one only for the check; shapes the translation does not cover go to pySHACL.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from .anchor_files import anchored_claims
from .bibliography import Work, load_bibliography
from .build_manifest import MANIFEST_NAME, manifest_file
from .compiler import compile_graph, compile_ntriples, turtle_from_ntriples
from .corpus import Corpus, load_corpus
from .errors import InputError, SourceProblem, StoreError
from .namespaces import ASSERTED_GRAPH
from .ontology import load_turtle
from .project import Project
from .references import check_references, cited_keys
from .stores import open_store
from .stores.oxigraph_store import OxigraphStore, StagedCheck, check_in_scratch
from .stores.staging import exclusive, new_build_id, write_json_atomically

if TYPE_CHECKING:
    from .validation import Violation


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
    shapes_checked: bool = True

    def lines(self) -> list[str]:
        c = self.counts
        out = [
            f"built {self.graph_file} ({c['triples']} triples)",
            f"  works: {c['works']} ({c['reviewed_documents']} reviewed documents, "
            f"{c['works_cited']} cited by claims, {c['works_uncited']} kept without claims)",
            f"  concepts: {c['concepts']}",
            f"  claims: {c['claims']} ({c['secondary_claims']} via secondary citations)",
            f"  anchors: {c['anchored_claims']} of {c['claims']} quotes located in their texts"
            + (
                f" ({c['claims'] - c['anchored_claims']} without: `partnergraph anchor --texts DIR`)"
                if c["anchored_claims"] < c["claims"]
                else ""
            ),
            "  dropped: nothing (every concept, claim and bibliography entry is in the graph)",
            "  SHACL shapes: satisfied"
            if self.shapes_checked
            else "  SHACL shapes: not checked (--no-shapes): run `partnergraph validate`",
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


def refuse_violations(project: Project, violations: list[Violation]) -> None:
    """Raise `InputError` with every SHACL violation, at the file and line it was written."""
    if violations:
        raise InputError(
            [
                SourceProblem(
                    v.origin.path if v.origin else project.relative(project.graph_file),
                    v.origin.line if v.origin else None,
                    str(dataclasses.replace(v, origin=None)),
                    "see `partnergraph validate`",
                )
                for v in violations
            ]
        )


def check_shapes(project: Project, sources: Sources, graph: Graph) -> None:
    """pySHACL, for shapes that `shapes_sparql` does not translate."""
    from .validation import graph_violations  # validation builds on this module

    refuse_violations(project, graph_violations(project, sources, graph))


def staged_shapes_check(
    project: Project, sources: Sources, step: Callable[[str], None]
) -> StagedCheck | None:
    """The shapes as queries for the loaded store to answer, or None (after checking them
    with pySHACL here) when the shapes use what the translation does not cover."""
    from .validation import origins, shape_queries, sparql_violations  # validation builds on this module

    queries, unsupported = shape_queries(project)
    if queries is None:
        step(f"SHACL shapes by pySHACL ({unsupported})")
        check_shapes(project, sources, compile_graph(sources.ontology, sources.corpus, sources.works))
        return None
    return StagedCheck(
        [q.sparql for q in queries],
        judge=lambda rows: refuse_violations(
            project, sparql_violations(queries, rows, lambda: origins(sources))
        ),
        on_loaded=lambda: step("SHACL shapes"),
    )


def remove_leftovers(project: Project) -> None:
    """Temporary files of a build that was killed before it could remove them."""
    for name in (project.graph_file.name, MANIFEST_NAME):
        for leftover in project.build_dir.glob(f".{name}.*"):
            leftover.unlink(missing_ok=True)
    for scratch in project.build_dir.glob(".shapes-*"):  # a store loaded only to check the shapes
        shutil.rmtree(scratch, ignore_errors=True)


def stage(path: Path, data: bytes, suffix: str = "") -> Path:
    """Write `data` beside `path` under a temporary name; `os.replace` publishes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:  # a full disk must not leave half a file behind
        os.unlink(tmp)
        raise
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
        "anchored_claims": anchored_claims(sources.corpus.documents, sources.corpus.anchors),
    }


def _exit_on_terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """SIGTERM (`kill`, `timeout`, a process manager) unwinds like Ctrl-C, so the staged
    store and file are removed at once instead of waiting for the next build. Only the
    main thread can set a handler; elsewhere SIGTERM keeps its default."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@dataclass
class Compiled:
    """The compiled graph: N-Triples for the store to load, and the Turtle file, which the
    build writes while the store loads (Oxigraph's Turtle writer took 5 s at 100,000
    claims, the load itself ten times that)."""

    ntriples: bytes = field(repr=False)
    iris: set[str] = field(repr=False)
    triples: int
    turtle: bytes = field(default=b"", repr=False)
    seconds: float = 0.0

    def make_turtle(self) -> bytes:
        if not self.turtle:
            start = time.perf_counter()
            self.turtle = turtle_from_ntriples(self.ntriples, self.iris)
            self.ntriples, self.seconds = b"", time.perf_counter() - start
        return self.turtle


def publish(
    project: Project,
    compiled: Compiled,
    descriptor: str | None,
    build_id: str,
    step: Callable[[str], None],
    seconds: dict[str, float],
    check: StagedCheck | None = None,
) -> None:
    """Load the store beside the live one, check the shapes on it, publish the file, and
    write the manifest last."""
    busy = f"another `partnergraph build` is writing {project.relative(project.build_dir)}; wait for it"
    with terminate_cleanly(), exclusive(project.build_dir / ".build.lock", busy):
        remove_leftovers(project)
        # The store is loaded from a staged file before the Turtle file is published, so a
        # store that cannot be loaded leaves the previous build's file in place.
        ntriples = stage(project.graph_file, compiled.ntriples, suffix=".nt")
        turtle: list[Path] = []

        def stage_turtle() -> None:
            if not turtle:
                turtle.append(stage(project.graph_file, compiled.make_turtle()))

        try:
            files = [(ntriples, ASSERTED_GRAPH)]
            if check is not None and not (descriptor and descriptor.startswith("oxigraph:")):
                step("SHACL shapes")
                start = time.perf_counter()
                scratch_check = dataclasses.replace(check, on_loaded=lambda: None)  # one step, said above
                check_in_scratch(project.build_dir, files, scratch_check)  # no Oxigraph directory of its own
                seconds["shapes"] = time.perf_counter() - start
                check = None
            if descriptor:
                step("load the store")
                start = time.perf_counter()
                with open_store(descriptor, create=True) as store:
                    if isinstance(store, OxigraphStore):
                        store.load_build(
                            ntriples,
                            None,
                            build_id=build_id,
                            check=check,
                            meanwhile=stage_turtle,
                            on_progress=lambda text: step(f"load the store: {text}"),
                        )
                    else:
                        stage_turtle()
                        store.load_build(turtle[0], None, build_id=build_id)
                seconds["load"] = time.perf_counter() - start
                if check is not None:  # the load and the queries ran in one child, one after the other
                    seconds["load"], seconds["shapes"] = check.seconds["load"], check.seconds["checks"]
            stage_turtle()
            seconds["Turtle file"] = compiled.seconds
            os.replace(turtle[0], project.graph_file)
        finally:
            for path in (ntriples, *turtle):
                path.unlink(missing_ok=True)
        # Inferences of an earlier graph no longer hold: `reason` must run again.
        project.inferred_file.unlink(missing_ok=True)
        manifest = {
            "id": build_id,
            "triples": compiled.triples,
            "ttl_sha256": hashlib.sha256(compiled.turtle).hexdigest(),
            "store": descriptor,
        }
        write_json_atomically(manifest_file(project), manifest)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Reading and compiling make millions of objects and keep most of them; Python's
    cycle collector then walks the whole growing heap again and again, which took a
    quarter to a half of the time (the objects form no cycles to collect)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(
    project: Project,
    store_descriptor: str | None = None,
    load_store: bool = True,
    on_step: Callable[[str], None] | None = None,
    shapes: bool = True,
) -> BuildReport:
    """Compile the project into `build/partnergraph.ttl` and load it into the store."""
    step = on_step or (lambda _name: None)
    seconds: dict[str, float] = {}
    with collector_paused():
        step("read and check")
        start = time.perf_counter()
        sources = load_sources(project)
        seconds["read and check"] = time.perf_counter() - start

        step("compile")
        start = time.perf_counter()
        ntriples, triples, iris = compile_ntriples(sources.ontology, sources.corpus, sources.works)
        compiled = Compiled(ntriples, iris, triples)
        del ntriples  # `Compiled` lets go of it once the Turtle is written
        seconds["compile"] = time.perf_counter() - start

    check = None
    if shapes:
        start = time.perf_counter()
        check = staged_shapes_check(project, sources, step)
        if check is None:
            seconds["shapes"] = time.perf_counter() - start

    build_id = new_build_id()
    descriptor = (store_descriptor or project.default_store) if load_store else None
    try:
        publish(project, compiled, descriptor, build_id, step, seconds, check)
    except OSError as exc:  # a full disk or a read-only folder: say so, not a traceback
        raise StoreError(
            f"cannot write the build in {project.relative(project.build_dir)}: {exc.strerror or exc} "
            "— the previous build was kept"
        ) from exc
    counts = count_sources(sources, compiled.triples)
    return BuildReport(project.graph_file, descriptor, counts, seconds, shapes_checked=shapes)
