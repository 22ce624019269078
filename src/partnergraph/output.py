"""Printing query results as a table, CSV or JSON.

CSV comes in two kinds. What people open in a spreadsheet (`query`, `evidence`, `matrix`,
`concepts` with `--format csv`) follows OWASP's advice on CSV injection: a cell that
starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single quote,
which spreadsheets show as text and never evaluate, so a quote such as
`=HYPERLINK(...)` stays a quote; plain numbers (`-3`, `+1.5`) are left alone, since no
spreadsheet runs them. The SPARQL endpoint's CSV (sparql_endpoint.py, written by
pyoxigraph) is a data format, W3C SPARQL 1.1 Query Results CSV: it holds every value
exactly as the store does, and whoever opens it in a spreadsheet must treat it as
untrusted data.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import sys
from collections.abc import Iterable

from .namespaces import PREFIXES
from .stores import QueryResult, Term

FORMATS = ("table", "csv", "json")


def compact(term: Term | None) -> str:
    """An IRI as prefix:name where a known namespace fits, so tables stay readable."""
    if term is None:
        return ""
    if term.kind == "iri":
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(str(namespace)):
                return f"{prefix}:{term.value[len(str(namespace)) :]}"
    return term.value


def as_table(
    result: QueryResult, max_width: int = 60, names: dict[str, str] | None = None, width: int | None = None
) -> str:
    """A table for people: IRIs compacted, works and reviewed documents by their short
    citation where `names` knows them (cite key or IRI -> 'Wallace, 2010'), a column
    that repeats the one before it shown once, and the widest columns cut with an
    ellipsis until the table fits `width` (the terminal's; scripts use csv or json)."""
    names = names or {}
    header = list(result.variables)
    cells = [[names.get(t.value, compact(t)) if t is not None else "" for t in row] for row in result.rows]
    keep = [i for i in range(len(header)) if i == 0 or any(r[i] != r[i - 1] for r in cells) or not cells]
    header = [header[i] for i in keep]
    cells = [[row[i] for i in keep] for row in cells]
    cells = [[cut(c, max_width) for c in row] for row in cells]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    widths = fit_widths(
        widths, [len(h) for h in header], width or shutil.get_terminal_size((100, 24)).columns
    )
    cells = [
        [c if len(c) <= w else c[: w - 1] + "…" for c, w in zip(row, widths, strict=True)] for row in cells
    ]
    lines = ["  ".join(h[:w].ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def terminal_width(piped: int = 100) -> int:
    """The terminal's width; 100 columns when output goes to a pipe or file, so what a
    script or a log receives does not depend on the window it was started from."""
    return shutil.get_terminal_size((piped, 24)).columns if sys.stdout.isatty() else piped


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def fit_widths(widths: list[int], floors: list[int], total: int, gap: int = 2) -> list[int]:
    """Narrow the widest column, one character at a time, until the row fits `total`;
    no column goes below its header's width or 8 characters."""
    widths = list(widths)
    minimum = [min(w, max(f, 8)) for w, f in zip(widths, floors, strict=True)]
    while sum(widths) + gap * (len(widths) - 1) > total:
        widest = max(range(len(widths)), key=lambda i: widths[i] - minimum[i])
        if widths[widest] <= minimum[widest]:
            break
        widths[widest] -= 1
    return widths


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def spreadsheet_cell(value: object) -> str:
    """The cell as text a spreadsheet shows but never runs as a formula (OWASP)."""
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def spreadsheet_csv(header: Iterable[object], rows: Iterable[Iterable[object]]) -> str:
    """CSV for people: every cell through `spreadsheet_cell`, no trailing newline."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in (header, *rows):
        writer.writerow(spreadsheet_cell(cell) for cell in row)
    return buffer.getvalue().rstrip("\n")


def as_csv(result: QueryResult) -> str:
    """`query --format csv`: the values as the store returned them, formulas defused."""
    return spreadsheet_csv(result.variables, ([t.value if t else "" for t in row] for row in result.rows))


def as_json(result: QueryResult) -> str:
    """Full values (not compacted), one object per row, for scripts to read."""
    rows = [
        {v: (t.to_python() if t else None) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps({"variables": result.variables, "rows": rows}, indent=2, ensure_ascii=False)


def render(result: QueryResult, fmt: str, names: dict[str, str] | None = None) -> str:
    """`names` (for the table only) shows works by short citation; csv and json keep
    every value as the store returned it, for scripts (csv with formulas defused)."""
    if fmt == "table":
        return as_table(result, names=names)
    return {"csv": as_csv, "json": as_json}[fmt](result)
