"""Readers at scale (issue 16): the gap map counted by the store and paged by columns, the
served map's quotes fetched per cell, work names read for the works shown only, and the
warning a too-large `memory:` store gives. Each runs on a real store: a small synthetic
project (benchmarks/synthetic_corpus.py) built once, with the page made small enough
that its works need several pages."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from browser import get, serve
from partnergraph import Project, build
from partnergraph import matrix as matrix_module
from partnergraph.cli import main
from partnergraph.errors import QueryError
from partnergraph.evidence import KIND_NAMES
from partnergraph.matrix import RENDERERS, build_matrix, cell_claims, matrix_cells
from partnergraph.names import work_names
from partnergraph.namespaces import sparql_prologue
from partnergraph.overview import overview
from partnergraph.queries import find_query
from partnergraph.stores import Store, open_store

REPO = Path(__file__).parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic_corpus import write_project  # noqa: E402

WORKS = 60
PAGE = 25


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("scale") / "project"
    write_project(root, claims=400, concepts=20, works=WORKS, documents=4, cover=True)
    for part in ("ontology", "queries"):
        shutil.copytree(REPO / part, root / part)
    project = Project.locate(root)
    build(project)
    return project


@pytest.fixture(params=["oxigraph", "memory"])
def opened(request: pytest.FixtureRequest, synthetic: Project) -> Iterator[Store]:
    descriptor = synthetic.default_store if request.param == "oxigraph" else "memory:"
    with open_store(descriptor, synthetic) as store:
        yield store


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matrix_module, "PAGE_COLUMNS", PAGE)


def counted_by_hand(store: Store, project: Project, dimension: str, measure: str) -> dict:
    """The oracle: every `evidence-map` row walked in Python, as `matrix` did before the
    store counted the cells."""
    rows = store.select(sparql_prologue() + find_query("evidence-map", project).text).dicts()
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        slug = str(row["concept"]).rsplit("/", 1)[-1]
        kind = KIND_NAMES.get(str(row["kind"]).rsplit("#", 1)[-1], "unstated") if row["kind"] else "unstated"
        column = {"documents": str(row["reviewedIn"]), "works": str(row["citeKey"]), "kinds": kind}[dimension]
        cells[(slug, column)].add(str(row["claim"]) if measure == "claims" else str(row["citeKey"]))
    return {cell: len(members) for cell, members in cells.items()}


@pytest.mark.parametrize("dimension", ["documents", "works", "kinds"])
@pytest.mark.parametrize("measure", ["claims", "works"])
def test_the_store_counts_what_walking_the_rows_counts(
    opened: Store, synthetic: Project, dimension: str, measure: str
) -> None:
    matrix = build_matrix(opened, synthetic, dimension, measure)
    expected = counted_by_hand(opened, synthetic, dimension, measure)
    assert matrix.counts == expected
    assert matrix.note() == ""  # 60 works fit on one page of 500


def test_columns_come_in_pages_that_add_up_to_the_whole(
    synthetic: Project, small_pages: None, opened: Store
) -> None:
    """On both stores: Oxigraph counts one page's columns, rdflib counts all and the page is kept."""
    pages = [build_matrix(opened, synthetic, "works", "claims", n) for n in (1, 2, 3)]
    with pytest.raises(QueryError, match="page 4 does not exist: the matrix has 3 pages"):
        build_matrix(opened, synthetic, "works", "claims", 4)
    whole = counted_by_hand(opened, synthetic, "works", "claims")
    assert [len(p.columns) for p in pages] == [PAGE, PAGE, WORKS - 2 * PAGE]
    assert pages[0].note() == f"Columns 1–25 of {WORKS} works (page 1 of 3)."
    assert pages[2].note() == f"Columns 51–60 of {WORKS} works (page 3 of 3)."
    columns = [c for p in pages for c in p.columns]
    assert len(set(columns)) == WORKS  # no column twice, none left out, in the one order
    names = {key: work.citation for key, work in work_names(opened).items()}
    assert columns == sorted(columns, key=lambda c: (names[c].casefold(), c))  # one order across pages
    assert {cell: n for p in pages for cell, n in p.counts.items()} == whole
    # Every page lists every concept, so pages line up row by row.
    assert pages[0].rows() == pages[1].rows() == pages[2].rows()
    # The HTML of a page holds the quotes of that page's cells only.
    cells = pages[1].cells
    assert cells and {column for _, column in cells} <= set(pages[1].columns)
    markdown = RENDERERS["markdown"](pages[1])
    assert markdown.splitlines()[2] == f"Columns 26–50 of {WORKS} works (page 2 of 3)."
    assert "(page 2 of 3)" in RENDERERS["html"](pages[1])


