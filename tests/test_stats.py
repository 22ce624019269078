"""`partnergraph stats` renders its three tables as one document in every format."""

from __future__ import annotations

import csv
import io
import json

from partnergraph import Project, open_store
from partnergraph.output import as_table
from partnergraph.stats import STATS_QUERIES, graph_stats, render_stats


def test_json_is_one_document_with_every_table(built: Project) -> None:
    with open_store(built.default_store) as store:
        tables = graph_stats(store)
    data = json.loads(render_stats(tables, "json"))
    assert list(data) == list(STATS_QUERIES)
    for title, result in tables.items():
        assert len(data[title]) == len(result) > 0
        assert list(data[title][0]) == result.variables
    polarity = {row["polarity"].rsplit("#")[-1]: row["claims"] for row in data["claims-by-polarity"]}
    assert sum(polarity.values()) == sum(int(str(r[1])) for r in tables["claims-by-polarity"])


def test_table_and_csv_keep_a_titled_section_per_table(built: Project) -> None:
    with open_store(built.default_store) as store:
        tables = graph_stats(store)
    sections = render_stats(tables, "csv").split("\n\n")
    assert [s.splitlines()[0] for s in sections] == [f"# {t}" for t in STATS_QUERIES]
    for section, result in zip(sections, tables.values(), strict=True):
        rows = list(csv.reader(io.StringIO(section.split("\n", 1)[1])))
        assert rows[0] == result.variables and len(rows) == len(result) + 1
    text = render_stats(tables, "table")
    assert text.startswith("# count-by-class\n")
    assert as_table(tables["claims-by-polarity"]) in text
