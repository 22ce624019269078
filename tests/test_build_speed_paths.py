"""The build's fast paths agree with the slow ones they replaced (issue 16).

- The compiler writes N-Triples terms itself; they must be rdflib's, byte for byte,
  because the sorted lines give the Turtle file its order.
- `build` checks the SHACL shapes by SPARQL on the store it has loaded; its violations
  must be pySHACL's, on the mini project broken as the bad-input tests break it and on
  a graph made to break every constraint the shapes use.
- Shapes the translation does not cover go to pySHACL, never skipped.
- A refused build leaves neither the staged store nor a scratch store behind.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib import namespace as vocabularies
from rdflib.plugins.serializers.nt import _quoteLiteral

from hostile import make_hostile, make_hostile_exports
from partnergraph import Project, build
from partnergraph.build import load_sources
from partnergraph.compiler import compile_graph, compile_turtle, english, serialize_turtle, text, typed
from partnergraph.errors import InputError
from partnergraph.namespaces import ASSERTED_GRAPH, BIBO, OA, PG, claim_iri, concept_iri, work_iri
from partnergraph.shapes_sparql import Unsupported, translate
from partnergraph.stores.oxigraph_loader import run_checks
from partnergraph.stores.oxigraph_store import decode
from partnergraph.validation import Violation, graph_violations, origins, shacl_violations, sparql_violations

REPO = Path(__file__).parent.parent
RDF, SKOS = vocabularies.RDF, vocabularies.SKOS
XSD = Namespace(str(vocabularies.XSD))  # plain: pytest's probes make rdflib's XSD warn
SHAPES = Graph().parse(REPO / "ontology" / "shapes.ttl")
ONTOLOGY = Graph().parse(REPO / "ontology" / "partnergraph.ttl")
DCTERMS_TITLE = URIRef("http://purl.org/dc/terms/title")

TRICKY = [
    "plain",
    'a "quoted" word',
    "back\\slash \\n not a newline",
    "line\nbreak and\r\ncarriage return",
    "tab\there, bell\x07, escape\x1b, vertical\x0btab",
    "line\u2028separator and next\x85line",
    "ünïcödé – “curly” 😀",
    "<!--<script>alert(1)</script>",
    "",
]


@pytest.mark.parametrize("value", TRICKY)
def test_compiler_terms_are_rdflibs(value: str) -> None:
    assert text(value) == _quoteLiteral(Literal(value))
    assert english(value) == _quoteLiteral(Literal(value, lang="en"))
    assert typed(value, str(XSD.gYear)) == _quoteLiteral(Literal(value, datatype=XSD.gYear))
    assert typed(42, str(XSD.integer)) == _quoteLiteral(Literal(42))


def oxigraph_term(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))  # the same label, so that values compare with pySHACL's
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


def by_sparql(data: Graph, shapes: Graph, where: dict) -> list[Violation]:
    """What the build's check finds: the queries on an Oxigraph store holding `data`."""
    store = ox.Store()
    graph = ox.NamedNode(str(ASSERTED_GRAPH))
    store.extend([ox.Quad(*(oxigraph_term(t) for t in triple), graph) for triple in data])  # type: ignore[misc]
    queries = translate(shapes)
    answers = run_checks(store, str(ASSERTED_GRAPH), [q.sparql for q in queries])
    rows = [[[decode(term) for term in row] for row in answer] for answer in answers]
    return sparql_violations(queries, rows, lambda: where)


