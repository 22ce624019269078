"""The whole built graph as a file other RDF tools open: Turtle, N-Quads, TriG or JSON-LD.

The project's own build is read from its Turtle files, since stores normalise some
literals (see `read_store`); any other store (`--store sparql:URL`) through the one
`Store` interface. Blank nodes get their RDF Dataset Canonicalization (RDFC-1.0)
labels and quads are sorted, so the same graph gives the same bytes whichever store
it was loaded into (Oxigraph renames blank nodes on every load).

Turtle holds triples only: with inferences it is the union of both graphs. N-Quads,
TriG and JSON-LD keep the asserted and inferred graphs apart, as the store does.
JSON-LD is compacted with `ontology/context.jsonld` by pyLD (the JSON-LD API's
reference algorithms) from pyoxigraph's expanded output: pyLD's own RDF-to-JSON-LD
step took 138 s on the seed build where this takes about 5 s.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import PartnergraphError
from .namespaces import ASSERTED_GRAPH, INFERRED_GRAPH
from .project import Project, tool_resource_dir
from .query_safety import QueryDataset
from .sparql_results import to_oxigraph
from .stores import Store

CONTEXT_FILE = "context.jsonld"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"


class ExportError(PartnergraphError):
    """An export that cannot be written as asked."""


@dataclass(frozen=True)
class RdfExport:
    """One RDF serialisation: what pyoxigraph calls it, its file extension and media type."""

    name: str
    rdf: ox.RdfFormat
    extension: str
    media_type: str
    keeps_graphs: bool


RDF_EXPORTS: dict[str, RdfExport] = {
    "turtle": RdfExport("turtle", ox.RdfFormat.TURTLE, ".ttl", "text/turtle", False),
    "nquads": RdfExport("nquads", ox.RdfFormat.N_QUADS, ".nq", "application/n-quads", True),
    "trig": RdfExport("trig", ox.RdfFormat.TRIG, ".trig", "application/trig", True),
    "jsonld": RdfExport("jsonld", ox.RdfFormat.JSON_LD, ".jsonld", "application/ld+json", True),
}
QDA_EXPORTS = ("qdc", "qdpx")
EXPORT_FORMATS = (*RDF_EXPORTS, *QDA_EXPORTS)


def context_file(project: Project) -> Path:
    """The project's own context beside its ontology, else the tool's."""
    own = project.ontology_dir / CONTEXT_FILE
    return own if own.is_file() else tool_resource_dir("ontology") / CONTEXT_FILE


def load_context(project: Project) -> dict[str, Any]:
    """The `@context` object of the context file (the file holds `{"@context": {...}}`)."""
    path = context_file(project)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ExportError(f"{path}: cannot read the JSON-LD context ({exc}) — fix or restore it") from exc
    return document["@context"]


def context_prefixes(context: dict[str, Any]) -> dict[str, str]:
    """The context's prefixes (terms whose IRI ends in / or #): one list for every format."""
    return {
        term: iri
        for term, iri in context.items()
        if isinstance(iri, str) and not term.startswith("@") and iri.endswith(("/", "#"))
    }


def exported_graphs(store: Store, include_inferred: bool) -> list[str]:
    """The build's graphs the store holds, asserted first."""
    held = store.graph_names()
    wanted = [ASSERTED_GRAPH, INFERRED_GRAPH] if include_inferred else [ASSERTED_GRAPH]
    return [str(g) for g in wanted if str(g) in held]


def read_store(store: Store, include_inferred: bool = True) -> list[ox.Quad]:
    """Every quad of the build's graphs as the store answers them, canonical and sorted.

    A server's literals may not be the build's: Oxigraph and Virtuoso store
    "2"^^xsd:nonNegativeInteger as xsd:integer (oxigraph/oxigraph#526,
    openlink/virtuoso-opensource#193), so the project's own build is read from its files."""
    dataset = ox.Dataset()
    for graph in exported_graphs(store, include_inferred):
        name = ox.NamedNode(graph)
        for s, p, o in store.construct(ALL_TRIPLES, dataset=QueryDataset((graph,))):
            dataset.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name))  # type: ignore[arg-type]
    return canonical(dataset)


def read_build(project: Project, include_inferred: bool = True) -> list[ox.Quad]:
    """The build's Turtle files, each into its graph: exactly what the build wrote."""
    dataset = ox.Dataset()
    files = [(project.graph_file, ASSERTED_GRAPH)]
    if include_inferred and project.inferred_file.is_file():
        files.append((project.inferred_file, INFERRED_GRAPH))
    for path, graph in files:
        name = ox.NamedNode(str(graph))
        # Two files' `_:b0` are two nodes: each file's blank nodes are renamed apart.
        for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True):
            dataset.add(ox.Quad(quad.subject, quad.predicate, quad.object, name))
    return canonical(dataset)


