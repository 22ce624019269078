"""`partnergraph validate`: the SHACL shapes over the compiled graph, in the researcher's terms.

pySHACL reports focus nodes as IRIs; each is traced back to the file and line it
was written at, so a violation reads like a build error.

`validate` runs pySHACL. `build` runs the same shapes as SPARQL queries on the store it
has just loaded (`shapes_sparql`; pySHACL took minutes and gigabytes at 100,000 claims),
and pySHACL only when the shapes use something the translation does not cover; both
give the same `Violation`s (tests/test_build_speed_paths.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .build import Sources, load_sources
from .compiler import compile_graph
from .corpus import Origin
from .errors import InputError, SourceProblem
from .namespaces import claim_iri, concept_iri, work_iri
from .ontology import load_turtle
from .output import compact
from .project import Project
from .shapes_sparql import ShapeQuery, Unsupported, translate
from .stores.base import Term, from_rdflib


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    severity: str
    value: str
    origin: Origin | None

    def __str__(self) -> str:
        where = f"{self.origin.path} line {self.origin.line}: " if self.origin else ""
        value = f" (value: {self.value})" if self.value else ""
        return f"{where}{self.severity} on {self.focus}, {self.path}: {self.message}{value}"


def origins(sources: Sources) -> dict[URIRef, Origin]:
    """Where each node of the graph was written."""
    index: dict[URIRef, Origin] = {work_iri(w.key): w.origin for w in sources.works}
    index.update({concept_iri(c.slug): c.origin for c in sources.corpus.concepts})
    for doc, claim in sources.corpus.claims:
        index[claim_iri(doc.document, claim.id)] = claim.origin
    return index


def severity_name(term: Term | None) -> str:
    """sh:Violation -> 'Violation'."""
    return compact(term).removeprefix("sh:").removeprefix(str(SH))


def in_order(violations: list[Violation]) -> list[Violation]:
    """By file, focus node and path, then message and value, so that the order never
    depends on which checker found them or in what order."""
    return sorted(
        violations,
        key=lambda v: (v.origin.path if v.origin else "", v.focus, v.path, v.message, v.value, v.severity),
    )


def shacl_violations(graph: Graph, shapes: Graph, ontology: Graph, where: dict) -> list[Violation]:
    from pyshacl import validate as shacl_validate  # a second of imports the build's own check does without

    _conforms, report, _text = shacl_validate(
        graph, shacl_graph=shapes, ont_graph=ontology, inference="none", allow_warnings=True
    )
    violations = []
    for result in report.subjects(SH.resultSeverity, None):

        def one(predicate: URIRef, node: URIRef = result) -> str:
            value = report.value(node, predicate)
            return compact(from_rdflib(value)) if value is not None else ""

        focus = report.value(result, SH.focusNode)
        violations.append(
            Violation(
                focus=one(SH.focusNode),
                path=one(SH.resultPath),
                message=str(report.value(result, SH.resultMessage) or ""),
                severity=severity_name(from_rdflib(report.value(result, SH.resultSeverity))),
                value=one(SH.value),
                origin=where.get(focus),
            )
        )
    return in_order(violations)


def sparql_violations(
    queries: Sequence[ShapeQuery],
    answers: Sequence[Sequence[Sequence[Term | None]]],
    where: Callable[[], dict],
) -> list[Violation]:
    """The rows of `shapes_sparql`'s queries as pySHACL would report them: one violation
    per failed constraint and value (a count's without a value), each with the shape's
    own message. `where` (the origin of every node) is only asked for when one failed."""
    found: list[tuple[ShapeQuery, Term, Term | None]] = []
    for query, rows in zip(queries, answers, strict=True):
        for focus, value, *oks in rows:
            if query.kind == "values":
                found += [(query, focus, value) for ok in oks if ok is None or ok.value != "true"]
            else:
                found.append((query, focus, value if query.kind == "class" else None))  # type: ignore[arg-type]
    if not found:
        return []
    origin_of = where()
    return in_order(
        [
            Violation(
                focus=compact(focus),
                path=compact(Term("iri", query.path)),
                message=query.message,
                severity=severity_name(Term("iri", query.severity)),
                value=compact(value),
                origin=origin_of.get(URIRef(focus.value)) if focus.kind == "iri" else None,
            )
            for query, focus, value in found
        ]
    )


def shapes_graph(project: Project) -> Graph:
    problems: list[SourceProblem] = []
    shapes = load_turtle(project.shapes_file, project.relative(project.shapes_file), problems)
    if problems:
        raise InputError(problems)
    return shapes


def shape_queries(project: Project) -> tuple[list[ShapeQuery] | None, str]:
    """The project's shapes as SPARQL queries, or None and why pySHACL must check them."""
    try:
        return translate(shapes_graph(project)), ""
    except Unsupported as exc:
        return None, str(exc)


def graph_violations(project: Project, sources: Sources, graph: Graph) -> list[Violation]:
    """pySHACL over a compiled graph: `validate`, and `build` when the shapes need it."""
    return shacl_violations(graph, shapes_graph(project), sources.ontology, origins(sources))


def validate_project(project: Project, on_step: Callable[[str], None] | None = None) -> list[Violation]:
    """Referential checks (raising `InputError`) and then the SHACL shapes."""
    step = on_step or (lambda _name: None)
    step("read and check references")
    sources = load_sources(project)
    step("compile")
    graph = compile_graph(sources.ontology, sources.corpus, sources.works)
    step("SHACL shapes")
    return graph_violations(project, sources, graph)
