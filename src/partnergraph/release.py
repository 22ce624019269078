"""`partnergraph release DIR`: a folder others download, cite and load — the dataset as published.

It holds the dumps (Turtle, N-Quads, JSON-LD with its context; gzipped above a
megabyte), the ontology (Turtle, RDF/XML, shapes) with pyLODE's documentation, a VoID
and DCAT description, a README, a dataset CITATION.cff, the data licence and
SHA256SUMS. No clock is read: dates come from the ontology (or `--date`), gzip
headers carry no time, so the same build released twice gives the same bytes (but
for pyLODE's page, see `ontology_docs`, and so SHA256SUMS). The
folder is written beside DIR and renamed into place, so a failure leaves nothing.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .build_manifest import sha256_file
from .dataset_description import Dump, GraphCounts, Release, describe, graph_counts
from .exporting import (
    RDF_EXPORTS,
    ExportError,
    as_triples,
    canonical,
    context_file,
    load_context,
    read_dataset,
    serialise,
)
from .namespaces import PG
from .ontology_docs import document
from .project import Project, tool_resource_dir
from .stores import Store

LARGE = 1_000_000
"""Dumps above this many bytes are gzipped (the seed build's N-Quads are 7.7 MB)."""
DATA_LICENCE_FILE = "LICENSE"
"""The data licence kept beside the ontology (ontology/LICENSE), so a wheel ships it too."""
ONTOLOGY_IRI = str(PG).rstrip("#")
DEFAULT_CREATOR = "The partnergraph team"
DEFAULT_ENDPOINT = "http://127.0.0.1:8765/sparql"
DEFAULT_BASE = "https://w3id.org/partnergraph/releases/{version}/"
DUMP_FORMATS = ("turtle", "nquads", "jsonld")


@dataclass(frozen=True)
class ReleaseOptions:
    date: str | None = None
    version: str | None = None
    endpoint: str | None = None
    base_url: str | None = None
    documents: bool = False
    """Also write the document of every /id/ IRI (linked_data.publish): the files
    w3id/.htaccess redirects to, for a static host; tens of thousands of small files."""


@dataclass(frozen=True)
class ReleaseReport:
    folder: Path
    files: list[Path]
    triples: int
    documents: int = 0
    """Resources whose documents `--documents` wrote under doc/: counted, not listed (tens of
    thousands of files)."""

    def lines(self) -> list[str]:
        listed = [f"  {p.relative_to(self.folder)}" for p in self.files]
        if self.documents:
            listed.append(f"  doc/: the documents of {self.documents:,} resources, one per format")
        return [f"release of {self.triples:,} triples in {self.folder}:", *listed]


def ontology_metadata(project: Project) -> dict[str, str]:
    """owl:versionInfo, dcterms:created/modified/license/creator of the ontology."""
    fields = {
        "version": "http://www.w3.org/2002/07/owl#versionInfo",
        "created": "http://purl.org/dc/terms/created",
        "modified": "http://purl.org/dc/terms/modified",
        "licence": "http://purl.org/dc/terms/license",
        "creator": "http://purl.org/dc/terms/creator",
    }
    found: dict[str, str] = {}
    for quad in ox.parse(path=project.ontology_file, format=ox.RdfFormat.TURTLE):
        if quad.subject == ox.NamedNode(ONTOLOGY_IRI):
            for name, iri in fields.items():
                if quad.predicate.value == iri:
                    found.setdefault(name, quad.object.value)
    return found


def _release_settings(project: Project, options: ReleaseOptions) -> Release:
    meta = ontology_metadata(project)
    where = project.relative(project.ontology_file)
    date = options.date or meta.get("modified")
    if not date or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ExportError(
            f"the release needs a date: give --date YYYY-MM-DD, or the ontology's dcterms:modified in {where}"
        )
    version = options.version or meta.get("version")
    if not version:
        raise ExportError(f"the release needs a version: give --version, or owl:versionInfo in {where}")
    if "licence" not in meta:
        raise ExportError(f"{where}: the ontology states no dcterms:license to release the data under")
    return Release(
        version=version,
        date=date,
        created=meta.get("created", date),
        licence=meta["licence"],
        title="partnergraph: the evidence on cross-sector partnership working, claim by claim",
        description=(
            "Claims read in reviewed documents on partnership working between public, private and third "
            "sector organisations: the concept each is about, whether it enables or hinders, the works "
            "asserting it and the exact quote, with the SKOS concept scheme and the bibliography."
        ),
        base_url=options.base_url or DEFAULT_BASE.format(version=version),
        endpoint=options.endpoint or DEFAULT_ENDPOINT,
        creator=meta.get("creator", DEFAULT_CREATOR),
    )


def write_bytes(path: Path, data: bytes) -> Path:
    """The file, gzipped (no name, no time in the header) when large."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if len(data) <= LARGE:
        path.write_bytes(data)
        return path
    packed = path.with_name(path.name + ".gz")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as handle:
        handle.write(data)
    packed.write_bytes(buffer.getvalue())
    return packed


def make_release(
    project: Project,
    store: Store,
    folder: Path,
    options: ReleaseOptions,
    on_step: Callable[[str], None] = lambda _name: None,
) -> ReleaseReport:
    """Write the release folder (which must not exist yet, or be empty)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(f"{folder} exists and is not an empty folder — choose a new one")
    if not folder.parent.is_dir():
        raise ExportError(f"{folder.parent} does not exist — create it first")
    release = _release_settings(project, options)
    on_step("read the graph")
    quads = read_dataset(project, store, include_inferred=True)
    root = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}."))
    try:
        counts = _write_folder(project, root, release, quads, on_step)
        files = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
        described = 0
        if options.documents:
            from .linked_data import publish

            on_step("write the documents of the graph's IRIs")
            described = publish(project, store, root)
        if folder.exists():
            folder.rmdir()
        os.replace(root, folder)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return ReleaseReport(folder, [folder / f for f in files], counts.triples, described)


