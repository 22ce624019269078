"""The static gap map embeds quotes up to a budget (issue 16): at 100,000 claims the page
held every quote, 38 MB made in 51 s. Above the budget it keeps the concepts with the
fewest claims whole, reads only their quotes from the store, and says in the page how
many it left out and which command lists them. Runs on the synthetic project of
test_readers_scale.py (a real Oxigraph store)."""

# ruff: noqa: F811  (test parameters name the imported `synthetic` fixture)

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from partnergraph import Project
from partnergraph import matrix as matrix_module
from partnergraph.matrix import as_html, build_matrix, matrix_cells
from partnergraph.stores import Store, open_store
from test_readers_scale import synthetic  # noqa: F401  (the module-scoped fixture)

BUDGET = 60


def embedded(page: str) -> dict[str, list[dict[str, str]]]:
    return json.loads(re.search(r'<script type="application/json" id="cells">(.*?)</script>', page, re.S)[1])


def row_quotes(cells: dict[tuple[str, str], list], slug: str) -> int:
    return sum(len(claims) for (row, _), claims in cells.items() if row == slug)


def recording(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The text of every query the store is asked from now on."""
    read: list[str] = []
    select = store.select

    def spy(text: str, *args: object, **kwargs: object) -> object:
        read.append(text)
        return select(text, *args, **kwargs)

    monkeypatch.setattr(store, "select", spy)
    return read


@pytest.fixture
def store(synthetic: Project) -> Store:
    with open_store(synthetic.default_store, synthetic) as opened:
        yield opened


def test_a_map_within_the_budget_embeds_every_quote(synthetic: Project, store: Store) -> None:
    matrix = build_matrix(store, synthetic, "works", "claims")
    page = as_html(matrix)
    everything = matrix_cells(store, synthetic, "works")
    assert embedded(page) == {f"{s}|{c}": [q.__dict__ for q in v] for (s, c), v in everything.items()}
    assert "left-out" not in page and "partnergraph evidence" not in page


def test_above_the_budget_the_fewest_claims_are_embedded_and_the_rest_named(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(matrix_module, "QUOTE_BUDGET", BUDGET)
    everything = matrix_cells(store, synthetic, "works")
    sizes = {slug: row_quotes(everything, slug) for slug, _ in everything}
    read = recording(store, monkeypatch)
    matrix = build_matrix(store, synthetic, "works", "claims")
    page = as_html(matrix)
    data = embedded(page)
    kept = {key.split("|")[0] for key in data}
    # Whole concepts, the smallest first, as many as the budget holds.
    ranked = sorted(sizes, key=lambda slug: (sizes[slug], slug))
    total, expected = 0, set()
    for slug in ranked:
        if total + sizes[slug] > BUDGET:
            break
        total += sizes[slug]
        expected.add(slug)
    assert kept == expected and 0 < sum(map(len, data.values())) <= BUDGET
    # Each embedded cell holds what reading every quote gives it, in the same order.
    assert data == {f"{s}|{c}": [q.__dict__ for q in v] for (s, c), v in everything.items() if s in expected}
    # The store was asked for the kept concepts' quotes only.
    quotes = [text for text in read if "?quote" in text]
    assert len(quotes) == 1 and "VALUES ?concept" in quotes[0]
    assert set(re.findall(r"/concept/([\w-]+)>", quotes[0])) == expected
    # Every counted cell is still drawn; the page says what it left out and how to see it.
    assert page.count("data-cell=") == len(matrix.counts)
    left_concepts = len(sizes) - len(expected)
    left_quotes = sum(sizes.values()) - total
    note = re.search(r'<p class="left-out">(.*?)</p>', page)[1]
    assert f"{left_quotes:,} quotes of {left_concepts:,} concepts" in note
    assert "partnergraph evidence" in note and "partnergraph serve" in note
    script = re.search(r'<script type="application/json" id="left-out">(.*?)</script>', page)[1]
    assert "partnergraph evidence" in json.loads(script)


def test_above_the_budget_by_documents_counts_quotes_not_cells(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A claim asserted by two works is two quotes in its document's cell, and a map that
    counts works still embeds by quotes."""
    monkeypatch.setattr(matrix_module, "QUOTE_BUDGET", BUDGET)
    for measure in ("claims", "works"):
        data = embedded(as_html(build_matrix(store, synthetic, "documents", measure)))
        assert 0 < sum(map(len, data.values())) <= BUDGET


def test_the_quotes_are_named_from_the_columns_names(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By works the map has named every column already; the quotes look up only the
    documents they were read in (at 100,000 claims, reading every work's name twice cost 1.2 s)."""
    asked: list[list[str] | None] = []
    work_names = matrix_module.work_names

    def spy(store: Store, keys: list[str] | None = None) -> dict:
        asked.append(None if keys is None else list(keys))
        return work_names(store, keys)

    monkeypatch.setattr(matrix_module, "work_names", spy)
    matrix = build_matrix(store, synthetic, "works", "claims")
    page = as_html(matrix)
    columns, quotes = asked
    assert sorted(columns) == sorted(matrix.columns)
    assert quotes and not set(quotes) & set(columns)
    assert set(quotes) <= {q["reviewed_in"] for claims in embedded(page).values() for q in claims}


@pytest.mark.parametrize("dimension", ["kinds", "documents"])
def test_few_columns_are_counted_and_found_in_one_query(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch, dimension: str
) -> None:
    """Kinds and reviewed documents are few: the counting query finds the columns too (at
    100,000 claims a separate query for them cost as much as the counting)."""
    from test_readers_scale import counted_by_hand

    read = recording(store, monkeypatch)
    matrix = build_matrix(store, synthetic, dimension, "claims")
    monkeypatch.undo()
    expected = counted_by_hand(store, synthetic, dimension, "claims")
    assert matrix.counts == expected
    columns = {column for _, column in expected}
    assert matrix.columns == sorted(columns, key=lambda c: (matrix.name(c).casefold(), c))
    assert len(matrix.columns) > 2
    assert [text for text in read if "?key" in text] == [t for t in read if "COUNT(DISTINCT" in t]


def test_documents_counted_at_once_still_come_in_pages(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = build_matrix(store, synthetic, "documents", "claims")
    monkeypatch.setattr(matrix_module, "PAGE_COLUMNS", 3)
    pages = [build_matrix(store, synthetic, "documents", "claims", n) for n in (1, 2)]
    assert [p.columns for p in pages] == [whole.columns[:3], whole.columns[3:]] and whole.columns[3:]
    assert {cell: n for p in pages for cell, n in p.counts.items()} == whole.counts
    assert all({column for _, column in p.counts} <= set(p.columns) for p in pages)


def test_in_a_browser_a_left_out_cell_names_the_command(
    synthetic: Project, store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, visit
) -> None:
    """Chromium opens the budgeted map from a file: a kept cell shows its quotes, a left-out
    cell the command that lists them, and the page runs without errors."""
    monkeypatch.setattr(matrix_module, "QUOTE_BUDGET", BUDGET)
    page = tmp_path / "map.html"
    page.write_text(as_html(build_matrix(store, synthetic, "documents", "claims")), encoding="utf-8")
    data = embedded(page.read_text(encoding="utf-8"))
    kept = next(iter(data))
    left = next(k for k in re.findall(r'data-cell="([^"]+)"', page.read_text()) if k not in data)
    visit.page.goto(page.as_uri())
    visit.page.click(f"td[data-cell='{kept}']")
    assert visit.page.locator("#panel blockquote").count() == len(data[kept])
    assert data[kept][0]["quote"] in visit.page.inner_text("#panel")
    visit.page.click("#panel-close")
    visit.page.click(f"td[data-cell='{left}']")
    text = visit.page.inner_text("#panel")
    assert f"partnergraph evidence {left.split('|')[0]} lists them all" in text
    assert visit.page.locator("#panel blockquote").count() == 0
    assert visit.errors == [] and visit.external_requests() == []