def breaks_everything() -> Graph:
    """Every constraint component of ontology/shapes.ttl broken at least once, with the
    edge cases of each: literals where nodes belong, blank nodes where text belongs,
    wrong datatypes, ill-typed numbers, other languages, instances of subclasses."""
    g = Graph()
    g += ONTOLOGY
    blank = BNode("blank1")
    w1, w2, w3, doc, plain = (work_iri(k) for k in ("w1", "w2", "w3", "doc", "plain"))
    for work in (w1, w2, w3):
        g.add((work, RDF.type, PG.Work))
    g.add((doc, RDF.type, PG.ReviewedDocument))  # a Work by subclass, without a title
    g.add((doc, PG.citeKey, Literal("doc")))
    g.add((plain, RDF.type, BIBO.Document))  # not a pg:Work
    # w1: no cite key, two titles, a DOI as a URL, endnotes negative, textual and twice
    g.add((w1, DCTERMS_TITLE, Literal("One")))
    g.add((w1, DCTERMS_TITLE, Literal("Two")))
    g.add((w1, BIBO.doi, Literal("https://doi.org/10.1/x")))
    g.add((w1, PG.endnoteNumber, Literal(-1)))
    g.add((w1, PG.endnoteNumber, Literal("3")))
    # w2: a key with a space and a tagged key; a DOI that is an IRI, another a blank node
    g.add((w2, PG.citeKey, Literal("bad key")))
    g.add((w2, PG.citeKey, Literal("w2", lang="en")))
    g.add((w2, BIBO.doi, URIRef("http://example.org/10.1")))
    g.add((w2, BIBO.doi, blank))
    g.add((blank, RDF.value, Literal("10.1/in a blank node")))
    # w3: an ill-typed endnote and a decimal one
    g.add((w3, PG.citeKey, Literal("w3")))
    g.add((w3, PG.endnoteNumber, Literal("abc", datatype=XSD.integer)))
    g.add((w3, PG.endnoteNumber, Literal("2.5", datatype=XSD.decimal)))

    c1, c2, c3, sf, theory = (concept_iri(s) for s in ("c1", "c2", "c3", "sf", "theory"))
    g.add((c1, RDF.type, SKOS.Concept))  # no scheme, an untagged label
    g.add((c1, SKOS.prefLabel, Literal("untagged")))
    g.add((c1, SKOS.broader, plain))
    g.add((c1, PG.counterpart, c2))
    g.add((c1, PG.counterpart, Literal("c3")))
    for concept in (c2, c3):
        g.add((concept, RDF.type, PG.Barrier))  # a skos:Concept by subclass
        g.add((concept, SKOS.inScheme, URIRef("https://w3id.org/partnergraph/id/scheme")))
    g.add((c2, SKOS.prefLabel, Literal("British", lang="en-GB")))  # en-GB matches "en"
    g.add((c2, SKOS.prefLabel, Literal("français", lang="fr")))
    g.add((c2, PG.counterpart, c3))  # a barrier paired with a barrier
    g.add((c3, SKOS.prefLabel, Literal("Shouting", lang="EN")))
    g.add((sf, RDF.type, PG.SuccessFactor))
    g.add((sf, SKOS.prefLabel, Literal("Factor", lang="en")))
    g.add((sf, SKOS.inScheme, URIRef("https://w3id.org/partnergraph/id/scheme")))
    g.add((sf, PG.counterpart, sf))
    g.add((theory, RDF.type, PG.Theory))
    g.add((theory, PG.proposedBy, Literal("Someone")))
    g.add((theory, PG.proposedBy, w1))

    k1, k2 = claim_iri("doc", "k1"), claim_iri("doc", "k2")
    g.add((k1, RDF.type, PG.Claim))  # no id, no asserting work
    g.add((k1, PG.about, c1))
    g.add((k1, PG.about, plain))
    g.add((k1, PG.polarity, PG.Maybe))
    g.add((k1, PG.reportedIn, w1))  # a Work, not a ReviewedDocument
    g.add((k1, PG.citedVia, Literal("w2")))
    g.add((k1, PG.quote, Literal("ab")))
    g.add((k1, PG.mentionCount, Literal(-1)))
    g.add((k1, PG.mentionCount, Literal("1.5", datatype=XSD.decimal)))
    g.add((k1, PG.citedInNote, Literal(0)))
    g.add((k1, PG.citedInNote, Literal("seven")))
    g.add((k1, PG.evidenceKind, PG.Review))
    g.add((k1, PG.evidenceKind, PG.Rumour))
    g.add((k1, PG.additionalEvidenceKind, Literal("review")))
    g.add((k2, RDF.type, PG.Claim))
    g.add((k2, PG.claimId, Literal(5)))
    g.add((k2, PG.about, c2))
    g.add((k2, PG.polarity, PG.Enables))
    g.add((k2, PG.assertedBy, Literal("w1")))
    g.add((k2, PG.assertedBy, doc))
    g.add((k2, PG.reportedIn, doc))
    g.add((k2, PG.quote, Literal("x" * 1501)))
    g.add((k2, PG.quote, URIRef("http://example.org/a-quote-that-is-an-iri")))
    g.add((k2, PG.quote, BNode("blank2")))
    g.add((k2, PG.quote, Literal("tagged quote", lang="en")))

    s1, s2 = URIRef(f"{k1}/anchor/selector"), URIRef(f"{k2}/anchor/selector")
    g.add((s1, RDF.type, OA.TextQuoteSelector))
    g.add((s2, RDF.type, OA.TextQuoteSelector))
    g.add((s2, OA.exact, Literal("one")))
    g.add((s2, OA.exact, Literal("two")))
    return g


