"""`partnergraph matrix --format eppi-json|eppi-csv`: the gap map for evidence-gap-map tools.

EPPI-Mapper, the EPPI-Centre's tool behind most published evidence and gap maps, reads
the JSON report EPPI-Reviewer exports: `CodeSets` (a tree of codes, "attributes") and
`References` (the studies, each with the `Codes` it was coded with and the text each code
was highlighted in). The map maker picks three parent codes: the children of one become
the rows, of another the columns, of a third the segments (the coloured bubbles of a
cell); a cell holds the references coded with both its row and its column. So the gap map
is written as one code set with three parents — the concepts (by category), the columns
(reviewed documents, works or evidence kinds) and polarity — and one reference for each
thing a cell counts: a claim (`--count claims`), or a work within one column (`--count
works`), so that EPPI-Mapper's cells count what `partnergraph matrix` counts.

Nothing is queried here: the counts and the claims behind them are the matrix's
(`build_matrix`, `Matrix.cells`). The CSV is the same records flat, one line per claim
and work in a cell, for spreadsheets and the R and Python tools (EviAtlas, evimappr) that
draw a map from a table. docs/eppi-mapper.md lists the mapping field by field and says
where the format was inferred from EPPI-Reviewer's exports rather than documented.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus import POLARITIES
from .evidence import POLARITY_ORDER
from .matrix import CellClaim, Matrix
from .namespaces import ID, PG, concept_iri, work_iri
from .output import spreadsheet_csv

SET_NAME = "partnergraph evidence gap map"
ROWS = "Concepts"
COLUMNS = {"documents": "Reviewed documents", "works": "Works", "kinds": "Evidence kinds"}
SEGMENTS = "Polarity"
GROUPING = "Not selectable (no checkbox)"
CODE = "Selectable (show checkbox)"
"""EPPI-Reviewer's two attribute types: a heading, and a code a reference can carry."""
CSV_HEADER = (
    "group", "concept", "label", "column", "column_name", "segment", "item_id", "claim", "work",
    "work_name", "reviewed_in", "reviewed_in_name", "quote",
)  # fmt: skip


@dataclass
class Reference:
    """What one EPPI reference stands for: a claim, or a work within one column."""

    item_id: int
    key: str
    claims: dict[str, CellClaim] = field(default_factory=dict)
    """By claim id: the claim's first (claim, work) row, which carries its quote."""
    works: dict[str, str] = field(default_factory=dict)
    """Cite key -> short citation of the works asserting these claims."""
    concepts: dict[str, list[CellClaim]] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    polarities: set[str] = field(default_factory=set)


class Codes:
    """Attribute ids counted from 1 as the tree is built (a heading after its children), so
    the same map gets the same ids. EPPI-Reviewer gives an attribute a second id for its place
    in a set (`AttributeSetId`); with one set and no code used twice, it is the same number."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], int] = {}

    def node(self, kind: str, key: str, name: str, ext_url: str = "", children: list | None = None) -> dict:
        number = self.ids.setdefault((kind, key), len(self.ids) + 1)
        attribute: dict[str, object] = {
            "AttributeSetId": number,
            "AttributeId": number,
            "AttributeType": GROUPING if children is not None else CODE,
            "AttributeName": name,
            "AttributeDescription": key if key != name else "",
            "ExtURL": ext_url,
            "ExtType": "IRI" if ext_url else "",
        }
        if children is not None:
            attribute["Attributes"] = {"AttributesList": children}
        return attribute


def reference_key(matrix: Matrix, claim: CellClaim, column: str) -> str:
    """What a cell counts: the claim, or (counting works) the work in this column."""
    return claim.claim if matrix.measure == "claims" else f"{claim.work}|{column}"


def references(matrix: Matrix) -> dict[str, Reference]:
    """One reference per thing the matrix counts, in the map's order (rows, then columns)."""
    found: dict[str, Reference] = {}
    for _, slug, _ in matrix.rows():
        for column in matrix.columns:
            for claim in matrix.cells.get((slug, column), []):
                key = reference_key(matrix, claim, column)
                ref = found.setdefault(key, Reference(len(found) + 1, key))
                ref.claims.setdefault(claim.claim, claim)
                ref.works[claim.work] = claim.work_name
                cell = ref.concepts.setdefault(slug, [])
                if all(c.claim != claim.claim for c in cell):
                    cell.append(claim)
                if column not in ref.columns:
                    ref.columns.append(column)
                ref.polarities.add(claim.polarity)
    return found


