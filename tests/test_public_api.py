"""The public API is small and deliberate; anything added to it is added here too."""

import partnergraph

EXPECTED = {
    "BuildReport", "InputError", "PartnergraphError", "Project", "QueryError", "QueryResult",
    "SourceProblem", "Store", "StoreError", "Term", "__version__", "build", "find_query",
    "load_sources", "named_queries", "open_store", "run_query",
}  # fmt: skip


def test_exported_members() -> None:
    assert set(partnergraph.__all__) == EXPECTED
    for name in EXPECTED:
        assert hasattr(partnergraph, name), name