def test_sparql_finds_what_pyshacl_finds_on_a_graph_breaking_every_constraint() -> None:
    data = breaks_everything()
    where: dict = {}
    expected = shacl_violations(data, SHAPES, ONTOLOGY, where)
    assert by_sparql(data, SHAPES, where) == expected
    # Not a vacuous agreement: every property shape of the file is broken at least once.
    paths = {v.path for v in expected}
    assert len(expected) > 40
    assert {"pg:citeKey", "bibo:doi", "pg:endnoteNumber", "skos:prefLabel", "pg:counterpart"} <= paths
    assert {"pg:quote", "pg:mentionCount", "pg:citedInNote", "pg:additionalEvidenceKind", "oa:exact"} <= paths


def broken(project: Project, how: str) -> Project:
    """The mini project broken in one of the ways the bad-input tests break it."""
    wallace = project.root / "corpus/documents/wallace2010.yaml"
    bib = project.root / "bibliography/works.bib"
    if how == "overlong-quote":
        wallace.write_text(
            wallace.read_text().replace('quote: "lack of trust"', f'quote: "{"word " * 400}x"')
        )
    elif how == "two-letter-quote":
        wallace.write_text(wallace.read_text().replace('quote: "lack of trust"', 'quote: "ok"'))
    elif how == "reviewed-document-without-title":
        bib.write_text(re.sub(r"  title = \{Influencers[^\n]*\n", "", bib.read_text(), count=1))
    elif how == "doi-as-url-and-key-with-plus":
        text = re.sub(r"doi = \{10\.", "doi = {https://doi.org/10.", bib.read_text(), count=1)
        bib.write_text(text + "\n@misc{odd+key,\n  title = {Kept without claims},\n  year = {2001},\n}\n")
    elif how == "hostile":
        make_hostile(project)
        make_hostile_exports(project)
    return project


@pytest.mark.parametrize(
    "how",
    ["valid", "overlong-quote", "two-letter-quote", "reviewed-document-without-title",
     "doi-as-url-and-key-with-plus", "hostile"],
)  # fmt: skip
def test_sparql_finds_what_pyshacl_finds_on_the_bad_inputs(mini: Project, how: str) -> None:
    project = broken(mini, how)
    sources = load_sources(project)
    expected = graph_violations(
        project, sources, compile_graph(sources.ontology, sources.corpus, sources.works)
    )
    store = ox.Store()
    turtle, _ = compile_turtle(sources.ontology, sources.corpus, sources.works)
    store.load(turtle, ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(str(ASSERTED_GRAPH)))
    queries = translate(SHAPES)
    answers = run_checks(store, str(ASSERTED_GRAPH), [q.sparql for q in queries])
    rows = [[[decode(term) for term in row] for row in answer] for answer in answers]
    assert sparql_violations(queries, rows, lambda: origins(sources)) == expected
    assert bool(expected) == (how not in ("valid", "hostile"))
    assert all(v.origin for v in expected)  # each traced to a file and line


UNSUPPORTED = {
    "sh:or": "sh:or ( [ sh:datatype xsd:string ] [ sh:datatype xsd:integer ] )",
    "sh:hasValue": 'sh:hasValue "x"',
    "sh:flags": 'sh:pattern "^a" ; sh:flags "i"',
    "a look-ahead": 'sh:pattern "^(?=a)"',
    "xsd:date": "sh:datatype xsd:date",
    "sh:nodeKind": "sh:nodeKind sh:IRI",
}


