"""`partnergraph matrix`: the evidence gap map.

Concepts (grouped by their category, or by their class where they have none) against
works, reviewed documents or evidence kinds; each cell counts the claims (or the
distinct works) that join the two, so empty cells show where the evidence is missing.
The HTML form is one self-contained file: a heat map whose cells open to their quotes.

Columns are keyed by cite key (stable, what scripts join on) but a person reads the
short citation ("Wallace, 2010"): Markdown and HTML headers show the name (HTML keeps
the key in `data-key` and a tooltip), and CSV headers read "Wallace, 2010 [wallace2010]"
so that a spreadsheet shows the name and a script still finds the key in the brackets.

The store counts the cells (one GROUP BY), and the quotes behind them are read only for
the HTML map: at 100,000 claims, pulling every claim into Python took 133 s. Columns come
in pages of `PAGE_COLUMNS` (a map of 20,000 works is 20 million cells no one can read);
a paged output says which columns it shows. The HTML file embeds at most `QUOTE_BUDGET`
quotes and says which command lists the ones it left out; the served map fetches a
cell's quotes when it is opened.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from rdflib import Literal

from .claim_joins import hashed, join, part
from .errors import QueryError
from .evidence import KIND_NAMES
from .html_embed import json_script
from .names import class_name, plural, work_names
from .namespaces import concept_iri, sparql_prologue
from .output import spreadsheet_csv
from .panels import CLOSE_BUTTON, CLOSE_STYLE
from .project import Project
from .queries import find_query
from .stores import Store
from .stores.base import _skip_prologue_position

DIMENSIONS = ("documents", "works", "kinds")
MEASURES = ("claims", "works")
CONCEPT_CLASSES = (
    "SuccessFactor", "Barrier", "Theory", "PartnershipType", "Benefit", "Driver",
    "SupportNeed", "Principle", "Outcome", "Risk", "Assumption",
)  # fmt: skip
PAGE_COLUMNS = 500
"""Columns per page: the seed corpus's 362 works fit on one, so its map is one page."""
QUOTE_BUDGET = 5000
"""Quotes the static HTML map embeds (one per claim and work, as a cell lists them). At
100,000 claims it embedded all 120,000: 38 MB, 51 s to write, and reading them is what
takes the time (Oxigraph answers about 4,000 quotes a second here). The seed corpus has
1,789, so its map is whole; above the budget the page keeps the concepts with the fewest
quotes and names the command that lists the rest."""


@dataclass
class CellClaim:
    claim: str
    work: str
    polarity: str
    quote: str
    reviewed_in: str
    work_name: str
    reviewed_in_name: str


@dataclass(frozen=True)
class Page:
    """Which columns a paged matrix shows: `number` of `pages`, out of `total` columns."""

    number: int
    pages: int
    total: int
    first: int
    """The position (from 1) of the first column shown."""

    def note(self, dimension: str, shown: int) -> str:
        if self.pages <= 1:
            return ""
        return (
            f"Columns {self.first:,}–{self.first + shown - 1:,} of {self.total:,} {dimension} "
            f"(page {self.number} of {self.pages})."
        )


@dataclass(frozen=True)
class LeftOut:
    """The quotes a static map leaves out: how many, of how many concepts."""

    concepts: int
    quotes: int
    budget: int

    def sentence(self) -> str:
        return (
            f"This file leaves out {self.quotes:,} quotes of {self.concepts:,} concepts: it holds "
            f"those of the concepts with the fewest, up to {self.budget:,} quotes, so that a "
            "browser opens it promptly; their cells show counts only. "
            "partnergraph evidence CONCEPT lists every claim of a concept with its quote, and "
            "partnergraph serve opens every cell of this map."
        )

    def cell_note(self) -> str:
        """What an opened cell without quotes says; SLUG is the cell's concept."""
        return (
            "This file leaves out the quotes of this concept (it holds those of the concepts "
            "with the fewest). partnergraph evidence SLUG lists them all; partnergraph serve "
            "opens them here."
        )


