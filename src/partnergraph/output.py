"""Printing query results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys

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


def as_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(result.variables)
    writer.writerows([t.value if t else "" for t in row] for row in result.rows)
    return buffer.getvalue().rstrip("\n")


def as_json(result: QueryResult) -> str:
    """Full values (not compacted), one object per row, for scripts to read."""
    rows = [
        {v: (t.to_python() if t else None) for v, t in zip(result.variables, row, strict=True)}
        for row in result.rows
    ]
    return json.dumps({"variables": result.variables, "rows": rows}, indent=2, ensure_ascii=False)


def as_sparql_json(result: QueryResult, extension: dict[str, object] | None = None) -> str:
    """SPARQL 1.1 Query Results JSON; `extension` goes under a `partnergraph` key, which
    standard clients ignore (the endpoint says there that it cut the results short)."""
    if result.variables == ["ask"] and len(result.rows) == 1:
        return json.dumps({"head": {}, "boolean": result.rows[0][0].value == "true"})
    bindings = []
    for row in result.rows:
        binding = {}
        for var, term in zip(result.variables, row, strict=True):
            if term is None:
                continue
            kind = {"iri": "uri", "bnode": "bnode"}.get(term.kind, "literal")
            entry: dict[str, str] = {"type": kind, "value": term.value}
            if term.datatype:
                entry["datatype"] = term.datatype
            if term.language:
                entry["xml:lang"] = term.language
            binding[var] = entry
        bindings.append(binding)
    body: dict[str, object] = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    if extension:
        body["partnergraph"] = extension
    return json.dumps(body, ensure_ascii=False)


def render(result: QueryResult, fmt: str, names: dict[str, str] | None = None) -> str:
    """`names` (for the table only) shows works by short citation; csv and json keep
    every value as the store returned it, for scripts."""
    if fmt == "table":
        return as_table(result, names=names)
    return {"csv": as_csv, "json": as_json}[fmt](result)
