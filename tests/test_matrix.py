"""`partnergraph matrix`: the evidence gap map as CSV, Markdown and a safe, offline HTML heat map."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from partnergraph import Project, build
from partnergraph.cli import main
from partnergraph.matrix import build_matrix
from partnergraph.stores import Store


def run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def test_cells_count_claims_or_works_on_every_backend(built: Project, store: Store) -> None:
    by_document = build_matrix(store, built, "documents", "claims")
    assert by_document.columns == ["tsrc-review", "wallace2010"]
    assert by_document.value("communication", "wallace2010") == 2
    assert by_document.value("communication", "tsrc-review") == 1
    assert by_document.value("competition", "tsrc-review") == 1  # one claim, two works
    assert build_matrix(store, built, "documents", "works").value("competition", "tsrc-review") == 2
    by_kind = build_matrix(store, built, "kinds", "claims")
    assert (
        by_kind.value("power-imbalance", "theory") == 1
        and by_kind.value("power-imbalance", "empirical study") == 1
    )
    assert list(by_document.groups) == ["Barrier", "Communication", "Membership characteristics", "Theory"]


def test_csv_and_markdown(built: Project) -> None:
    code, out = run(built, "matrix", "--by", "works")
    assert code == 0, out
    rows = list(csv.reader(io.StringIO(out)))
    # People read the headers; scripts find the key in the brackets at the end.
    assert rows[0][:3] == ["group", "concept", "label"] and "Greasley et al., 2008 [greasley2008]" in rows[0]
    assert "Cairns et al., 2010 [cairns2010]" in rows[0] and "greasley2008" not in rows[0]
    trust = next(r for r in rows if r[1] == "trust")
    column = {re.search(r"\[(.+)\]$", h)[1]: i for i, h in enumerate(rows[0][3:], start=3)}
    assert trust[column["cairns2010"]] == "1" and trust[column["greasley2008"]] == ""
    code, out = run(built, "matrix", "--format", "markdown")
    assert code == 0
    assert "| **Membership characteristics** |" in out and "| Lack of trust |  | 1 |" in out
    assert "| concept | Building capabilities in partnerships involving…, n.d. | Wallace, 2010 |" in out


def test_html_cells_open_to_escaped_quotes(mini: Project, tmp_path: Path) -> None:
    doc = mini.root / "corpus/documents/wallace2010.yaml"
    doc.write_text(
        doc.read_text().replace('quote: "lack of trust"', 'quote: "lack of trust <script>alert(1)</script>"')
    )
    build(mini)
    out = tmp_path / "map.html"
    code, text = run(mini, "matrix", "--by", "works", "--format", "html", "--out", str(out))
    assert code == 0, text
    page = out.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert not re.search(r"(src|href)=\"https?://", page)  # nothing to fetch: opens offline
    data = json.loads(re.search(r'<script type="application/json" id="cells">(.*?)</script>', page, re.S)[1])
    assert data["lack-of-trust|greasley2008"][0]["quote"] == "lack of trust <script>alert(1)</script>"
    assert 'data-cell="lack-of-trust|greasley2008"' in page
    # Headers name the work; the key stays for links and scripts.
    assert '<th data-key="greasley2008" title="greasley2008">Greasley et al., 2008</th>' in page
    assert data["lack-of-trust|greasley2008"][0]["work_name"] == "Greasley et al., 2008"
    assert data["lack-of-trust|greasley2008"][0]["reviewed_in_name"] == "Wallace, 2010"
    assert 'id="panel-close"' in page


def test_groups_and_graph_classes_read_as_words(seed_corpus: Project) -> None:
    """Concepts without a category are grouped by class, named as a heading reads."""
    from partnergraph.evidence_graph import build_graph
    from partnergraph.stores import open_store
    from partnergraph.viz_html import network_data

    with open_store(seed_corpus.default_store) as opened:
        matrix = build_matrix(opened, seed_corpus, "documents", "claims")
        data = network_data(build_graph(opened, seed_corpus))
    assert "Partnership type" in matrix.groups
    assert not [g for g in matrix.groups if re.search(r"[a-z][A-Z]", g)]
    assert data["classNames"]["SuccessFactor"] == "Success factor"
