"""Printing query results as a table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

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


def as_table(result: QueryResult, max_width: int = 60) -> str:
    header = result.variables
    cells = [[compact(t) for t in row] for row in result.rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


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


def render(result: QueryResult, fmt: str) -> str:
    return {"table": as_table, "csv": as_csv, "json": as_json}[fmt](result)