def test_cli_says_which_page_it_wrote(synthetic: Project, small_pages: None) -> None:
    result = CliRunner().invoke(
        main, ["--project", str(synthetic.root), "matrix", "--by", "works", "--page", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "Columns 51–60 of 60 works (page 3 of 3). --page N shows another." in result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows[0]) == 3 + WORKS - 2 * PAGE  # the CSV itself stays a plain table


def test_served_map_fetches_a_cells_quotes(synthetic: Project) -> None:
    with open_store(synthetic.default_store, synthetic) as store:
        matrix = build_matrix(store, synthetic, "documents", "claims")
        slug, column = next(iter(matrix.counts))
        expected = [c.__dict__ for c in matrix_cells(store, synthetic, "documents")[(slug, column)]]
        assert [
            c.__dict__ for c in cell_claims(store, synthetic, "documents", f"{slug}|{column}")
        ] == expected
    site = serve(synthetic)
    base = next(site)
    try:
        status, _, page = get(base + "/map")
        assert status == 200
        assert '<script type="application/json" id="cells">{}</script>' in page  # counts only
        assert f'data-cell="{slug}|{column}"' in page
        status, kind, body = get(base + f"/map/cell?by=documents&cell={slug}%7C{column}")
        assert status == 200 and kind.startswith("application/json")
        assert json.loads(body) == expected and len(expected) == matrix.value(slug, column)
        assert get(base + "/map/cell?by=documents&cell=no-bar")[0] == 400
        # A concept page finds its concept by slug from a per-build index, and anything
        # else as `evidence` does: by label, or a 404 that suggests.
        by_slug, by_label = get(base + "/concept/concept-3")[2], get(base + "/concept/Concept%203")[2]
        assert "<h1>Concept 3</h1>" in by_slug and by_slug == by_label
        assert get(base + "/concept/concept-x")[0] == 404
        assert get(base + "/map?page=9")[0] == 400
    finally:
        next(site, None)


def test_work_names_of_the_works_asked_for_only(synthetic: Project) -> None:
    with open_store(synthetic.default_store, synthetic) as store:
        every = work_names(store)
        some = work_names(store, ["work3", "doc1", "no-such-work"])
        assert some == {"work3": every["work3"], "doc1": every["doc1"]}
        assert work_names(store, []) == {}


def test_work_names_of_a_few_works_are_looked_up_not_hashed(synthetic: Project) -> None:
    """Hashed subqueries read every work's authors, year and title (20,000 at 100,000
    claims: 0.05 s of CPU for a concept page's 146 works, 0.01-0.02 s looked up one by one),
    and a VALUES block beside the OPTIONALs was compared with every work (1,000 keys: 0.9 s)."""
    with open_store(synthetic.default_store, synthetic) as opened:
        sent: list[str] = []
        real = opened.select

        def recording(sparql: str, *args: object, **kwargs: object):
            sent.append(sparql)
            return real(sparql, *args, **kwargs)

        opened.select = recording  # type: ignore[method-assign]
        every, some = work_names(opened), work_names(opened, ["work3", "doc1"])
        assert some == {key: every[key] for key in ("work3", "doc1")}
        whole, few = sent
        assert "{ SELECT ?work ?a WHERE" in whole  # all of them: hashed, as claim_joins.py writes
        assert "SELECT ?work ?a" not in few and "OPTIONAL { ?work pg:authors ?a }" in few
        # and the keys in a subquery of their own (names._THESE_WORKS says why)
        assert '{ SELECT ?work ?citeKey WHERE { VALUES ?citeKey { "work3" "doc1" }' in few


def test_overview_is_the_same_on_both_forms_of_join(synthetic: Project) -> None:
    """claim_joins.py writes subqueries for Oxigraph and a plain group for rdflib."""
    with (
        open_store(synthetic.default_store, synthetic) as oxigraph,
        open_store("memory:", synthetic) as memory,
    ):
        assert overview(oxigraph) == overview(memory)
        assert overview(oxigraph).claims == 400


def test_a_large_memory_store_is_advised_against(synthetic: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    from partnergraph.stores import memory_store

    args = ["--project", str(synthetic.root), "--store", "memory:", "stats"]
    quiet = CliRunner().invoke(main, args)
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
    monkeypatch.setattr(memory_store, "LARGE_TRIPLES", 1000)
    loud = CliRunner().invoke(main, args)
    assert loud.exit_code == 0
    assert (
        "warning: the memory: store holds" in loud.stderr and "use the default Oxigraph store" in loud.stderr
    )