def _write_folder(
    project: Project, root: Path, release: Release, quads: list[ox.Quad], on_step: Callable[[str], None]
) -> GraphCounts:
    context = load_context(project)
    dumps = []
    for fmt in DUMP_FORMATS:
        on_step(f"write the {fmt} dump")
        export = RDF_EXPORTS[fmt]
        path = write_bytes(root / f"partnergraph{export.extension}", serialise(quads, fmt, context))
        dumps.append(Dump(path, f"the whole graph as {fmt}", export.media_type))
    shutil.copyfile(context_file(project), root / "context.jsonld")
    on_step("write the ontology and its documentation")
    _write_ontology(project, root)
    dumps += [
        Dump(root / "ontology" / "partnergraph.ttl", "the ontology (OWL 2, Turtle)", "text/turtle"),
        Dump(root / "ontology" / "partnergraph.rdf", "the ontology (RDF/XML)", "application/rdf+xml"),
    ]
    on_step("describe the dataset (VoID, DCAT)")
    counts = graph_counts(quads)
    description = describe(release, quads, counts, dumps, root)
    (root / "void.ttl").write_text(
        description.serialize(format="turtle", base=release.base_url), encoding="utf-8"
    )
    _write_texts(project, root, release, counts)
    _write_checksums(root)
    return counts


def _write_ontology(project: Project, root: Path) -> None:
    target = root / "ontology"
    target.mkdir()
    for turtle in sorted(project.ontology_dir.glob("*.ttl")):  # the ontology, its shapes, alignments
        shutil.copyfile(turtle, target / turtle.name)
    ontology = canonical(ox.Dataset(ox.parse(path=project.ontology_file, format=ox.RdfFormat.TURTLE)))
    triples = as_triples(ontology)
    (target / "partnergraph.rdf").write_bytes(ox.serialize(triples, format=ox.RdfFormat.RDF_XML))
    (root / "doc").mkdir()
    document(project.ontology_file, root / "doc" / "ontology.html")


def data_licence_file(project: Project) -> Path:
    own = project.ontology_dir / DATA_LICENCE_FILE
    return own if own.is_file() else tool_resource_dir("ontology") / DATA_LICENCE_FILE


def _write_texts(project: Project, root: Path, release: Release, counts: GraphCounts) -> None:
    from .release_texts import dataset_citation, release_readme

    shutil.copyfile(data_licence_file(project), root / "LICENSE")
    (root / "CITATION.cff").write_text(dataset_citation(release), encoding="utf-8")
    (root / "README.md").write_text(release_readme(release, counts), encoding="utf-8")


def _write_checksums(root: Path) -> None:
    """`sha256sum -c SHA256SUMS` checks a download."""
    lines = [
        f"{sha256_file(p)}  {p.relative_to(root).as_posix()}\n"
        for p in sorted(root.rglob("*"))
        if p.is_file()
    ]
    (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