def read_dataset(project: Project, store: Store, include_inferred: bool = True) -> list[ox.Quad]:
    """The project's build from its files when the store is the project's own (which
    `require_build` has checked holds that build), else what the store answers."""
    if store.descriptor in (project.default_store, "memory:"):
        return read_build(project, include_inferred)
    return read_store(store, include_inferred)


def canonical(dataset: ox.Dataset) -> list[ox.Quad]:
    """Blank nodes named by RDFC-1.0, quads sorted: the bytes depend on the graph alone."""
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=_quad_key)


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def as_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The union of the graphs, each triple once, in order."""
    triples = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _types_as_keyword(nodes: list[dict[str, Any]]) -> None:
    """rdf:type as `@type`, as the JSON-LD API's fromRdf does by default (useRdfType
    false); pyoxigraph keeps it a property, which compaction would keep as `rdf:type`."""
    for node in nodes:
        if "@graph" in node:
            _types_as_keyword(node["@graph"])
        types = node.get(RDF_TYPE)
        if types and all(set(value) == {"@id"} for value in types):
            node["@type"] = [value["@id"] for value in types]
            del node[RDF_TYPE]


def compact_jsonld(quads: list[ox.Quad], context: dict[str, Any]) -> bytes:
    """Compacted JSON-LD with the context inlined, so it opens offline and needs no fetch."""
    from pyld import jsonld

    expanded = json.loads(ox.serialize(quads, format=ox.RdfFormat.JSON_LD))
    _types_as_keyword(expanded)
    compacted = jsonld.compact(expanded, {"@context": context}, {"skipExpansion": True})
    if "@id" in compacted:  # one named graph compacts to a top-level object: keep one shape
        compacted = {"@context": compacted.pop("@context"), "@graph": [compacted]}
    return (json.dumps(compacted, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def serialise(quads: list[ox.Quad], fmt: str, context: dict[str, Any]) -> bytes:
    """The quads in one of RDF_EXPORTS."""
    export = RDF_EXPORTS[fmt]
    if fmt == "jsonld":
        return compact_jsonld(quads, context)
    data: list[ox.Quad] | list[ox.Triple] = quads if export.keeps_graphs else as_triples(quads)
    return ox.serialize(
        data,
        format=export.rdf,
        prefixes=turtle_prefixes(quads, context_prefixes(context), export.keeps_graphs),
    )


def turtle_prefixes(quads: list[ox.Quad], prefixes: dict[str, str], graphs: bool) -> dict[str, str]:
    """The prefixes the quads use, less those some local name would need `\\/` in
    (`id:concept\\/trust`): Virtuoso reads that escape wrongly (DESIGN.md), so such IRIs
    are written in full, as the build writes them."""
    iris: set[str] = set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name if graphs else None):
            if isinstance(term, ox.Literal):
                term = term.datatype
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
    used: set[str] = set()
    slashed: set[str] = set()
    for value in iris:
        for name, iri in prefixes.items():
            if value.startswith(iri):
                used.add(name)
                if "/" in value[len(iri) :]:
                    slashed.add(name)
    return {name: prefixes[name] for name in sorted(used - slashed)}


def export_graph(
    store: Store,
    project: Project,
    fmt: str,
    include_inferred: bool = True,
    on_step: Callable[[str], None] = lambda _name: None,
) -> bytes:
    """The whole built graph in `fmt` (see RDF_EXPORTS)."""
    if fmt not in RDF_EXPORTS:
        raise ExportError(f"unknown RDF format '{fmt}' — use one of {', '.join(RDF_EXPORTS)}")
    context = load_context(project)
    on_step("read the graph")
    quads = read_dataset(project, store, include_inferred)
    on_step(f"write {fmt}")
    return serialise(quads, fmt, context)


def export_qda(store: Store, project: Project, fmt: str, out: Path | None, texts: Path | None) -> None:
    """REFI-QDA codebook or project (helper module `refi_qda`), which are files, not streams."""
    if out is None:
        raise ExportError(f"--format {fmt} writes a file: give -o FILE.{fmt}")
    from .refi_qda import write_codebook, write_project

    if fmt == "qdc":
        write_codebook(project, store, out)
        return
    if texts is None:
        raise ExportError("--format qdpx holds the reviewed documents' texts: give --texts DIR")
    write_project(project, store, texts, out)
