"""`partnergraph matrix`: the evidence gap map.

Concepts (grouped by their category, or by their class where they have none) against
works, reviewed documents or evidence kinds; each cell counts the claims (or the
distinct works) that join the two, so empty cells show where the evidence is missing.
The HTML form is one self-contained file: a heat map whose cells open to their quotes.

Columns are keyed by cite key (stable, what scripts join on) but a person reads the
short citation ("Wallace, 2010"): Markdown and HTML headers show the name (HTML keeps
the key in `data-key` and a tooltip), and CSV headers read "Wallace, 2010 [wallace2010]"
so that a spreadsheet shows the name and a script still finds the key in the brackets.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field

from .evidence import KIND_NAMES
from .html_embed import json_script
from .names import class_name, work_names
from .output import spreadsheet_csv
from .panels import CLOSE_BUTTON, CLOSE_STYLE
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
    work_name: str
    reviewed_in_name: str


@dataclass
class Matrix:
    dimension: str
    measure: str
    columns: list[str]
    groups: dict[str, list[tuple[str, str]]]  # group -> [(slug, label)]
    cells: dict[tuple[str, str], list[CellClaim]] = field(default_factory=dict)
    column_names: dict[str, str] = field(default_factory=dict)
    """Short citations of work and document columns by cite key; kinds are their own names."""

    def name(self, column: str) -> str:
        return self.column_names.get(column, column)

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
    names = {key: work.citation for key, work in work_names(store).items()}
    cells: dict[tuple[str, str], list[CellClaim]] = defaultdict(list)
    concepts: dict[str, tuple[str, str]] = {}
    for row in rows:
        cls = str(row["class"]).rsplit("#", 1)[-1]
        if cls not in CONCEPT_CLASSES:
            continue
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        group = str(row["category"]) if row["category"] else class_name(cls)
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
            names.get(str(row["citeKey"]), str(row["citeKey"])),
            names.get(str(row["reviewedIn"]), str(row["reviewedIn"])),
        )
        if all(c.claim != claim.claim or c.work != claim.work for c in cells[(slug, column)]):
            cells[(slug, column)].append(claim)
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, (group, label) in sorted(concepts.items(), key=lambda kv: (kv[1][0], kv[1][1].lower())):
        groups[group].append((slug, label))
    named = dimension != "kinds"
    columns = sorted({column for _, column in cells}, key=lambda c: (names.get(c, c).casefold(), c))
    column_names = {c: names[c] for c in columns if named and c in names}
    return Matrix(dimension, measure, columns, dict(groups), dict(cells), column_names)


def group_anchor(group: str) -> str:
    """The id of a group's row in the HTML gap map, so that other pages can link to it."""
    return "group-" + re.sub(r"[^a-z0-9]+", "-", group.lower()).strip("-")


def as_csv(matrix: Matrix) -> str:
    """For spreadsheets: labels and names that would start a formula are defused."""
    names = [f"{matrix.name(c)} [{c}]" if matrix.name(c) != c else c for c in matrix.columns]
    return spreadsheet_csv(
        ["group", "concept", "label", *names],
        (
            [group, slug, label, *(matrix.value(slug, c) or "" for c in matrix.columns)]
            for group, slug, label in matrix.rows()
        ),
    )


def as_markdown(matrix: Matrix) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [
        f"Claims about each concept by {matrix.dimension} (cells count {matrix.measure}).",
        "",
        "| concept | " + " | ".join(cell(matrix.name(c)) for c in matrix.columns) + " |",
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
const body = document.getElementById('panel-body');
document.getElementById('panel-close').addEventListener('click', () => { panel.hidden = true; });
document.addEventListener('keydown', ev => { if (ev.key === 'Escape') panel.hidden = true; });
document.querySelectorAll('td[data-cell]').forEach(td => td.addEventListener('click', () => {
  const claims = data[td.dataset.cell] || [];
  body.replaceChildren();
  const head = document.createElement('h2');
  head.textContent = td.dataset.title;
  body.append(head);
  for (const c of claims) {
    const block = document.createElement('blockquote');
    block.textContent = '\\u201c' + c.quote + '\\u201d';
    const cite = document.createElement('p');
    cite.className = 'cite';
    cite.textContent = c.work_name + ' \\u2014 ' + c.polarity + ', read in ' + c.reviewed_in_name
      + ' (' + c.claim + ')';
    body.append(block, cite);
  }
  panel.hidden = false;
}));
"""
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 1rem; color: #222; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 2px 4px; }
thead th { writing-mode: vertical-rl; transform: rotate(180deg); max-height: 12rem; vertical-align: bottom;
  position: sticky; top: 0; z-index: 2; background: #fff; }
th.group { text-align: left; background: #f3f3f3; }
th[scope=row] { text-align: left; font-weight: normal; position: sticky; left: 0; z-index: 1;
  background: #fff; }
thead th:first-child { left: 0; z-index: 3; }
td[data-cell] { cursor: pointer; text-align: center; }
#panel { position: fixed; right: 1rem; top: 1rem; width: 28rem; max-height: 90vh; overflow: auto;
  background: #fff; border: 1px solid #999; padding: 0.5rem 1rem; box-shadow: 0 2px 8px #0003; z-index: 4; }
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
        + "".join(_column_header(matrix, c) for c in matrix.columns)
        + "</tr></thead>"
    ]
    body.append("<tbody>")
    for group, members in matrix.groups.items():
        body.append(
            f'<tr id="{group_anchor(group)}"><th class="group" colspan="{len(matrix.columns) + 1}">'
            f"{esc(group)}</th></tr>"
        )
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
                    f'<td data-cell="{esc(key)}" data-title="{esc(label)} × {esc(matrix.name(column))}" '
                    f'style="background: rgba(30, 90, 160, {shade:.2f}); color: {colour}">{value}</td>'
                )
            body.append("".join(row) + "</tr>")
    body.append("</tbody></table>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{_STYLE}{CLOSE_STYLE}</style></head><body>"
        f"<h1>{esc(title)}</h1><p>Concepts by {esc(matrix.dimension)}; "
        f"each cell counts {esc(matrix.measure)}. Click a cell for its quotes.</p>"
        + "\n".join(body)
        + f'<aside id="panel" hidden>{CLOSE_BUTTON}<div id="panel-body"></div></aside>'
        + json_script(cells, "cells")
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _column_header(matrix: Matrix, column: str) -> str:
    esc = html.escape
    if matrix.name(column) == column:
        return f"<th>{esc(column)}</th>"
    return f'<th data-key="{esc(column)}" title="{esc(column)}">{esc(matrix.name(column))}</th>'


RENDERERS = {"csv": as_csv, "markdown": as_markdown, "html": as_html}
