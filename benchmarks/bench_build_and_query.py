"""Build and query speed on the fixture, the repository's seed corpus and a synthetic one.

Not a timed test: it prints figures, one run, with ratios against plain rdflib, for
the notes of whoever changes the build or the stores. Run:

    python benchmarks/bench_build_and_query.py [--claims 3000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from rdflib import Graph

from partnergraph import Project, build, find_query, open_store, run_query
from partnergraph.evidence import collect_evidence
from partnergraph.matrix import build_matrix
from partnergraph.progress import Step, steps
from partnergraph.reasoning import reason
from synthetic_corpus import write_project

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "mini"


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def measure(name: str, project: Project, repeat: int, concept: str) -> None:
    with steps(5, name) as step:
        measure_steps(name, project, repeat, concept, step)


def measure_steps(name: str, project: Project, repeat: int, concept: str, step: Step) -> None:
    """The figures of one corpus; `step` names each phase on a terminal while it runs."""
    step("build")
    build_s, report = timed(lambda: build(project))
    triples = report.counts["triples"]
    step("load: rdflib against Oxigraph")
    parse_s, _ = timed(lambda: Graph().parse(project.graph_file, format="turtle"))
    oxi_load_s, _ = timed(
        lambda: open_store(f"oxigraph:{Path(tempfile.mkdtemp())}", create=True).load_build(
            project.graph_file, None
        )
    )
    print(
        f"\n== {name}: {report.counts['claims']} claims, {report.counts['concepts']} concepts, "
        f"{report.counts['works']} works, {triples} triples"
    )
    print(f"build (read, check, compile, write, load store): {build_s:.3f} s  {report.seconds}")
    print(
        f"load: rdflib parse {parse_s:.3f} s | oxigraph bulk load {oxi_load_s:.3f} s "
        f"| ratio rdflib/oxigraph {parse_s / oxi_load_s:.1f}x"
    )
    step("named queries")
    for query_name, params in (
        ("barriers-backed-by-works", {}),
        ("evidence-for-concept", {"concept": concept}),
    ):
        query = find_query(query_name, project)
        latencies = {}
        for descriptor in ("memory:", project.default_store):
            with open_store(descriptor, project) as store:
                run_query(store, query, params)  # warm up
                latencies[descriptor.split(":")[0]], result = timed(
                    lambda s=store, q=query, p=params: run_query(s, q, p), repeat
                )
        ratio = latencies["memory"] / latencies["oxigraph"]
        print(
            f"query {query_name}: memory (rdflib) {latencies['memory'] * 1000:.1f} ms | "
            f"oxigraph {latencies['oxigraph'] * 1000:.1f} ms | ratio {ratio:.1f}x ({len(result)} rows)"
        )

    step("evidence and matrix")
    for label, operation in (
        (f"evidence {concept}", lambda store: collect_evidence(store, project, concept)),
        ("matrix --by works", lambda store: build_matrix(store, project, "works")),
    ):
        latencies = {}
        for descriptor in ("memory:", project.default_store):
            with open_store(descriptor, project) as store:
                operation(store)  # warm up
                latencies[descriptor.split(":")[0]], _ = timed(lambda s=store, op=operation: op(s), repeat)
        memory, oxigraph = latencies["memory"], latencies["oxigraph"]
        print(
            f"{label}: memory (rdflib) {memory * 1000:.1f} ms | oxigraph {oxigraph * 1000:.1f} ms "
            f"| ratio {memory / oxigraph:.1f}x"
        )

    step("reason")
    if shutil.which("java"):
        with open_store(project.default_store) as store:
            reason_s, reasoning = timed(lambda: reason(project, store))
        print(f"reason: {reason_s:.2f} s ({reasoning.total} triples inferred; {reasoning.seconds})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fixture = Path(tmp) / "fixture"
        shutil.copytree(FIXTURE, fixture)
        measure("fixture", Project.locate(fixture), args.repeat, "communication")
        corpus = Path(tmp) / "seed-corpus"
        for part in ("ontology", "corpus", "bibliography", "queries"):
            shutil.copytree(REPO / part, corpus / part)
        measure("the seed corpus of this repository", Project.locate(corpus), args.repeat, "trust")
        seed = Path(tmp) / "seed-sized"
        write_project(seed, claims=args.claims, concepts=250, works=500, documents=5)
        synthetic = f"seed-sized synthetic ({args.claims} claims)"
        measure(synthetic, Project.locate(seed), args.repeat, "concept-1")


if __name__ == "__main__":
    main()
