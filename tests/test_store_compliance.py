"""One suite, three backends: memory:, oxigraph: and a real Oxigraph server (sparql:).

Every test here takes the `store` fixture, which is parametrised over the backends,
so a query that answers differently on one of them fails by name.
"""

from __future__ import annotations

import pytest
from rdflib import Literal

from partnergraph import Project, QueryError, find_query, named_queries, run_query
from partnergraph.namespaces import ASSERTED_GRAPH, concept_iri
from partnergraph.stores import Store, Term


def test_every_named_query_runs(store: Store, built: Project) -> None:
    for query in named_queries(built).values():
        result = run_query(store, query)
        assert result.variables, query.name
        assert len(result) > 0, f"{query.name} returned nothing on the mini corpus"


def test_barriers_backed_by_works(store: Store, built: Project) -> None:
    result = run_query(store, find_query("barriers-backed-by-works", built))
    pairs = {(str(r["label"]), str(r["citeKey"]), str(r["reviewedIn"])) for r in result.dicts()}
    assert pairs == {
        ("Competition between partners", "cairns2006", "tsrc-review"),
        ("Competition between partners", "carmel2008", "tsrc-review"),
        ("Lack of trust", "greasley2008", "wallace2010"),
        ("Power imbalance", "greasley2008", "wallace2010"),
        ("Power imbalance", "kanter1989", "wallace2010"),
    }


def test_parameters_are_bound_as_terms(store: Store, built: Project) -> None:
    query = find_query("evidence-for-concept", built)
    result = run_query(store, query, {"concept": "communication"})
    by_key = sorted((str(r["citeKey"]), r["polarity"].value.rsplit("#")[1]) for r in result.dicts())
    assert by_key == [("greasley2008", "Enables"), ("greasley2008", "Hinders"), ("jones2010", "Enables")]
    default = run_query(store, query)  # the header's default: trust
    assert {str(t) for t in default.column("citeKey")} == {"cairns2010", "tsrc-review"}


def test_a_hostile_parameter_is_data_not_query_text(store: Store, built: Project) -> None:
    query = find_query("evidence-for-concept", built)
    with pytest.raises(QueryError):
        run_query(store, query, {"concept": "x> } ; DROP ALL ; SELECT * { <y"})
    sneaky = 'trust" } UNION { ?claim ?p ?o } #'
    result = store.select(
        "SELECT ?c WHERE { ?c skos:prefLabel ?label }".replace(
            "SELECT", "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT"
        ),
        {"label": Literal(sneaky, lang="en")},
    )
    assert len(result) == 0


def test_literal_terms_compare_equal_across_backends(store: Store) -> None:
    result = store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?label WHERE { ?c skos:prefLabel ?label }",
        {"c": concept_iri("trust")},
    )
    assert result.rows == [
        (Term("literal", "Trust", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString", "en"),)
    ]


def test_ask_and_counts(store: Store, built: Project) -> None:
    answer = store.select("ASK { ?s ?p ?o }")
    assert answer.rows[0][0].value == "true"
    assert store.triple_count(ASSERTED_GRAPH) > 300


def test_malformed_query_is_a_query_error(store: Store) -> None:
    with pytest.raises(QueryError):
        store.select("SELECT ?x WHERE { ?x ?y }")


def test_works_backing_a_concept_include_narrower_concepts(store: Store, built: Project) -> None:
    result = run_query(store, find_query("works-backing-concept", built), {"concept": "membership"})
    assert {str(t) for t in result.column("citeKey")} == {"cairns2010", "tsrc-review", "greasley2008"}


def test_what_one_work_backs(store: Store, built: Project) -> None:
    result = run_query(store, find_query("concepts-backed-by-work", built), {"work": "kanter1989"})
    rows = result.dicts()
    assert [(str(r["label"]), r["class"].value.rsplit("#")[1], str(r["via"])) for r in rows] == [
        ("Power imbalance", "Barrier", "balloch2007")
    ]
