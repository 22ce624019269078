"""`partnergraph validate`: the SHACL shapes over the compiled graph, in the researcher's terms.

pySHACL reports focus nodes as IRIs; each is traced back to the file and line it
was written at, so a violation reads like a build error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pyshacl import validate as shacl_validate
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
from .stores.base import from_rdflib


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


def shacl_violations(graph: Graph, shapes: Graph, ontology: Graph, where: dict) -> list[Violation]:
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
                severity=one(SH.resultSeverity).removeprefix("sh:").removeprefix(str(SH)),
                value=one(SH.value),
                origin=where.get(focus),
            )
        )
    return sorted(violations, key=lambda v: (v.origin.path if v.origin else "", v.focus, v.path))


def graph_violations(project: Project, sources: Sources, graph: Graph) -> list[Violation]:
    """The SHACL shapes over a compiled graph; `validate` and `build` both ask this."""
    problems: list[SourceProblem] = []
    shapes = load_turtle(project.shapes_file, project.relative(project.shapes_file), problems)
    if problems:
        raise InputError(problems)
    return shacl_violations(graph, shapes, sources.ontology, origins(sources))


def validate_project(project: Project, on_step: Callable[[str], None] | None = None) -> list[Violation]:
    """Referential checks (raising `InputError`) and then the SHACL shapes."""
    step = on_step or (lambda _name: None)
    step("read and check references")
    sources = load_sources(project)
    step("compile")
    graph = compile_graph(sources.ontology, sources.corpus, sources.works)
    step("SHACL shapes")
    return graph_violations(project, sources, graph)
