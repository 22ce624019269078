"""`partnergraph matrix`: the evidence gap map.

Concepts (grouped by their category, or by their class where they have none) against
works, reviewed documents or evidence kinds; each cell counts the claims (or the
distinct works) that join the two, so empty cells show where the evidence is missing.
The HTML form is one self-contained file: a heat map whose cells open to their quotes.
"""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from dataclasses import dataclass, field

from .evidence import KIND_NAMES
from .html_embed import json_script
from .project import Project
from .queries import find_query, run_query
from .stores import Store

DIMENSIONS = ("documents", "works", "kinds")
MEASURES = ("claims", "works")
CONCEPT_CLASSES = (
    "SuccessFactor", "Barrier", "Theory", "PartnershipType", "Benefit", "Driver",
    "SupportNeed", "Principle", "Outcome", "Risk", "Assumption",
)  # fmt: skip


@dataclass
class CellClaim:
    claim: str
    work: str
    polarity: str
    quote: str
    reviewed_in: str


@dataclass
class Matrix:
    dimension: str
    measure: str
    columns: list[str]
    groups: dict[str, list[tuple[str, str]]]  # group -> [(slug, label)]
    cells: dict[tuple[str, str], list[CellClaim]] = field(default_factory=dict)

    def value(self, slug: str, column: str) -> int:
        claims = self.cells.get((slug, column), [])
        if self.measure == "works":
            return len({c.work for c in claims})
        return len({c.claim for c in claims})

    def rows(self) -> list[tuple[str, str, str]]:
        return [(group, slug, label) for group, members in self.groups.items() for slug, label in members]


def build_matrix(
    store: Store, project: Project, dimension: str = "documents", measure: str = "claims"
) -> Matrix:
    rows = run_query(store, find_query("evidence-map", project)).dicts()
    cells: dict[tuple[str, str], list[CellClaim]] = defaultdict(list)
    concepts: dict[str, tuple[str, str]] = {}
    for row in rows:
        cls = str(row["class"]).rsplit("#", 1)[-1]
        if cls not in CONCEPT_CLASSES:
            continue
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        group = str(row["category"]) if row["category"] else cls
        concepts.setdefault(slug, (group, str(row["label"])))
        column = {
            "documents": str(row["reviewedIn"]),
            "works": str(row["citeKey"]),
            "kinds": KIND_NAMES.get(str(row["kind"]).rsplit("#", 1)[-1], "unstated")
            if row["kind"]
            else "unstated",
        }[dimension]
        claim = CellClaim(
            str(row["claim"]).rsplit("/", 1)[-1],
            str(row["citeKey"]),
            str(row["polarity"]).rsplit("#", 1)[-1].lower(),
            str(row["quote"]),
            str(row["reviewedIn"]),
        )
        if all(c.claim != claim.claim or c.work != claim.work for c in cells[(slug, column)]):
            cells[(slug, column)].append(claim)
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, (group, label) in sorted(concepts.items(), key=lambda kv: (kv[1][0], kv[1][1].lower())):
        groups[group].append((slug, label))
    columns = sorted({column for _, column in cells})
    return Matrix(dimension, measure, columns, dict(groups), dict(cells))


def as_csv(matrix: Matrix) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["group", "concept", "label", *matrix.columns])
    for group, slug, label in matrix.rows():
        writer.writerow([group, slug, label, *(matrix.value(slug, c) or "" for c in matrix.columns)])
    return buffer.getvalue().rstrip("\n")


def as_markdown(matrix: Matrix) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        f"Claims about each concept by {matrix.dimension} (cells count {matrix.measure}).",
        "",
        "| concept | " + " | ".join(cell(c) for c in matrix.columns) + " |",
        "|---|" + "---:|" * len(matrix.columns),
    ]
    for group, members in matrix.groups.items():
        lines.append(f"| **{cell(group)}** |" + " |" * len(matrix.columns))
        for slug, label in members:
            values = [str(matrix.value(slug, c) or "") for c in matrix.columns]
            lines.append(f"| {cell(label)} | " + " | ".join(values) + " |")
    return "\n".join(lines)


_SCRIPT = """
const data = JSON.parse(document.getElementById('cells').textContent);
const panel = document.getElementById('panel');
document.querySelectorAll('td[data-cell]').forEach(td => td.addEventListener('click', () => {
  const claims = data[td.dataset.cell] || [];
  panel.replaceChildren();
  const head = document.createElement('h2');
  head.textContent = td.dataset.title;
  panel.append(head);
  for (const c of claims) {
    const block = document.createElement('blockquote');
    block.textContent = '\\u201c' + c.quote + '\\u201d';
    const cite = document.createElement('p');
    cite.className = 'cite';
    cite.textContent = c.work + ' \\u2014 ' + c.polarity + ', read in ' + c.reviewed_in
      + ' (' + c.claim + ')';
    panel.append(block, cite);
  }
  panel.hidden = false;
}));
"""
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 2px 4px; }
thead th { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 12rem; vertical-align: bottom; }
th.group { text-align: left; background: #f3f3f3; }
th[scope=row] { text-align: left; font-weight: normal; }
td[data-cell] { cursor: pointer; text-align: center; }
#panel { position: fixed; right: 1rem; top: 1rem; width: 28rem; max-height: 90vh; overflow: auto;
  background: #fff; border: 1px solid #999; padding: 0.5rem 1rem; box-shadow: 0 2px 8px #0003; }
blockquote { margin: 0.5rem 0; } .cite { color: #555; font-size: 0.85rem; }
"""


def as_html(matrix: Matrix, title: str = "Evidence gap map") -> str:
    """One file, no network: inline style and script; every source string is escaped, and
    the quotes travel as JSON read with textContent, never as markup."""
    esc = html.escape
    top = max([matrix.value(s, c) for _, s, _ in matrix.rows() for c in matrix.columns] or [1])
    cells: dict[str, list[dict[str, str]]] = {}
    body = [
        "<table><thead><tr><th></th>"
        + "".join(f"<th>{esc(c)}</th>" for c in matrix.columns)
        + "</tr></thead>"
    ]
    body.append("<tbody>")
    for group, members in matrix.groups.items():
        body.append(f'<tr><th class="group" colspan="{len(matrix.columns) + 1}">{esc(group)}</th></tr>')
        for slug, label in members:
            row = [f'<tr><th scope="row">{esc(label)}</th>']
            for column in matrix.columns:
                value = matrix.value(slug, column)
                if not value:
                    row.append("<td></td>")
                    continue
                key = f"{slug}|{column}"
                cells[key] = [c.__dict__ for c in matrix.cells[(slug, column)]]
                shade = 0.15 + 0.85 * value / top
                colour = "#fff" if shade > 0.5 else "#000"
                row.append(
                    f'<td data-cell="{esc(key)}" data-title="{esc(label)} × {esc(column)}" '
                    f'style="background: rgba(30, 90, 160, {shade:.2f}); color: {colour}">{value}</td>'
                )
            body.append("".join(row) + "</tr>")
    body.append("</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>Concepts by {esc(matrix.dimension)}; "
        f"each cell counts {esc(matrix.measure)}. Click a cell for its quotes.</p>"
        + "\n".join(body)
        + '<aside id="panel" hidden></aside>'
        + json_script(cells, "cells")
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


RENDERERS = {"csv": as_csv, "markdown": as_markdown, "html": as_html}