@pytest.mark.parametrize("feature", sorted(UNSUPPORTED))
def test_what_the_translation_does_not_cover_is_refused_by_name(feature: str) -> None:
    shapes = f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:property [ sh:path ex:p ; sh:message "m" ; {UNSUPPORTED[feature]} ] .
    """
    with pytest.raises(Unsupported):
        translate(Graph().parse(data=shapes, format="turtle"))


@pytest.mark.parametrize(
    "shape",
    [
        "sh:property [ sh:path ex:p ; sh:minCount 1 ]",  # pySHACL would word the message itself
        "sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message 'm' ]",
        "sh:property [ sh:path [ sh:inversePath ex:p ] ; sh:minCount 1 ; sh:message 'm' ]",
        "sh:deactivated true ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message 'm' ]",
        "sh:targetNode ex:n ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message 'm' ]",
        "sh:closed true",
    ],
)
def test_shapes_beyond_single_predicates_and_class_targets_are_refused(shape: str) -> None:
    shapes = f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:C ; {shape} .
    """
    with pytest.raises(Unsupported):
        translate(Graph().parse(data=shapes, format="turtle"))


def own_shapes(project: Project, edit: Callable[[str], str]) -> None:
    shutil.copytree(REPO / "ontology", project.root / "ontology")
    shapes = project.root / "ontology" / "shapes.ttl"
    shapes.write_text(edit(shapes.read_text()))


def test_a_field_written_twice_is_named_not_a_traceback(mini: Project) -> None:
    bib = mini.root / "bibliography/works.bib"
    bib.write_text(bib.read_text() + "\n@misc{twice,\n  title = {One},\n  title = {Two},\n}\n")
    with pytest.raises(InputError) as refused:
        load_sources(mini)
    assert "bibliography/works.bib line" in str(refused.value)
    assert "entry 'twice' has the field title twice" in str(refused.value)


def test_shapes_the_translation_does_not_cover_are_checked_by_pyshacl(mini: Project) -> None:
    """sh:hasValue is not translated: the build must still refuse what it forbids."""
    rule = '[ sh:path pg:citeKey ; sh:hasValue "nobody-has-this-key" ; sh:message "hasValue checked." ] , '
    own_shapes(
        mini,
        lambda text: text.replace(
            "sh:targetClass pg:Work ;\n    sh:property ", f"sh:targetClass pg:Work ;\n    sh:property {rule}"
        ),
    )
    steps: list[str] = []
    with pytest.raises(InputError) as refused:
        build(mini, on_step=steps.append)
    assert "hasValue checked." in str(refused.value)
    assert "bibliography/works.bib line" in str(refused.value)
    assert any(s.startswith("SHACL shapes by pySHACL (") and "hasValue" in s for s in steps), steps
    assert not mini.graph_file.exists()


def leftovers(project: Project) -> list[str]:
    if not project.build_dir.exists():
        return []
    return sorted(p.name for p in project.build_dir.iterdir() if p.name not in {".build.lock", ".store.lock"})


@pytest.mark.parametrize("load_store", [True, False])
def test_a_refused_build_leaves_no_store_behind(mini: Project, load_store: bool) -> None:
    """The check runs on the staged store (or, with --no-store, a scratch one): refusing
    removes it, and nothing is published."""
    broken(mini, "two-letter-quote")
    steps: list[str] = []
    with pytest.raises(InputError) as refused:
        build(mini, load_store=load_store, on_step=steps.append)
    assert "A claim needs exactly one quote of 3 to 1,500 characters" in str(refused.value)
    assert "corpus/documents/wallace2010.yaml line" in str(refused.value)
    assert leftovers(mini) == []
    expected = ["read and check", "compile", "load the store", "SHACL shapes"]
    # "load the store: read N of M MB" lines are the load step's progress, not steps (progress.py)
    named = [s for s in steps if not s.startswith("load the store: ")]
    assert named == (expected if load_store else ["read and check", "compile", "SHACL shapes"])
    assert all(s.startswith("load the store: ") for s in steps if s not in named) and (
        load_store or len(named) == len(steps)
    )


def test_report_times_the_load_and_the_shapes_apart(mini: Project) -> None:
    report = build(mini)
    assert set(report.seconds) == {"read and check", "compile", "load", "shapes", "Turtle file"}
    assert all(seconds > 0 for seconds in report.seconds.values())
    assert leftovers(mini) == [
        "manifest.json",
        "partnergraph.ttl",
        "store",
        (mini.build_dir / "store").resolve().name,
    ]


