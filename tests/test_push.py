"""`partnergraph push` loads a build into a real Oxigraph server over the Graph Store Protocol."""

from __future__ import annotations

from click.testing import CliRunner
from rdflib import Graph

from partnergraph import Project, open_store
from partnergraph.cli import main
from partnergraph.namespaces import ASSERTED_GRAPH
from partnergraph.stores.sparql_store import guess_graph_store_url


def test_push_then_query_the_server(built: Project, oxigraph_server: str) -> None:
    descriptor = f"sparql:{oxigraph_server}"
    result = CliRunner().invoke(main, ["--project", str(built.root), "--store", descriptor, "push"])
    assert result.exit_code == 0, result.output
    local = len(Graph().parse(built.graph_file))
    assert f"asserted {local}" in result.output
    with open_store(descriptor) as store:
        assert store.triple_count(ASSERTED_GRAPH) == local
    result = CliRunner().invoke(
        main, ["--project", str(built.root), "--store", descriptor, "query", "barriers-backed-by-works"]
    )
    assert result.exit_code == 0 and "(5 rows)" in result.output


def test_push_needs_a_build(mini: Project, oxigraph_server: str) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(mini.root), "--store", f"sparql:{oxigraph_server}", "push"]
    )
    assert result.exit_code == 1
    assert "build/partnergraph.ttl does not exist: run `partnergraph build` first" in result.output


def test_unreachable_server_is_a_clear_error(built: Project) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(built.root), "--store", "sparql:http://127.0.0.1:9/query", "stats"]
    )
    assert result.exit_code == 1 and "cannot reach http://127.0.0.1:9/query" in result.output


def test_graph_store_urls_of_common_servers() -> None:
    assert guess_graph_store_url("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/store"
    assert guess_graph_store_url("http://h:3030/ds/query") == "http://h:3030/ds/data"
    assert guess_graph_store_url("http://h:3030/ds/sparql") == "http://h:3030/ds/data"
