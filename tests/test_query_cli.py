"""`partnergraph query` and `stats` as a researcher types them."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from partnergraph import Project
from partnergraph.cli import main


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def test_list_describes_queries_and_parameters(built: Project) -> None:
    code, out = run(built, "query", "--list")
    assert code == 0
    assert "barriers-backed-by-works: Barriers and the works that back them" in out
    assert "--param concept=<concept> = trust" in out


def test_table_csv_json(built: Project) -> None:
    code, table = run(built, "query", "barriers-backed-by-works")
    assert code == 0 and "(5 rows)" in table and "Power imbalance" in table
    code, text = run(built, "query", "barriers-backed-by-works", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 5 and rows[0]["barrier"].startswith("https://w3id.org/partnergraph/id/concept/")
    code, text = run(
        built, "query", "evidence-for-concept", "-p", "concept=power-imbalance", "--format", "json"
    )
    data = json.loads(text)
    assert {row["citeKey"] for row in data["rows"]} == {"kanter1989", "greasley2008"}


def test_query_from_a_file(built: Project, tmp_path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("# title: mine\nSELECT (COUNT(?c) AS ?n) WHERE { ?c a pg:Claim }\n")
    code, out = run(built, "query", str(path), "--format", "csv")
    assert code == 0 and out.splitlines() == ["n", "10"]


def test_memory_store_reads_the_build(built: Project) -> None:
    code, out = run(built, "--store", "memory:", "query", "barriers-backed-by-works", "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 6


def test_unknown_query_and_parameter(built: Project) -> None:
    code, out = run(built, "query", "barriers-backed-by-work")
    assert code == 1 and "did you mean 'barriers-backed-by-works'?" in out
    code, out = run(built, "query", "evidence-for-concept", "-p", "concpt=trust")
    assert code == 1 and "has no parameter 'concpt'" in out and "did you mean 'concept'?" in out


def test_unknown_store_descriptor(built: Project) -> None:
    code, out = run(built, "--store", "postgres:x", "stats")
    assert code == 1 and "unknown store descriptor" in out


def test_stats(built: Project) -> None:
    code, out = run(built, "stats", "--format", "csv")
    assert code == 0
    assert "https://w3id.org/partnergraph/ontology#Claim,10" in out
    assert "wallace2010,6,4,3" in out
    assert "https://w3id.org/partnergraph/ontology#Hinders,5" in out


def test_store_from_the_environment(built: Project) -> None:
    result = CliRunner().invoke(
        main,
        ["--project", str(built.root), "query", "claims-by-polarity", "--format", "csv"],
        env={"PARTNERGRAPH_STORE": "memory:"},
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == [
        "https://w3id.org/partnergraph/ontology#Enables,5",
        "https://w3id.org/partnergraph/ontology#Hinders,5",
    ]
    result = CliRunner().invoke(
        main, ["--project", str(built.root), "stats"], env={"PARTNERGRAPH_STORE": "nosuch:"}
    )
    assert result.exit_code == 1 and "unknown store descriptor 'nosuch:'" in result.output
