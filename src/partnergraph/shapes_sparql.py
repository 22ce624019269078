"""The SHACL shapes as SPARQL queries, for the build to run on the store it has just loaded.

pySHACL checks a 2-million-triple graph in rdflib for many minutes and gigabytes. The
shapes of `ontology/shapes.ttl` use only SHACL Core's simplest parts — class targets and
property shapes on one predicate with counts, datatypes, classes, lists of allowed
values, patterns, languages, lengths and numeric bounds — and each of these is defined
by the SHACL recommendation in SPARQL terms, so each property shape becomes one or two
queries that Oxigraph answers in seconds on the freshly loaded store (before it is
swapped in). A query's rows are the violations, in pySHACL's words: focus node, path,
value and the shape's own message.

Anything else a shapes file may say (other targets or constraints, paths that are not a
single predicate, a property shape without its own `sh:message`, whose wording pySHACL
would make up) makes `translate` return the reason, and the build falls back to pySHACL
for the whole file — nothing is skipped in silence. tests/test_build_speed_paths.py
checks the two agree on graphs built to break every constraint used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

SH = Namespace("http://www.w3.org/ns/shacl#")
PROLOGUE = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)

# Datatypes whose well-formed lexical forms we can tell in SPARQL (pySHACL reports an
# ill-formed "abc"^^xsd:integer as a violation of sh:datatype too).
WELL_FORMED = {
    XSD.string: "true",
    XSD.integer: 'REGEX(?text, "^[+-]?[0-9]+$")',
    XSD.boolean: 'REGEX(?text, "^(true|false|1|0)$")',
}
NUMERIC = {XSD.integer, XSD.decimal, XSD.double, XSD.float}
BOUNDS = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
VALUE_COMPONENTS = {SH.datatype, SH["class"], SH["in"], SH.languageIn, SH.pattern, SH.minLength, SH.maxLength}
COUNT_COMPONENTS = {SH.minCount, SH.maxCount}
# Said about a shape but not checked: names, labels, ordering, documentation.
DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, RDFS.label, RDFS.comment, RDF.type}
NODE_SHAPE_KEYS = {SH.targetClass, SH.property} | DESCRIPTIVE
PROPERTY_SHAPE_KEYS = (
    {SH.path, SH.message, SH.severity} | VALUE_COMPONENTS | COUNT_COMPONENTS | set(BOUNDS) | DESCRIPTIVE
)
# A pattern Rust's regex and Python's re read alike: no flags, look-arounds or back-references.
_UNPORTABLE_PATTERN = re.compile(r"\(\?|\\[1-9]|\\[pPk]")


class Unsupported(Exception):
    """A part of the shapes the translation does not cover: pySHACL must check them."""


@dataclass(frozen=True)
class ShapeQuery:
    """One query for one property shape, of one of three kinds, by its rows:

    - `values`: ?focus ?value and one boolean per value constraint, false where violated;
    - `class`: ?focus ?value, each a value that is no instance of the class;
    - `min-count`, `max-count`: ?focus ?count, too few values (unbound for none) or too many.
    """

    sparql: str
    kind: str
    path: str
    message: str
    severity: str


def _term(node: URIRef | Literal) -> str:
    return node.n3()


def _one(shapes: Graph, node: URIRef | BNode, predicate: URIRef, what: str) -> URIRef | Literal | None:
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise Unsupported(f"{what} has {len(values)} values of {shapes.qname(predicate)}")
    return values[0] if values else None  # type: ignore[return-value]


def _integer(value: object, what: str) -> int:
    if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
        raise Unsupported(f"{what} is not a whole number")
    return int(value.toPython())


def _members(shapes: Graph, head: object, what: str) -> list[URIRef | Literal]:
    if not isinstance(head, BNode | URIRef):
        raise Unsupported(f"{what} is not an RDF list")
    return list(Collection(shapes, head))  # type: ignore[arg-type]


def _targets(classes: Iterable[URIRef]) -> str:
    """The focus nodes: instances of the target classes or of their subclasses."""
    union = " UNION ".join(f"{{ ?focus rdf:type/rdfs:subClassOf* {_term(c)} }}" for c in classes)
    return f"{{ SELECT DISTINCT ?focus WHERE {{ {union} }} }}"


def _value_condition(shapes: Graph, shape: URIRef | BNode, component: URIRef, value: object) -> str:
    """The SPARQL expression that is true when ?value satisfies the constraint."""
    what = f"the shape's {shapes.qname(component)}"
    if component == SH.datatype:
        if value not in WELL_FORMED:
            raise Unsupported(f"{what} {value} (only {', '.join(map(str, WELL_FORMED))})")
        return f"isLiteral(?value) && sameTerm(DATATYPE(?value), {_term(value)}) && {WELL_FORMED[value]}"  # type: ignore[index,arg-type]
    if component == SH["in"]:
        allowed = _members(shapes, value, what)
        return (
            "(" + " || ".join(f"sameTerm(?value, {_term(v)})" for v in allowed) + ")" if allowed else "false"
        )
    if component == SH.languageIn:
        tags = _members(shapes, value, what)
        if not all(isinstance(t, Literal) for t in tags):
            raise Unsupported(f"{what} holds something other than language tags")
        matches = " || ".join(f"langMatches(LANG(?value), {_term(Literal(str(t)))})" for t in tags)
        return f"isLiteral(?value) && ({matches or 'false'})"
    if component == SH.pattern:
        if (
            not isinstance(value, Literal)
            or _UNPORTABLE_PATTERN.search(str(value))
            or (shape, SH.flags, None) in shapes
        ):
            raise Unsupported(f"{what} {value!s} (flags, look-arounds or back-references)")
        return f"REGEX(?text, {_term(Literal(str(value)))})"  # ?text: STR(?value), unbound for a blank node
    if component in (SH.minLength, SH.maxLength):
        bound = _integer(value, what)
        operator = ">=" if component == SH.minLength else "<="
        return f"STRLEN(?text) {operator} {bound}"
    if component in BOUNDS:
        if not isinstance(value, Literal) or value.datatype not in NUMERIC:
            raise Unsupported(f"{what} {value} is not a number")
        return f"isLiteral(?value) && ?value {BOUNDS[component]} {_term(value)}"  # type: ignore[index]
    raise Unsupported(f"{what}")  # pragma: no cover - the callers only pass the components above


def _property_queries(shapes: Graph, shape: URIRef | BNode, targets: str) -> Iterator[ShapeQuery]:
    what = "a property shape"
    for predicate in set(shapes.predicates(shape)) - PROPERTY_SHAPE_KEYS:
        raise Unsupported(f"{what} uses {shapes.qname(predicate)}")
    path = _one(shapes, shape, SH.path, what)
    if not isinstance(path, URIRef):
        raise Unsupported(f"{what} has a path that is not a single predicate: {path}")
    message = _one(shapes, shape, SH.message, what)
    if not isinstance(message, Literal):
        raise Unsupported(f"the property shape on {shapes.qname(path)} has no sh:message of its own")
    severity = _one(shapes, shape, SH.severity, what) or SH.Violation
    if severity not in (SH.Violation, SH.Warning, SH.Info):
        raise Unsupported(f"{what} has the severity {severity}")
    common = {"path": str(path), "message": str(message), "severity": str(severity)}
    step = f"?focus {_term(path)} ?value"

    # Each query first scans the predicate's triples (one pass over an index) and only
    # then keeps the target nodes: looking up each target's values one by one took
    # several times longer.
    columns = [
        _value_condition(shapes, shape, component, value)
        for component in sorted(VALUE_COMPONENTS - {SH["class"]} | set(BOUNDS))
        for value in sorted(shapes.objects(shape, component))
    ]
    if columns:
        binds = " ".join(f"BIND(COALESCE({c}, false) AS ?ok{i})" for i, c in enumerate(columns))
        failed = " || ".join(f"!?ok{i}" for i in range(len(columns)))
        oks = " ".join(f"?ok{i}" for i in range(len(columns)))
        checked = f"{step} . BIND(STR(?value) AS ?text) {binds} FILTER({failed})"
        found = f"SELECT ?focus ?value {oks} WHERE {{ {checked} }}"
        sparql = f"{PROLOGUE}SELECT ?focus ?value {oks} WHERE {{ {{ {found} }} {targets} }}"
        yield ShapeQuery(sparql, "values", **common)
    for cls in sorted(shapes.objects(shape, SH["class"])):
        if not isinstance(cls, URIRef):
            raise Unsupported(f"{what} has an sh:class that is not an IRI")
        # MINUS subtracts the class's instances once; a per-value EXISTS took ten times longer.
        instances = f"?value rdf:type/rdfs:subClassOf* {_term(cls)}"
        found = f"SELECT ?focus ?value WHERE {{ {step} MINUS {{ {instances} }} }}"
        yield ShapeQuery(
            f"{PROLOGUE}SELECT ?focus ?value WHERE {{ {{ {found} }} {targets} }}", "class", **common
        )

    # COUNT(*) counts distinct values: the queries read one graph, which holds no duplicates.
    counted = f"SELECT ?focus (COUNT(*) AS ?count) WHERE {{ {step} }} GROUP BY ?focus"
    low = _one(shapes, shape, SH.minCount, what)
    if low is not None:
        bound = _integer(low, "sh:minCount")
        few = f"OPTIONAL {{ {counted} }} FILTER(COALESCE(?count, 0) < {bound})"
        if bound == 1:  # "none at all": MINUS took half the time of counting, at 100,000 claims
            few = f"MINUS {{ {step} }}"
        yield ShapeQuery(f"{PROLOGUE}SELECT ?focus ?count WHERE {{ {targets} {few} }}", "min-count", **common)
    high = _one(shapes, shape, SH.maxCount, what)
    if high is not None:
        bound = _integer(high, "sh:maxCount")
        many = f"{{ {counted} HAVING (COUNT(*) > {bound}) }}"
        yield ShapeQuery(
            f"{PROLOGUE}SELECT ?focus ?count WHERE {{ {many} {targets} }}", "max-count", **common
        )


def node_shapes(shapes: Graph) -> set[URIRef | BNode]:
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    for key in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.property):
        found |= set(shapes.subjects(key, None))
    return found  # type: ignore[return-value]


def translate(shapes: Graph) -> list[ShapeQuery]:
    """Every check of the shapes graph as queries; raise `Unsupported` naming what is not
    covered, so that the caller runs pySHACL instead."""
    queries: list[ShapeQuery] = []
    property_shapes: set[object] = set()
    list_nodes = set(shapes.subjects(RDF.first, None))
    nodes = node_shapes(shapes)
    for shape in sorted(nodes, key=str):
        name = shapes.qname(shape) if isinstance(shape, URIRef) else "a node shape"
        for predicate in set(shapes.predicates(shape)) - NODE_SHAPE_KEYS:
            raise Unsupported(f"{name} uses {shapes.qname(predicate)}")
        if (shape, RDF.type, RDFS.Class) in shapes:
            raise Unsupported(f"{name} is also a class (an implicit target)")
        classes = sorted(shapes.objects(shape, SH.targetClass))
        if not all(isinstance(c, URIRef) for c in classes):
            raise Unsupported(f"{name} targets a class that is not an IRI")
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            property_shapes.add(prop)
            if classes:
                queries += _property_queries(shapes, prop, _targets(classes))  # type: ignore[arg-type]
    for subject, predicate in shapes.subject_predicates(None):
        in_sh = str(predicate).startswith(str(SH))
        known = subject in property_shapes or subject in list_nodes or subject in nodes
        if in_sh and not known:
            raise Unsupported(f"{subject} uses {shapes.qname(predicate)} outside a node or property shape")
    return queries