def _column_iri(matrix: Matrix, column: str) -> str:
    if matrix.dimension == "kinds":
        return ""
    return str(work_iri(column))


def code_sets(matrix: Matrix, codes: Codes) -> list[dict]:
    rows = [
        codes.node("group", group, group, children=[
            codes.node("concept", slug, label, str(concept_iri(slug))) for slug, label in members
        ])
        for group, members in matrix.groups.items()
    ]  # fmt: skip
    columns = [
        codes.node("column", column, matrix.name(column), _column_iri(matrix, column))
        for column in matrix.columns
    ]
    segments = [codes.node("polarity", p, POLARITIES[p], str(PG[POLARITIES[p]])) for p in POLARITY_ORDER]
    return [
        {
            "SetName": SET_NAME,
            "SetId": 1,
            "ReviewSetId": 1,
            "SetType": {"SetTypeName": "Standard"},
            "SetDescription": (
                f"Claims about each concept by {matrix.dimension}; a reference is one "
                f"{'claim' if matrix.measure == 'claims' else 'work in one column'}. {matrix.note()}"
            ).strip(),
            "Attributes": {
                "AttributesList": [
                    codes.node("heading", ROWS, ROWS, children=rows),
                    codes.node(
                        "heading", COLUMNS[matrix.dimension], COLUMNS[matrix.dimension], children=columns
                    ),
                    codes.node("heading", SEGMENTS, SEGMENTS, children=segments),
                ]
            },
        }
    ]


def _code(attribute: int, additional: str = "", quotes: Sequence[CellClaim] = ()) -> dict:
    return {
        "AttributeId": attribute,
        "AdditionalText": additional,
        "ArmId": 0,
        "ArmTitle": "",
        "ItemAttributeFullTextDetails": [{"Text": c.quote, "DocTitle": c.reviewed_in_name} for c in quotes],
    }


def reference_json(matrix: Matrix, ref: Reference, codes: Codes) -> dict:
    """The claim's quote is its title (what a map's reader wants to see first), the
    asserting works its short title; for a work, its short citation is both."""
    names = "; ".join(ref.works.values())
    first = next(iter(ref.claims.values()))
    single = matrix.measure == "claims"
    concept_codes = [
        _code(codes.ids[("concept", slug)], ", ".join(c.claim for c in claims), claims)
        for slug, claims in ref.concepts.items()
    ]
    return {
        "ItemId": ref.item_id,
        "Title": first.quote if single else names,
        "ShortTitle": names,
        "OldItemId": first.claim if single else first.work,
        "URL": str(ID[f"claim/{first.claim}"]) if single else str(work_iri(first.work)),
        "Comments": "; ".join(sorted({f"read in {c.reviewed_in_name}" for c in ref.claims.values()})),
        "Codes": [
            *concept_codes,
            *(_code(codes.ids[("column", column)]) for column in ref.columns),
            *(_code(codes.ids[("polarity", p)]) for p in POLARITY_ORDER if p in ref.polarities),
        ],
    }


def as_eppi_json(matrix: Matrix) -> str:
    """The EPPI-Reviewer JSON report EPPI-Mapper opens."""
    codes = Codes()
    sets = code_sets(matrix, codes)
    refs = [reference_json(matrix, ref, codes) for ref in references(matrix).values()]
    return json.dumps({"CodeSets": sets, "References": refs}, indent=1, ensure_ascii=False)


def as_eppi_csv(matrix: Matrix) -> str:
    """The cell records flat: one line per claim and work in a cell, with the reference
    (`item_id`) of the JSON it belongs to; formulas defused as in every CSV partnergraph writes."""
    found = references(matrix)
    rows = []
    for group, slug, label in matrix.rows():
        for column in matrix.columns:
            for c in matrix.cells.get((slug, column), []):
                rows.append([
                    group, slug, label, column, matrix.name(column), POLARITIES[c.polarity],
                    found[reference_key(matrix, c, column)].item_id, c.claim, c.work, c.work_name,
                    c.reviewed_in, c.reviewed_in_name, c.quote,
                ])  # fmt: skip
    return spreadsheet_csv(CSV_HEADER, rows)


RENDERERS = {"eppi-json": as_eppi_json, "eppi-csv": as_eppi_csv}
