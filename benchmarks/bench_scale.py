"""How build and the reader commands grow with the corpus: size × command → time, memory, ratio.

Issue 16's yardstick. Each command runs as its own `partnergraph` process, as a user
runs it, so the wall time includes start-up and the peak RSS (from os.wait4, that
process's own rusage) is the command's alone. Two baselines give the ratio column:

- build against the floor: parsing the corpus's YAML with yaml.CSafeLoader plus
  pyoxigraph's bulk load of the build's own Turtle into a fresh on-disk store, also in a
  process of its own — the least any build that reads YAML into Oxigraph must do;
- reader commands against plain rdflib: the same command with `--store memory:` (rdflib
  parses the build's Turtle and answers in memory), measured only up to RDFLIB_UP_TO
  claims; above that it takes minutes and gigabytes and is left out (shown as "-").

Sizes: 1,618 is the repository's seed corpus itself; the others are synthetic projects
(benchmarks/synthetic_corpus.py) with SHAPE's concepts, works and documents. `reason`
runs last, because it adds the inferred graph the other readers would then also read.

    python benchmarks/bench_scale.py [--sizes 1618,10000,100000] [--huge] [--json FILE]

Times are from one run on whatever else the machine is doing: compare ratios.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from partnergraph.progress import Step, steps
from synthetic_corpus import write_project

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
from refresh_golden import copy_seed_project  # noqa: E402

SEED_CLAIMS = 1618
DEFAULT_SIZES = (SEED_CLAIMS, 10_000, 100_000)
HUGE = 1_000_000
RDFLIB_UP_TO = 10_000
QUERIES = ("barriers-backed-by-works", "evidence-for-concept")


@dataclass
class Row:
    claims: int
    command: str
    seconds: float | None
    peak_rss_mb: float | None
    baseline: str
    baseline_seconds: float | None = None
    baseline_rss_mb: float | None = None
    error: str = ""
    baseline_error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds


def shape(claims: int) -> dict[str, int]:
    """Concepts, works and documents of a synthetic project: a vocabulary that grows
    slowly, a work for every five claims, a reviewed document for every 2,000."""
    return {
        "concepts": min(2000, max(250, claims // 100)),
        "works": max(500, claims // 5),
        "documents": max(5, claims // 2000),
    }


def make_project(root: Path, claims: int) -> tuple[Path, str]:
    """The project of this size and a concept it has claims about."""
    if claims == SEED_CLAIMS:
        return copy_seed_project(root), "trust"
    write_project(root, claims=claims, seed=7, cover=True, **shape(claims))
    for part in ("ontology", "queries"):
        shutil.copytree(REPO / part, root / part, dirs_exist_ok=True)
    return root, "concept-1"


def run_checked(argv: list[str], timeout: float) -> str:
    """Run one process (in a session of its own, so that a timeout kills its children
    too); return why it failed, or "" when it did not."""
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return f"timed out after {timeout:.0f} s"
        if process.returncode != 0:
            err.seek(0)
            return f"exit {process.returncode}: {err.read().decode(errors='replace')[-300:]}"
    return ""


def measured_argv(argv: list[str], report: Path) -> list[str]:
    """Run argv under this script's --measure mode, which writes the child's wall time and
    own peak RSS: RUSAGE_CHILDREN's ru_maxrss is the largest peak among all children reaped
    so far, so a command smaller than an earlier one would show nothing of its own; and
    timing inside the wrapper leaves the wrapper's own start-up out."""
    return [sys.executable, __file__, "--measure", str(report), "--", *argv]


def measure(argv: list[str], timeout: float, workdir: Path) -> tuple[float | None, float | None, str]:
    """Wall seconds and peak RSS (MB) of one command, or None and why it has none."""
    report = workdir / "measured.txt"
    report.unlink(missing_ok=True)
    error = run_checked(measured_argv(argv, report), timeout)
    if not report.is_file():
        return None, None, error
    seconds, peak = (float(field) for field in report.read_text().split())
    return (None if error else seconds), peak, error


