"""`partnergraph reason`: HermiT where it is strong, SPARQL rules where it is slow.

HermiT (through owlready2, on Java) checks that the ontology and the concept scheme
are consistent, classifies them, and fills symmetric and inverse links and the
existentially defined classes over concepts. The claim-level defined classes, above
all those that count ("backed by two or more reviewed documents"), are computed by
the SPARQL rules in `ontology/rules/`, each of which states the OWL definition it
implements: HermiT needs all individuals declared different to count, and took 237 s
at 2,000 individuals in our measurements (DESIGN.md), while the rules take
milliseconds on the embedded store.

Everything inferred is written to `build/inferred.ttl` and into the store's inferred
graph, never mixed into the asserted graph, so queries can leave it out.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .build import write_atomically
from .compiler import ntriples_lines, turtle_from_lines
from .errors import PartnergraphError, StoreError
from .namespaces import ID, INFERRED_GRAPH, PG, sparql_prologue
from .project import Project
from .stores import Store

JAVA_HINT = (
    "HermiT needs a Java runtime (11 or newer) on PATH: install one, e.g. "
    "`apt-get install default-jre-headless` on Debian/Ubuntu or `brew install openjdk` on macOS; "
    "every other partnergraph command works without it"
)
SKIPPED = (str(ID["claim/"]), str(ID["work/"]))
RDF_TYPE = ox.NamedNode(str(RDF.type))


class ReasoningUnavailable(PartnergraphError):
    """No Java runtime: HermiT cannot run."""


class InconsistentGraph(PartnergraphError):
    """HermiT found the graph inconsistent; the message names the culprits it could find."""


@dataclass
class ReasoningReport:
    inferred_file: Path
    hermit_triples: int
    rule_triples: int
    total: int
    by_class: dict[str, int]
    seconds: dict[str, float]
    hermit_input_triples: int

    def lines(self) -> list[str]:
        out = [
            f"inferred {self.total} triples -> {self.inferred_file} and the store's inferred graph",
            f"  HermiT: consistent; {self.hermit_triples} triples inferred "
            f"from {self.hermit_input_triples} (the ontology and the concept scheme)",
            f"  SPARQL rules: {self.rule_triples} triples",
        ]
        out += [f"  {name}: {count}" for name, count in sorted(self.by_class.items())]
        out.append("  time: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.seconds.items()))
        return out


def java_executable() -> str:
    java = shutil.which("java")
    if java is None:
        raise ReasoningUnavailable(f"cannot run HermiT: no `java` found. {JAVA_HINT}")
    return java


def as_rdflib(triples: list[ox.Triple]) -> Graph:
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


HERMIT_INPUT = (  # the OWL axioms' blank nodes have no STR() to test: they are kept
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || !("
    + " || ".join(f'STRSTARTS(STR(?s), "{prefix}")' for prefix in SKIPPED)
    + ")) }"
)


def hermit_input(graph: ox.Store) -> list[ox.Triple]:
    """The TBox and the concept scheme: what HermiT is fast and useful on.

    Claims, their anchors and the works are left out: the defined classes over them
    are the rules' job, and hundreds of extra individuals only slow HermiT down. The
    filter runs inside Oxigraph: a Python loop over every quad took seconds at 100,000 claims.
    """
    return list(graph.query(HERMIT_INPUT))


def _interesting(triple: tuple) -> bool:
    """Keep facts about our individuals in our and SKOS's terms, not OWL bookkeeping."""
    s, p, o = triple
    if not isinstance(s, URIRef) or not str(s).startswith(str(ID)):
        return False
    if p == RDF.type:
        return isinstance(o, URIRef) and o not in {OWL.NamedIndividual, OWL.Thing, RDFS.Resource}
    return isinstance(o, URIRef) and p != OWL.sameAs


def run_hermit(graph: ox.Store) -> tuple[Graph, int]:
    """Consistency, classification and property characteristics by HermiT; returns the
    inferred triples and the size of HermiT's input."""
    import owlready2

    java = java_executable()
    owlready2.JAVA_EXE = java
    triples = hermit_input(graph)
    subset = as_rdflib(triples)
    with tempfile.TemporaryDirectory(prefix="partnergraph-hermit-") as tmp:
        path = Path(tmp) / "input.nt"
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with ontology:
                owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            raise InconsistentGraph(explain_inconsistency(graph, str(exc))) from exc
        except (owlready2.OwlReadyJavaError, OSError) as exc:
            raise ReasoningUnavailable(f"HermiT could not run: {exc}. {JAVA_HINT}") from exc
        after = world.as_rdflib_graph()
        inferred = Graph()
        for triple in after:
            if triple not in subset and _interesting(triple):
                inferred.add(triple)
        world.close()
    return inferred, len(subset)