@dataclass
class Matrix:
    dimension: str
    measure: str
    columns: list[str]
    groups: dict[str, list[tuple[str, str]]]  # group -> [(slug, label)]
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    column_names: dict[str, str] = field(default_factory=dict)
    """Short citations of work and document columns by cite key; kinds are their own names."""
    page: Page = field(default_factory=lambda: Page(1, 1, 0, 1))
    load_cells: Callable[[list[str] | None], dict[tuple[str, str], list[CellClaim]]] | None = None
    """Reads the claims behind the cells (the HTML map's quotes) when a renderer asks: of
    these concepts' rows, or of every row (None)."""
    load_quote_counts: Callable[[], dict[str, int]] | None = None
    """The number of quotes each concept's row holds, counted by the store."""
    _cells: dict[tuple[str, str], list[CellClaim]] | None = field(default=None, init=False, repr=False)

    @property
    def cells(self) -> dict[tuple[str, str], list[CellClaim]]:
        if self._cells is None:
            self._cells = self.load_cells(None) if self.load_cells else {}
        return self._cells

    def quoted(self, budget: int) -> tuple[dict[tuple[str, str], list[CellClaim]], LeftOut | None]:
        """The cells whose quotes fit in `budget`: every cell when they all fit, else the
        rows of the concepts with the fewest quotes, whole, smallest first (where evidence
        is thin, its words are what a reader wants; a concept with hundreds of claims is
        read with `partnergraph evidence`). Only the kept rows' quotes are read."""
        sizes = self.load_quote_counts() if self.load_quote_counts else {}
        if sum(sizes.values()) <= budget:
            return self.cells, None
        kept, total = [], 0
        for slug in sorted(sizes, key=lambda slug: (sizes[slug], slug)):
            if total + sizes[slug] > budget:
                break
            kept.append(slug)
            total += sizes[slug]
        cells = self.load_cells(kept) if self.load_cells and kept else {}
        return cells, LeftOut(len(sizes) - len(kept), sum(sizes.values()) - total, budget)

    def name(self, column: str) -> str:
        return self.column_names.get(column, column)

    def value(self, slug: str, column: str) -> int:
        return self.counts.get((slug, column), 0)

    def rows(self) -> list[tuple[str, str, str]]:
        return [(group, slug, label) for group, members in self.groups.items() for slug, label in members]

    def note(self) -> str:
        """Which columns a paged matrix shows (empty when it shows them all)."""
        return self.page.note(self.dimension, len(self.columns))


# The claims `evidence-map` reads: the shapes give every claim one concept, polarity, quote
# and document and at least one work, so these patterns alone find them. claim_joins.py
# writes each join in the form the store evaluates fast.
_ABOUT = "?claim pg:about ?concept"
_WORKS_OF = "?claim pg:assertedBy ?work"
_KEY = {  # ?key: the document or work (an IRI; its cite key is the column)
    "documents": "%s ?claim pg:reportedIn ?key",
    "works": "%s ?claim pg:assertedBy ?key",
}
# A kind's column: its local name when it is a known kind, any other (or none) "unstated".
_KIND = (
    'BIND(IF(BOUND(?kind) && REPLACE(STR(?kind), "^.*#", "") IN (%s), '
    'REPLACE(STR(?kind), "^.*#", ""), "unstated") AS ?key)'
)
_COLUMN = {
    "documents": "?key pg:citeKey ?column .",
    "works": "?key pg:citeKey ?column .",
    "kinds": "BIND(?key AS ?column)",
}
_COLUMN_VARIABLE = {"documents": "reviewedIn", "works": "citeKey"}
"""The variable of `evidence-map` that holds a document or work column's cite key."""
_KEPT = "?concept skos:prefLabel ?label ; a ?class . FILTER(?class IN (%s))"
_CONCEPTS = """
SELECT ?concept ?label ?class ?category WHERE {
  { SELECT DISTINCT ?concept WHERE { ?claim pg:about ?concept } }
  ?concept skos:prefLabel ?label ; a ?class .
  FILTER(?class IN (%s))
  OPTIONAL { ?concept skos:broader ?parent . ?parent a pg:Category ; skos:prefLabel ?category }
}"""
_COLUMNS = "SELECT DISTINCT ?column WHERE { { SELECT DISTINCT ?key WHERE { %s } } %s }"
_QUOTES = """
SELECT ?concept (COUNT(*) AS ?n) WHERE { { SELECT DISTINCT ?concept ?key ?claim ?work WHERE { %s } } }
GROUP BY ?concept"""
_COUNTS = """
SELECT ?concept ?column ?n WHERE {
  { SELECT ?concept ?key (COUNT(DISTINCT ?%s) AS ?n) WHERE { %s } GROUP BY ?concept ?key }
  %s
}"""