def measure_mode(report: Path, argv: list[str]) -> int:
    """Run argv; write its wall seconds and its peak RSS in MB (os.wait4: that child's own
    rusage, which Linux makes the largest of it and the descendants it waited for)."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    report.write_text(f"{time.perf_counter() - start:.3f} {usage.ru_maxrss / 1024:.1f}")
    return os.waitstatus_to_exitcode(status)


def floor_mode(project: Path, store: Path) -> None:
    """The floor: what any build reading this YAML into Oxigraph cannot avoid. The triples go
    into the named graph the build's result lives in (DESIGN.md's store layout): Oxigraph
    indexes a named graph's quads six ways and the default graph's three, so loading into
    the default graph (this floor's first form, in the baseline table) was a third faster
    than any build that keeps the layout could be."""
    import pyoxigraph as ox
    import yaml

    from partnergraph.namespaces import ASSERTED_GRAPH

    for path in sorted((project / "corpus").rglob("*.yaml")):
        with path.open("rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    oxigraph = ox.Store(str(store))
    oxigraph.bulk_load(
        path=str(project / "build" / "partnergraph.ttl"),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(str(ASSERTED_GRAPH)),
    )
    oxigraph.flush()


def reader_commands(concept: str, out: Path) -> dict[str, list[str]]:
    """Reader commands by name: the arguments after `partnergraph --project P`."""
    return {
        f"evidence {concept}": ["evidence", concept, "--format", "json"],
        "matrix --by works": ["matrix", "--by", "works"],
        f"summary {concept}": ["summary", concept, "-o", str(out / "summary.md")],
        "stats": ["stats"],
        "viz": ["viz", "-o", str(out / "viz.html")],
        f"query {QUERIES[0]}": ["query", QUERIES[0]],
        f"query {QUERIES[1]}": ["query", QUERIES[1], "--param", f"concept={concept}"],
    }


def bench_size(claims: int, workdir: Path, timeout: float, step: Step) -> list[Row]:
    root, concept = make_project(workdir / f"project-{claims}", claims)
    out = workdir / f"out-{claims}"
    out.mkdir()
    cli = [sys.executable, "-m", "partnergraph", "--project", str(root)]
    rows = []

    step(f"{claims:,} claims: build")
    seconds, peak, error = measure([*cli, "build"], timeout, workdir)
    build_row = Row(claims, "build", seconds, peak, "floor", error=error)
    rows.append(build_row)
    if error:
        return rows
    step(f"{claims:,} claims: floor (CSafeLoader + bulk load)")
    floor_store = workdir / f"floor-store-{claims}"
    floor = [sys.executable, __file__, "--floor", str(root), str(floor_store)]
    build_row.baseline_seconds, build_row.baseline_rss_mb, build_row.baseline_error = measure(
        floor, timeout, workdir
    )
    shutil.rmtree(floor_store, ignore_errors=True)

    for name, args in reader_commands(concept, out).items():
        step(f"{claims:,} claims: {name}")
        seconds, peak, error = measure([*cli, *args], timeout, workdir)
        row = Row(claims, name, seconds, peak, "rdflib", error=error)
        if claims <= RDFLIB_UP_TO:
            step(f"{claims:,} claims: {name} on rdflib")
            row.baseline_seconds, row.baseline_rss_mb, row.baseline_error = measure(
                [*cli, "--store", "memory:", *args], timeout, workdir
            )
        rows.append(row)
    step(f"{claims:,} claims: reason")
    seconds, peak, error = measure([*cli, "reason"], timeout, workdir)
    rows.append(Row(claims, "reason", seconds, peak, "-", error=error))
    triples = json.loads((root / "build" / "manifest.json").read_text())["triples"]
    print(f"{claims:,} claims: {triples:,} triples", file=sys.stderr)
    shutil.rmtree(root, ignore_errors=True)
    return rows


def cell(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row]) -> str:
    """Markdown, so that it goes into the README as printed."""
    lines = [
        "| claims | command | seconds | peak RSS MB | against | its seconds | its RSS MB | ratio |",
        "| ---: | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in rows:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}×"
        lines.append(
            f"| {r.claims:,} | {r.command} | {cell(r.seconds)} | {cell(r.peak_rss_mb, 0)} | {r.baseline} "
            f"| {cell(r.baseline_seconds)} | {cell(r.baseline_rss_mb, 0)} | {ratio} |"
            + "".join(f" {error}" for error in (r.error, r.baseline_error) if error)
        )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        sys.exit(measure_mode(Path(sys.argv[2]), sys.argv[4:]))
    if len(sys.argv) > 1 and sys.argv[1] == "--floor":
        floor_mode(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="Claims, comma-separated.")
    parser.add_argument("--huge", action="store_true", help=f"Also {HUGE:,} claims.")
    parser.add_argument("--json", type=Path, help="Also write the rows (and the machine) as JSON.")
    parser.add_argument("--timeout", type=float, default=3600, help="Seconds before a command is given up.")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")] + ([HUGE] if args.huge else [])
    started = datetime.datetime.now(datetime.UTC)
    machine = {
        "date": started.isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    rows: list[Row] = []
    per_size = 3 + 2 * len(reader_commands("c", Path()))
    with (
        tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp,
        steps(per_size * len(sizes), "scale") as step,
    ):
        for claims in sizes:
            rows += bench_size(claims, Path(tmp), args.timeout, step)
            print(table([r for r in rows if r.claims == claims]), file=sys.stderr)
            if args.json:  # after each size, so that a run stopped at a larger one keeps these
                data = {"machine": machine, "rows": [asdict(r) | {"ratio": r.ratio} for r in rows]}
                args.json.write_text(json.dumps(data, indent=2))
    print(f"\n{machine['date']}, {machine['cpus']} CPUs, load {machine['load_average_at_start']}")
    print(table(rows))


if __name__ == "__main__":
    main()