DISJOINT_TYPES = """
SELECT DISTINCT ?x ?a ?b WHERE {
  ?x a ?ta , ?tb .
  ?ta rdfs:subClassOf* ?a . ?tb rdfs:subClassOf* ?b .
  { ?a owl:disjointWith ?b } UNION { ?b owl:disjointWith ?a }
  FILTER(STR(?a) < STR(?b))
} ORDER BY ?x
"""
FUNCTIONAL_CLASH = """
SELECT DISTINCT ?x ?p ?v ?w WHERE {
  ?p a owl:FunctionalProperty .
  ?x ?p ?v , ?w .
  ?d a owl:AllDifferent ; owl:distinctMembers ?list .
  ?list rdf:rest*/rdf:first ?v . ?list rdf:rest*/rdf:first ?w .
  FILTER(STR(?v) < STR(?w))
} ORDER BY ?x
"""


def explain_inconsistency(store: ox.Store, hermit_message: str) -> str:
    """Name the individuals that break an axiom, for the common ways a corpus does."""
    lines = ["HermiT found the graph inconsistent."]
    for row in store.query(sparql_prologue() + DISJOINT_TYPES):
        lines.append(
            f"  {row['x'].value} is both a {row['a'].value} and a {row['b'].value}, "
            "which the ontology declares disjoint"
        )
    for row in store.query(sparql_prologue() + FUNCTIONAL_CLASH):
        lines.append(
            f"  {row['x'].value} has two values of the functional property {row['p'].value}: "
            f"{row['v'].value} and {row['w'].value}"
        )
    if len(lines) == 1:
        lines.append(f"  HermiT said: {hermit_message.strip()[:1500]}")
    lines.append("Fix the corpus or the ontology, run `partnergraph build`, then `reason` again.")
    return "\n".join(lines)


def rule_files(project: Project) -> list[Path]:
    return sorted((project.ontology_dir / "rules").glob("*.rq"))


def add_new(store: ox.Store, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Add to the default graph what it does not hold yet; return those triples, once each."""
    new = list(dict.fromkeys(t for t in triples if ox.Quad(t.subject, t.predicate, t.object) not in store))
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in new)
    return new


def run_rules(store: ox.Store, project: Project) -> list[ox.Triple]:
    """Apply the rules in order, each seeing what the earlier ones inferred; returns
    only triples the store did not already hold."""
    inferred: list[ox.Triple] = []
    for path in rule_files(project):
        inferred += add_new(store, store.query(sparql_prologue() + path.read_text(encoding="utf-8")))
    return inferred


def inferred_turtle(triples: list[ox.Triple]) -> bytes:
    """The build's deterministic Turtle (sorted N-Triples written by Oxigraph), made without
    rdflib: parsing 350,000 inferred triples into rdflib and out again took most of a minute."""
    lines = ntriples_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"))
    iris = {term.value for t in triples for term in t if isinstance(term, ox.NamedNode)}
    return turtle_from_lines(lines, iris)


def count_by_class(triples: list[ox.Triple]) -> dict[str, int]:
    """Inferred memberships of our classes, by local name."""
    counts = Counter(
        t.object.value[len(str(PG)) :]
        for t in triples
        if t.predicate == RDF_TYPE
        and isinstance(t.object, ox.NamedNode)
        and t.object.value.startswith(str(PG))
    )
    return dict(counts)


def reason(
    project: Project, store: Store | None = None, on_step: Callable[[str], None] | None = None
) -> ReasoningReport:
    """Infer over the last build; write `build/inferred.ttl` and load it into `store`."""
    step = on_step or (lambda _name: None)
    if not project.graph_file.is_file():
        raise StoreError(
            f"{project.relative(project.graph_file)} does not exist: run `partnergraph build` first"
        )
    seconds: dict[str, float] = {}
    step("read the build")
    start = time.perf_counter()
    graph = ox.Store()
    graph.bulk_load(path=str(project.graph_file), format=ox.RdfFormat.TURTLE)
    seconds["read"] = time.perf_counter() - start

    step("HermiT")
    start = time.perf_counter()
    hermit, hermit_input_size = run_hermit(graph)
    seconds["HermiT"] = time.perf_counter() - start

    step("SPARQL rules")
    start = time.perf_counter()
    hermit_nt = hermit.serialize(format="nt", encoding="utf-8")
    hermit_new = add_new(graph, (quad.triple for quad in ox.parse(hermit_nt, ox.RdfFormat.N_TRIPLES)))
    rules = run_rules(graph, project)
    seconds["rules"] = time.perf_counter() - start

    start = time.perf_counter()
    inferred = hermit_new + rules
    write_atomically(project.inferred_file, inferred_turtle(inferred))
    seconds["write"] = time.perf_counter() - start
    if store is not None:
        step("load the store")
        start = time.perf_counter()
        store.replace_graph(INFERRED_GRAPH, project.inferred_file)
        seconds["load"] = time.perf_counter() - start

    return ReasoningReport(
        project.inferred_file,
        hermit_triples=len(hermit_new),
        rule_triples=len(rules),
        total=len(inferred),
        by_class=count_by_class(inferred),
        seconds=seconds,
        hermit_input_triples=hermit_input_size,
    )