def _classes() -> str:
    return ", ".join(f"pg:{name}" for name in CONCEPT_CLASSES)


def _keyed(store: Store, dimension: str, *patterns: str, restrict: str = "") -> str:
    """The join of `patterns` with the claims' column keys; `restrict` (VALUES of ?column)
    keeps one page's columns."""
    if dimension == "kinds":
        kind = part(store, "?claim pg:evidenceKind ?kind", optional=True)
        return f"{join(store, *patterns)} {kind} {_KIND % ', '.join(f'{k!r}' for k in KIND_NAMES)}"
    key = _KEY[dimension] % (f"{restrict} ?key pg:citeKey ?column ." if restrict else "")
    return join(store, *patterns, key)


def _columns_query(store: Store, dimension: str) -> str:
    return _COLUMNS % (_keyed(store, dimension, _ABOUT, _KEPT % _classes()), _COLUMN[dimension])


def _by_work(dimension: str) -> tuple[str, tuple[str, ...]]:
    """The variable that holds a claim's work, and the patterns that bind it: a work
    column's own key, else the works that assert the claim."""
    return ("key", (_ABOUT,)) if dimension == "works" else ("work", (_ABOUT, _WORKS_OF))


def _counts_query(store: Store, dimension: str, measure: str, restrict: str) -> str:
    counted, patterns = ("claim", (_ABOUT,)) if measure == "claims" else _by_work(dimension)
    return _COUNTS % (counted, _keyed(store, dimension, *patterns, restrict=restrict), _COLUMN[dimension])


def _counted(
    store: Store, dimension: str, measure: str, restrict: str, concepts: dict[str, tuple[str, str]]
) -> dict[tuple[str, str], int]:
    """The store's count of each (concept, column) cell, for the concepts the map shows."""
    counts = {}
    for row in store.select(sparql_prologue() + _counts_query(store, dimension, measure, restrict)).dicts():
        slug, column = str(row["concept"]).rsplit("/", 1)[-1], _shown(dimension, str(row["column"]))
        if slug in concepts:
            counts[(slug, column)] = int(str(row["n"]))
    return counts


def _quote_counts(store: Store, dimension: str, restrict: str, kept: set[str]) -> dict[str, int]:
    """Quotes per concept row as `matrix_cells` lists them: one per claim and work. (The
    `memory:` store counts every column of a paged map, so it embeds less, never more.)"""
    patterns = _by_work(dimension)[1]
    query = _QUOTES % _keyed(store, dimension, *patterns, restrict=restrict)
    counts = {}
    for row in store.select(sparql_prologue() + query).dicts():
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        if slug in kept:
            counts[slug] = int(str(row["n"]))
    return counts


def _shown(dimension: str, column: str) -> str:
    """A column as the map heads it: a kind by its name, a work or document by its key."""
    return KIND_NAMES.get(column, "unstated") if dimension == "kinds" else column


def _values(variable: str, keys: list[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(Literal(k).n3() for k in keys)} }}"


def _concept_values(slugs: list[str]) -> str:
    return f"VALUES ?concept {{ {' '.join(concept_iri(slug).n3() for slug in slugs)} }}"


def _concepts(store: Store) -> dict[str, tuple[str, str]]:
    """Slug -> (group, label), as the first `evidence-map` row of the concept has them:
    the smallest label, class and category where a concept has several."""
    best: dict[str, tuple[str, str, str, bool, str]] = {}
    for row in store.select(sparql_prologue() + _CONCEPTS % _classes()).dicts():
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        label, category = str(row["label"]), row["category"]
        # SPARQL sorts an unbound category first, as False sorts before True.
        candidate = (label.lower(), label, str(row["class"]), category is not None, str(category or ""))
        if slug not in best or candidate < best[slug]:
            best[slug] = candidate
    return {
        slug: (category or class_name(cls.rsplit("#", 1)[-1]), label)
        for slug, (_, label, cls, _, category) in best.items()
    }