def test_an_rdflib_graph_is_written_as_the_same_turtle(mini: Project) -> None:
    """Lines written by rdflib (`serialize_turtle`, as `reason`'s Oxigraph lines go through
    the same `turtle_from_lines`) and the build's own path agree byte for byte."""
    make_hostile_exports(mini)  # control characters, quotes and TeX in the literals
    sources = load_sources(mini)
    no_ontology = Graph()  # its blank nodes would be relabelled on the way through rdflib
    turtle, triples = compile_turtle(no_ontology, sources.corpus, sources.works)
    graph = compile_graph(no_ontology, sources.corpus, sources.works)
    assert serialize_turtle(graph) == turtle
    assert len(graph) == triples > 300


YAML_CASES = {
    "scalars": "a: 1\nb: true\nc: null\nd: 2.5\ne: 2010-01-02\nf: '007'\ng: ~\nh: 0x1F\ni: -3\n",
    "nested": "claims:\n  - id: c1\n    context: {sector: [public, private], country: UK}\n"
    "  - id: c2\n    endnote: [2, 3]\n",
    "merge inline": "other:\n  <<: {x: 1}\n  y: 3\n",
    "merge": "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
    "tags": "s: !!set {a, b}\no: !!omap [{a: 1}, {b: 2}]\nt: !!str 12\nbin: !!binary aGk=\n",
    "keys": "1: one\ntrue: yes\nnull: nothing\n2.5: half\n",
    "other keys": "1: one\nnull: nothing\n2.5: half\nfalse: no\n",
    "empty": "",
    "comment only": "# nothing\n",
    "top list": "- a\n- {b: c}\n",
    "multiline": "q: >\n  folded\n  text\nr: |\n  literal\n  text\n",
}


def slow_parse(text: str) -> object:
    """PyYAML's own construction with our mapping constructor: what `_parse` did before."""
    from partnergraph.yaml_source import _LineLoader

    loader = _LineLoader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def with_lines(value: object) -> object:
    """The value with every mapping's line and key lines, so that they are compared too."""
    if isinstance(value, dict):
        lines = (getattr(value, "line", None), getattr(value, "key_lines", None))
        return (lines, {k: with_lines(v) for k, v in value.items()})
    if isinstance(value, list):
        return [with_lines(v) for v in value]
    return value


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_the_fast_yaml_construction_builds_what_pyyaml_builds(name: str) -> None:
    from partnergraph.yaml_source import _parse

    text = YAML_CASES[name]
    assert outcome(_parse, text) == outcome(slow_parse, text)


def outcome(parse: Callable[[str], object], text: str) -> object:
    """The value with its lines, or the error it raised."""
    try:
        return with_lines(parse(text))
    except Exception as exc:  # both must refuse alike
        return (type(exc).__name__, str(exc))


def test_the_fast_yaml_construction_on_every_corpus_file() -> None:
    from partnergraph.yaml_source import _parse

    files = sorted((REPO / "corpus").rglob("*.yaml")) + sorted((REPO / "tests/fixtures").rglob("*.yaml"))
    assert len(files) > 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert with_lines(_parse(text)) == with_lines(slow_parse(text)), path


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a' (first at line 1)"),
        ("1: one\ntrue: yes\n", "duplicate key 'True' (first at line 1)"),
        ("? [a, b]\n: 1\n", "a key must be plain text"),
        ("x: !!python/name:os.system\n", "could not determine a constructor"),
    ],
)
def test_the_fast_yaml_construction_refuses_as_before(text: str, message: str) -> None:
    from partnergraph.yaml_source import load_yaml

    value, problems = load_yaml(text, "corpus/x.yaml")
    assert value is None and len(problems) == 1 and message in problems[0].message, problems


def test_shapes_for_a_store_that_is_no_oxigraph_directory_use_a_scratch_one(mini: Project) -> None:
    broken(mini, "two-letter-quote")
    with pytest.raises(InputError) as refused:
        build(mini, store_descriptor="memory:")
    assert "A claim needs exactly one quote of 3 to 1,500 characters" in str(refused.value)
    assert leftovers(mini) == []
