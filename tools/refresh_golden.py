"""Regenerate tests/expected/outputs/ — ONLY when an output is meant to change.

tests/test_outputs_unchanged.py proves that the seed corpus's build and reader outputs
stay byte-identical while the code under them is rewritten for speed. Running this
script accepts whatever the code produces now as the new truth, so run it only for a
change whose new output you have read and want (a new triple, a fixed label), say so in
the commit message, and commit the refreshed files with that change — never to make a
failing test pass.

    .venv/bin/python tools/refresh_golden.py

The test imports `produce_outputs` and the storage helpers from here, so the outputs are
made one way for both.

What is stored, and why:

- build/partnergraph.ttl as gzip (mtime 0, so the archive itself is reproducible)
  rather than sorted N-Triples: the promise is byte-identical *Turtle*, and Turtle's
  line-per-statement layout already gives a readable diff of the first differing lines;
  N-Triples would prove only the same graph, and compress worse (full IRIs).
- Every other output as written, gzipped in the same way when larger than GZIP_ABOVE.
- SHA256SUMS: the SHA-256 of every output's uncompressed bytes, to name a mismatch at once.

Normalised before storing and comparing: the absolute path of the output folder, which
the Markdown summary names in its `csl:` metadata line (the folder is a fresh temporary
one on every run).

Pinned because Pandoc is not deterministic without it (reported in
issue 16's groundwork): SOURCE_DATE_EPOCH=0 for Pandoc's .docx, which otherwise stamps
the time of writing into docProps/core.xml and the zip. `viz` runs under a random hash
seed on purpose: its class names once followed set iteration order, so the page differed
from one process to the next; a random seed each run keeps that from coming back.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "expected" / "outputs"
PROJECT_PARTS = ("ontology", "corpus", "bibliography", "queries")
# trust is the example; lack-of-trust its counterpart barrier; competition a
# barrier with many claims; collaborative-advantage a theory with few.
CONCEPTS = ("trust", "lack-of-trust", "competition", "collaborative-advantage")
TABLE_FORMATS = {"table": "txt", "csv": "csv", "json": "json"}
MATRIX_FORMATS = {"csv": "csv", "markdown": "md", "html": "html"}
SUMMARY_EXTENSIONS = ("md", "html", "docx")
GZIP_ABOVE = 64_000
SUMS = "SHA256SUMS"
TURTLE = "partnergraph.ttl"
OUT_PLACEHOLDER = b"<out>"


def copy_seed_project(root: Path) -> Path:
    """The repository's authoring files in a fresh folder, as tests/conftest.py copies them."""
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, root / part)
    return root


@contextlib.contextmanager
def environment(**values: str) -> Iterator[None]:
    """Set variables for in-process commands (and the Pandoc they start), then restore them."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def run_cli(project: Path, *args: str) -> None:
    """One partnergraph command in this process (quicker than a subprocess per command)."""
    from partnergraph.cli import main

    result = CliRunner().invoke(main, ["--project", str(project), *args], catch_exceptions=False)
    if result.exit_code != 0:
        raise RuntimeError(f"partnergraph {' '.join(args)} exited {result.exit_code}: {result.output}")


def produce_outputs(project: Path, out: Path) -> dict[str, bytes]:
    """Build the project and run every reader command under test; return name → bytes.

    `project` must be a fresh copy (copy_seed_project); `out` an empty folder."""
    run_cli(project, "build")
    for concept in CONCEPTS:
        for fmt, ext in TABLE_FORMATS.items():
            run_cli(
                project, "evidence", concept, "--format", fmt, "-o", str(out / f"evidence-{concept}.{ext}")
            )
        with environment(SOURCE_DATE_EPOCH="0"):
            for ext in SUMMARY_EXTENSIONS:
                run_cli(project, "summary", concept, "-o", str(out / f"summary-{concept}.{ext}"))
    for fmt, ext in MATRIX_FORMATS.items():
        run_cli(project, "matrix", "--by", "works", "--format", fmt, "-o", str(out / f"matrix-works.{ext}"))
    for fmt, ext in TABLE_FORMATS.items():
        run_cli(project, "stats", "--format", fmt, "-o", str(out / f"stats.{ext}"))
    # A subprocess: the hash seed of a running interpreter cannot be changed.
    subprocess.run(
        [sys.executable, "-m", "partnergraph", "--project", str(project), "viz", "-o", str(out / "viz.html")],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONHASHSEED": "random"},
    )
    outputs = {path.name: path.read_bytes() for path in sorted(out.iterdir())}
    outputs = {name: data.replace(str(out).encode(), OUT_PLACEHOLDER) for name, data in outputs.items()}
    outputs[TURTLE] = (project / "build" / TURTLE).read_bytes()
    return outputs


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_name(name: str, data: bytes) -> str:
    return f"{name}.gz" if name == TURTLE or len(data) > GZIP_ABOVE else name


def write_golden(outputs: dict[str, bytes], folder: Path = GOLDEN) -> None:
    """Replace the folder's contents with these outputs and their SHA256SUMS."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in outputs.items():
        stored = stored_name(name, data)
        blob = gzip.compress(data, compresslevel=9, mtime=0) if stored.endswith(".gz") else data
        (folder / stored).write_bytes(blob)
    lines = [f"{sha256(data)}  {name}\n" for name, data in sorted(outputs.items())]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def read_golden(folder: Path = GOLDEN) -> tuple[dict[str, bytes], dict[str, str]]:
    """The recorded outputs (uncompressed) and their recorded SHA-256 sums, by output name."""
    sums = {}
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
    outputs = {}
    for path in folder.iterdir():
        if path.name == SUMS:
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            outputs[path.name.removesuffix(".gz")] = gzip.decompress(data)
        else:
            outputs[path.name] = data
    return outputs, sums


def main() -> None:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="refresh-golden-") as tmp:
        project = copy_seed_project(Path(tmp) / "project")
        out = Path(tmp) / "out"
        out.mkdir()
        outputs = produce_outputs(project, out)
    write_golden(outputs)
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout
    print(f"wrote {len(outputs)} outputs to {GOLDEN.relative_to(REPO)} (code at {commit.strip() or '?'})")


if __name__ == "__main__":
    main()
