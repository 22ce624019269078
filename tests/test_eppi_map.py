"""The gap map for EPPI-Mapper (`matrix --format eppi-json|eppi-csv`), read back the way the
tool reads it: a cell holds the references coded with both its row's and its column's
code. On the seed build, and on the mini build for every way of counting, those cells
must be the matrix's cells exactly, and the JSON must validate against the EPPI-Reviewer
report schema in schemas/eppi.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from partnergraph import Project, open_store
from partnergraph.cli import main
from partnergraph.eppi_map import CSV_HEADER, as_eppi_csv, as_eppi_json
from partnergraph.matrix import Matrix, build_matrix
from partnergraph.stores import Store

SCHEMA = json.loads(
    (Path(__file__).parent.parent / "schemas/eppi/eppi-reviewer-report.schema.json").read_text()
)


@pytest.fixture(scope="module")
def seed_store(seed_corpus: Project) -> Iterator[Store]:
    with open_store(seed_corpus.default_store) as store:
        yield store


@pytest.fixture(scope="module")
def mini_store(built: Project) -> Iterator[Store]:
    with open_store(built.default_store) as store:
        yield store


def children(attribute: dict) -> list[dict]:
    return attribute.get("Attributes", {}).get("AttributesList", [])


def headings(data: dict) -> dict[str, dict]:
    (code_set,) = data["CodeSets"]
    return {a["AttributeName"]: a for a in children(code_set)}


def key(attribute: dict) -> str:
    return attribute["AttributeDescription"] or attribute["AttributeName"]


def mapper_cells(data: dict, columns: str) -> dict[tuple[str, str], list[list[str]]]:
    """(concept slug, column key) -> the segments of each reference in the cell, as
    EPPI-Mapper fills a map whose rows are the concepts, columns the `columns` heading and
    segments the polarity."""
    top = headings(data)
    rows = {a["AttributeId"]: key(a) for group in children(top["Concepts"]) for a in children(group)}
    cols = {a["AttributeId"]: key(a) for a in children(top[columns])}
    segments = {a["AttributeId"]: a["AttributeName"] for a in children(top["Polarity"])}
    cells: dict[tuple[str, str], list[list[str]]] = defaultdict(list)
    for reference in data["References"]:
        ids = [code["AttributeId"] for code in reference["Codes"]]
        assert len(ids) == len(set(ids)), reference["ItemId"]  # a code is given once
        coded = [segments[i] for i in ids if i in segments]
        assert coded, reference["ItemId"]  # every reference has a segment, or it is not drawn
        for row in (rows[i] for i in ids if i in rows):
            for column in (cols[i] for i in ids if i in cols):
                cells[(row, column)].append(coded)
    return dict(cells)


def assert_same_cells(matrix: Matrix, data: dict, columns: str) -> None:
    cells = mapper_cells(data, columns)
    assert {cell: len(refs) for cell, refs in cells.items()} == {c: n for c, n in matrix.counts.items() if n}
    if matrix.measure == "claims":  # a claim has one polarity: the segments add up to the cell
        assert all(len(coded) == 1 for refs in cells.values() for coded in refs)


def test_seed_map_counts_are_the_matrix_cells(seed_store: Store, seed_corpus: Project) -> None:
    matrix = build_matrix(seed_store, seed_corpus, "documents", "claims")
    data = json.loads(as_eppi_json(matrix))
    jsonschema.validate(data, SCHEMA)
    assert_same_cells(matrix, data, "Reviewed documents")
    assert len(data["References"]) == len({c.claim for cell in matrix.cells.values() for c in cell}) > 1000
    # every reference carries its claim's quote, read in the document its column names
    columns = {a["AttributeId"]: a["AttributeName"] for a in children(headings(data)["Reviewed documents"])}
    for reference in data["References"]:
        (quoted,) = [c for c in reference["Codes"] if c["ItemAttributeFullTextDetails"]]
        (detail,) = quoted["ItemAttributeFullTextDetails"]
        assert detail["Text"] == reference["Title"] and detail["Text"].strip()
        (column,) = [columns[c["AttributeId"]] for c in reference["Codes"] if c["AttributeId"] in columns]
        assert detail["DocTitle"] == column
        assert reference["URL"] == f"https://w3id.org/partnergraph/id/claim/{reference['OldItemId']}"


@pytest.mark.parametrize(
    ("dimension", "measure", "heading"),
    [
        ("works", "claims", "Works"),
        ("works", "works", "Works"),
        ("documents", "works", "Reviewed documents"),
        ("kinds", "claims", "Evidence kinds"),
        ("kinds", "works", "Evidence kinds"),
    ],
)
def test_every_way_of_counting_gives_the_matrix_cells(
    mini_store: Store, built: Project, dimension: str, measure: str, heading: str
) -> None:
    matrix = build_matrix(mini_store, built, dimension, measure)
    data = json.loads(as_eppi_json(matrix))
    jsonschema.validate(data, SCHEMA)
    assert_same_cells(matrix, data, heading)


def test_attribute_ids_are_unique_and_the_same_each_run(mini_store: Store, built: Project) -> None:
    first = as_eppi_json(build_matrix(mini_store, built))
    assert first == as_eppi_json(build_matrix(mini_store, built))

    def ids(attributes: list[dict]) -> Iterator[int]:
        for attribute in attributes:
            yield attribute["AttributeId"]
            yield from ids(children(attribute))

    (code_set,) = json.loads(first)["CodeSets"]
    every = list(ids(children(code_set)))
    assert len(every) == len(set(every))


def test_the_schema_rejects_what_eppi_mapper_could_not_place(mini_store: Store, built: Project) -> None:
    data = json.loads(as_eppi_json(build_matrix(mini_store, built)))
    validator = jsonschema.Draft7Validator(SCHEMA)
    data["References"][0]["Codes"][0]["AttributeId"] = "trust"
    del data["CodeSets"][0]["Attributes"]["AttributesList"][0]["AttributeType"]
    assert len(list(validator.iter_errors(data))) == 2


def test_csv_parses_back_to_the_matrix_and_the_json(seed_store: Store, seed_corpus: Project) -> None:
    matrix = build_matrix(seed_store, seed_corpus, "documents", "claims")
    rows = list(csv.DictReader(io.StringIO(as_eppi_csv(matrix))))
    assert tuple(rows[0]) == CSV_HEADER
    items: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        items[(row["concept"], row["column"])].add(row["item_id"])
    assert {cell: len(ids) for cell, ids in items.items()} == {c: n for c, n in matrix.counts.items() if n}
    references = {str(r["ItemId"]): r for r in json.loads(as_eppi_json(matrix))["References"]}
    for row in rows:
        reference = references[row["item_id"]]
        assert reference["OldItemId"] == row["claim"]
        assert row["segment"] in {"Enables", "Hinders", "Neutral", "Mixed"}
        if not row["quote"].startswith("'"):  # a quote that would start a formula is defused
            assert reference["Title"] == row["quote"]


def test_cli_writes_both_forms(built: Project, tmp_path: Path) -> None:
    runner = CliRunner()
    for name, fmt in (("map.json", "eppi-json"), ("cells.csv", "eppi-csv")):
        out = tmp_path / name
        args = ["--project", str(built.root), "matrix", "--by", "works", "--format", fmt, "--out", str(out)]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, SCHEMA)
    assert [a["AttributeName"] for a in children(data["CodeSets"][0])] == ["Concepts", "Works", "Polarity"]
    lines = list(csv.reader((tmp_path / "cells.csv").read_text(encoding="utf-8").splitlines()))
    assert tuple(lines[0]) == CSV_HEADER and len(lines) > 1