def build_matrix(
    store: Store, project: Project, dimension: str = "documents", measure: str = "claims", page: int = 1
) -> Matrix:
    """Counts for one page of columns (every column when they fit on one page)."""
    concepts = _concepts(store)
    # Kinds (seven at most) and reviewed documents (dozens; thousands would be a large team)
    # are few: counting every cell finds the columns too, where a query for the columns alone
    # cost as much as the counting at 100,000 claims. Works are thousands: their columns are
    # found first, and one page of them counted.
    counted = _counted(store, dimension, measure, "", concepts) if dimension != "works" else None
    if counted is not None:
        found = sorted({column for _, column in counted})
    else:
        query = sparql_prologue() + _columns_query(store, dimension)
        found = [_shown(dimension, str(r["column"])) for r in store.select(query).dicts()]
    names = _names(store, found) if dimension != "kinds" else {}
    ordered = sorted(found, key=lambda c: (names.get(c, c).casefold(), c))
    pages = max(1, -(-len(ordered) // PAGE_COLUMNS))
    if not 1 <= page <= pages:
        raise QueryError(f"page {page} does not exist: the matrix has {plural(pages, 'page')} of columns")
    columns = ordered[(page - 1) * PAGE_COLUMNS : page * PAGE_COLUMNS]
    # Only documents and works are ever more than a page (there are seven kinds). Oxigraph
    # counts one page's columns when told them; rdflib joins a VALUES block row by row with
    # every solution (over five minutes at 10,000 claims), so it counts every column and the
    # page is kept here.
    restrict = _values("column", columns) if pages > 1 and hashed(store) else ""
    if counted is None:
        counted = _counted(store, dimension, measure, restrict, concepts)
    shown = set(columns)
    counts = {cell: n for cell, n in counted.items() if cell[1] in shown}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for slug, (group, label) in sorted(concepts.items(), key=lambda kv: (kv[1][0], kv[1][1].lower())):
        groups[group].append((slug, label))
    named = dimension != "kinds"
    column_names = {c: names[c] for c in columns if named and c in names}
    matrix = Matrix(
        dimension, measure, columns, dict(groups), counts, column_names,
        Page(page, pages, len(ordered), (page - 1) * PAGE_COLUMNS + 1),
    )  # fmt: skip
    cells = _values(_COLUMN_VARIABLE[dimension], columns) if pages > 1 else ""

    def load_cells(slugs: list[str] | None) -> dict[tuple[str, str], list[CellClaim]]:
        rows = "" if slugs is None else _concept_values(slugs) + " "
        return matrix_cells(store, project, dimension, rows + cells, known=names)

    matrix.load_cells = load_cells
    matrix.load_quote_counts = lambda: _quote_counts(store, dimension, restrict, set(concepts))
    return matrix


def cell_claims(store: Store, project: Project, dimension: str, cell: str) -> list[CellClaim]:
    """The claims behind one cell ('slug|column', as the HTML map keys them): what the
    served map fetches when a cell is opened."""
    slug, _, column = cell.partition("|")
    restrict = _concept_values([slug])
    if dimension in _COLUMN_VARIABLE:
        restrict += " " + _values(_COLUMN_VARIABLE[dimension], [column])
    return matrix_cells(store, project, dimension, restrict).get((slug, column), [])


def _names(store: Store, keys: list[str]) -> dict[str, str]:
    """Short citations of these works (of every work when there are thousands: a VALUES of
    20,000 keys is slower than reading them all)."""
    chosen = work_names(store, keys) if len(keys) <= 2 * PAGE_COLUMNS else work_names(store)
    return {key: work.citation for key, work in chosen.items()}


def matrix_cells(
    store: Store, project: Project, dimension: str, restrict: str = "", known: dict[str, str] | None = None
) -> dict[tuple[str, str], list[CellClaim]]:
    """The claims behind each cell, in `evidence-map`'s order, one per claim and work:
    the quotes the HTML map opens to. `restrict` is a VALUES clause that keeps the
    claims of one page of columns (or of one cell); `known` names works already named."""
    query = find_query("evidence-map", project)
    text = query.text
    if restrict:
        at = _skip_prologue_position(text)
        text = f"{text[:at]} {restrict} {text[at:]}"
    rows = store.select(sparql_prologue() + text).dicts()
    keys = {str(row[v]) for row in rows for v in ("citeKey", "reviewedIn")}
    names = dict(known or {})  # the columns' names, read already: at 100,000 claims, every work's
    missing = sorted(keys - names.keys())
    if missing:
        names.update(_names(store, missing))
    cells: dict[tuple[str, str], list[CellClaim]] = defaultdict(list)
    seen: set[tuple[str, str, str, str]] = set()
    for row in rows:
        cls = str(row["class"]).rsplit("#", 1)[-1]
        if cls not in CONCEPT_CLASSES:
            continue
        slug = str(row["concept"]).rsplit("/", 1)[-1]
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
        if (slug, column, claim.claim, claim.work) not in seen:
            seen.add((slug, column, claim.claim, claim.work))
            cells[(slug, column)].append(claim)
    return dict(cells)


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
    if matrix.note():
        lines[1:1] = ["", matrix.note()]
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


# Served, the map's quotes come from `cells_url` when a cell is opened, not in the page:
# the panel opens at once, and fills when they arrive (unless another cell was opened).
_SERVED_SCRIPT = _SCRIPT.replace(
    "addEventListener('click', () => {\n  const claims = data[td.dataset.cell] || [];",
    "addEventListener('click', async () => {\n  const cell = td.dataset.cell;",
).replace(
    "  body.append(head);\n",
    "  body.append(head);\n  panel.hidden = false;\n  body.dataset.cell = cell;\n"
    "  if (!(cell in data)) data[cell] = await (await fetch(CELLS_URL + encodeURIComponent(cell))).json();\n"
    "  if (body.dataset.cell !== cell) return;\n  const claims = data[cell];\n",
)
assert _SERVED_SCRIPT.count("await") == 2, "the gap map's script changed: update _SERVED_SCRIPT"
# A static map over its quote budget: a cell whose quotes it left out says how to read them.
_LEFT_OUT_SCRIPT = _SCRIPT.replace(
    "  body.append(head);\n",
    "  body.append(head);\n  if (!(td.dataset.cell in data)) {\n"
    "    const note = document.createElement('p');\n"
    "    note.textContent = JSON.parse(document.getElementById('left-out').textContent)"
    ".replace('SLUG', td.dataset.cell.split('|')[0]);\n    body.append(note);\n  }\n",
)
assert _LEFT_OUT_SCRIPT != _SCRIPT, "the gap map's script changed: update _LEFT_OUT_SCRIPT"


def as_html(matrix: Matrix, title: str = "Evidence gap map", cells_url: str | None = None) -> str:
    """One file, no network: inline style and script; every source string is escaped, and
    the quotes travel as JSON read with textContent, never as markup. With `cells_url`
    (the explorer) the page holds counts only and fetches a cell's quotes when opened."""
    esc = html.escape
    top = max(matrix.counts.values(), default=1)
    cells: dict[str, list[dict[str, str]]] = {}
    quoted, left_out = matrix.quoted(QUOTE_BUDGET) if cells_url is None else ({}, None)
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
                if (slug, column) in quoted:
                    cells[key] = [c.__dict__ for c in quoted[(slug, column)]]
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
        + (f'<p class="page">{esc(matrix.note())}</p>' if matrix.note() else "")
        + (f'<p class="left-out">{esc(left_out.sentence())}</p>' if left_out else "")
        + "\n".join(body)
        + f'<aside id="panel" hidden>{CLOSE_BUTTON}<div id="panel-body"></div></aside>'
        + json_script(cells, "cells")
        + _script(cells_url, left_out)
        + "</body></html>\n"
    )


def _script(cells_url: str | None, left_out: LeftOut | None) -> str:
    if cells_url is not None:
        return f"<script>const CELLS_URL = {json.dumps(cells_url)};{_SERVED_SCRIPT}</script>"
    if left_out is not None:
        return json_script(left_out.cell_note(), "left-out") + f"<script>{_LEFT_OUT_SCRIPT}</script>"
    return f"<script>{_SCRIPT}</script>"


def _column_header(matrix: Matrix, column: str) -> str:
    esc = html.escape
    if matrix.name(column) == column:
        return f"<th>{esc(column)}</th>"
    return f'<th data-key="{esc(column)}" title="{esc(column)}">{esc(matrix.name(column))}</th>'


RENDERERS = {"csv": as_csv, "markdown": as_markdown, "html": as_html}
