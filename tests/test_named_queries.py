"""Every named query in queries/ answers the fixture corpus as its expected-results file says.

The expected rows (tests/expected/queries/NAME.json) were worked out from the fixture's
ten claims; they run on every store backend, so a query that only works on one
backend, or a named query added without expected results, fails here. Values a
GROUP_CONCAT joins are compared as joined: the queries sort the rows they join.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph import Project, run_query
from partnergraph.output import compact
from partnergraph.queries import named_queries
from partnergraph.stores import Store

EXPECTED = Path(__file__).parent / "expected" / "queries"
QUERY_FILES = sorted((Path(__file__).parent.parent / "queries").glob("*.rq"))


def test_every_named_query_has_expected_results() -> None:
    assert {p.stem for p in QUERY_FILES} == {p.stem for p in EXPECTED.glob("*.json")}
    assert len(QUERY_FILES) >= 15


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_named_query_on_the_fixture(path: Path, built: Project, store: Store) -> None:
    expected = json.loads((EXPECTED / f"{path.stem}.json").read_text(encoding="utf-8"))
    query = named_queries(built)[path.stem]
    result = run_query(store, query, expected["params"])
    assert result.variables == expected["columns"]
    rows = [[compact(term) for term in row] for row in result.rows]
    assert sorted(rows) == expected["rows"]
