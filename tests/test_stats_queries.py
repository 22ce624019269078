"""`stats` asks the store for its counts in the form the store evaluates fast, and answers
exactly what the named queries answer.

At 100,000 claims `stats` took 5.3 s: `count-by-class` read the IRI of every typed
subject to keep those under id/ (2.2 s), and `claims-by-document` joined claim patterns
one lookup per row (3-5 s on Oxigraph). The tests here run the real backends (rdflib,
embedded Oxigraph, an Oxigraph server) on real graphs: the rows must not change, only
the form of the query.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import BACKENDS
from partnergraph import Project, find_query, open_store, run_query
from partnergraph.namespaces import sparql_prologue
from partnergraph.stats import STATS_QUERIES, graph_stats, stats_queries
from partnergraph.stores import QueryResult, Store

# count-by-class as it was first written: it keeps the subjects whose IRI is under id/.
BY_ID_PREFIX = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?count)
WHERE {
  ?s a ?class .
  FILTER(STRSTARTS(STR(?s), "https://w3id.org/partnergraph/id/"))
}
GROUP BY ?class
ORDER BY DESC(?count) ?class"""

PG = "https://w3id.org/partnergraph/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PREFIXES = """
@prefix pg: <https://w3id.org/partnergraph/ontology#> .
@prefix id: <https://w3id.org/partnergraph/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
# Ontology terms of several declarations (one punned as class and individual, one an
# individual of a pg: class, an axiom as a blank node) beside instances under id/.
ASSERTED = (
    PREFIXES
    + """
pg:Claim a owl:Class .
pg:Barrier a owl:Class ; rdfs:subClassOf skos:Concept .
pg:about a owl:ObjectProperty , owl:FunctionalProperty .
pg:Enables a owl:NamedIndividual , pg:Polarity .
pg:Hinders a owl:NamedIndividual , pg:Polarity .
pg:Odd a owl:Class , owl:NamedIndividual , pg:Polarity .
[] a owl:AllDifferent .
id:scheme a skos:ConceptScheme .
id:concept\\/trust a pg:Barrier , skos:Concept .
id:concept\\/power a pg:Barrier .
id:claim\\/a a pg:Claim ; pg:polarity pg:Enables .
id:claim\\/b a pg:Claim ; pg:polarity pg:Hinders .
id:claim\\/c a pg:Claim ; pg:polarity pg:Enables .
"""
)
# What a reasoner adds: some types again (the union of the graphs must not count them
# twice), new types of instances, and a term's type again.
INFERRED = (
    PREFIXES
    + """
id:concept\\/trust a skos:Concept .
id:concept\\/power a skos:Concept .
id:claim\\/a a pg:Claim , pg:Evidence .
pg:Enables a pg:Polarity .
pg:Claim a owl:Class .
"""
)


@pytest.fixture(params=BACKENDS)
def reasoned(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The graph above, asserted and inferred parts, in each backend in turn."""
    asserted, inferred = tmp_path / "asserted.ttl", tmp_path / "inferred.ttl"
    asserted.write_text(ASSERTED, encoding="utf-8")
    inferred.write_text(INFERRED, encoding="utf-8")
    backend = request.param
    if backend == "memory":
        store = open_store("memory:")
    elif backend == "oxigraph":
        store = open_store(f"oxigraph:{tmp_path / 'store'}", create=True)
    else:
        store = open_store(f"sparql:{request.getfixturevalue('oxigraph_server')}")
    with store:
        store.load_build(asserted, inferred)
        yield store


def assert_same(stats: QueryResult, named: QueryResult) -> None:
    assert stats.variables == named.variables
    assert stats.rows == named.rows
    assert len(named) > 0


def test_every_table_is_what_query_name_answers(built: Project, store: Store) -> None:
    tables = graph_stats(store)
    assert list(tables) == list(STATS_QUERIES)
    for name in STATS_QUERIES:
        assert_same(tables[name], run_query(store, find_query(name, built)))


@pytest.mark.parametrize("include_inferred", [True, False], ids=["with-inferred", "asserted-only"])
def test_tables_of_a_reasoned_graph_are_what_query_name_answers(
    reasoned: Store, built: Project, include_inferred: bool
) -> None:
    tables = graph_stats(reasoned, include_inferred=include_inferred)
    for name in STATS_QUERIES:
        named = run_query(reasoned, find_query(name, built), include_inferred=include_inferred)
        if name == "claims-by-document":  # the small graph has no reviewed document
            assert tables[name] == named and len(named) == 0
        else:
            assert_same(tables[name], named)


@pytest.mark.parametrize("include_inferred", [True, False], ids=["with-inferred", "asserted-only"])
def test_count_by_class_leaves_out_the_ontologys_terms_as_the_id_prefix_did(
    reasoned: Store, include_inferred: bool
) -> None:
    """Counted per class and less the terms the ontology declares, instead of testing every
    subject's IRI: the same counts wherever only ontology terms lie outside id/."""
    counts = graph_stats(reasoned, include_inferred=include_inferred)["count-by-class"]
    by_prefix = reasoned.select(sparql_prologue() + BY_ID_PREFIX, include_inferred=include_inferred)
    assert counts == by_prefix
    expected = {PG + "Claim": 3, PG + "Barrier": 2, SKOS + "ConceptScheme": 1, SKOS + "Concept": 1}
    if include_inferred:
        expected |= {SKOS + "Concept": 2, PG + "Evidence": 1}
    assert {str(c): int(str(n)) for c, n in counts} == expected


def test_count_by_class_on_the_seed_corpus_is_the_id_prefix_count(seed_corpus: Project) -> None:
    with open_store(seed_corpus.default_store) as store:
        counts = run_query(store, find_query("count-by-class", seed_corpus))
        assert counts == store.select(sparql_prologue() + BY_ID_PREFIX)
    assert len(counts) > 20


def test_count_by_class_reads_no_subjects_iri() -> None:
    """STR(?s) on every typed subject was what cost 2 s at 100,000 claims."""
    text = stats_queries(open_store("memory:"))["count-by-class"]
    assert "STR(" not in text and "STRSTARTS" not in text


def test_claims_are_joined_by_hashing_on_the_embedded_store(built: Project) -> None:
    with open_store(built.default_store) as store:
        texts = stats_queries(store)
    assert (
        "{ SELECT ?claim ?document WHERE { ?claim pg:reportedIn ?document } }" in texts["claims-by-document"]
    )
    assert "{ SELECT ?claim ?polarity WHERE { ?claim pg:polarity ?polarity } }" in texts["claims-by-polarity"]


def test_claims_are_one_group_pattern_elsewhere(built: Project) -> None:
    """rdflib joins subqueries pair by pair (12 s instead of 0.5 s on the seed corpus)."""
    texts = stats_queries(open_store("memory:", built))
    for name in ("claims-by-document", "claims-by-polarity"):
        assert texts[name].count("SELECT") == 1, name
