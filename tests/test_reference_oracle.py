"""Pandoc's citeproc is the oracle for every reference list partnergraph writes.

Every work of the seed corpus that any summary can cite (each work asserting a claim
or cited via one) is rendered twice in each style: by `pandoc --citeproc` from the
CSL-JSON file alone, and by partnergraph's own HTML and Word path (a summary of every
concept with claims). The two reference lists must agree entry for entry.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
from pathlib import Path

import docx
import pytest

from partnergraph import Project, load_sources, open_store
from partnergraph.bibexport import to_csl
from partnergraph.pandoc_citeproc import reference_items
from partnergraph.summary import build_summary, style_path
from partnergraph.summary_output import cited_works, to_docx, to_html

STYLES = ("apa", "harvard-cite-them-right")
CITABLE = """
PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT DISTINCT ?key WHERE {
  ?claim a pg:Claim .
  { ?claim pg:assertedBy ?work } UNION { ?claim pg:citedVia ?work }
  ?work pg:citeKey ?key .
}"""
CONCEPTS_WITH_CLAIMS = """
PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT DISTINCT ?concept WHERE { ?claim pg:about ?concept }"""


def normalise(text: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def html_entries(page: str) -> list[str]:
    return [normalise(e) for e in re.findall(r'<div id="ref-[^"]+"[^>]*>(.*?)</div>', page, re.S)]


@pytest.fixture(scope="module")
def everything(seed_corpus: Project):
    """A summary of every concept with claims, the works it cites, and every citable key."""
    from partnergraph.concepts import find_concept

    with open_store(seed_corpus.default_store, seed_corpus) as store:
        citable = {str(r["key"]) for r in store.select(CITABLE).dicts()}
        concepts = [
            find_concept(store, str(r["concept"]).rsplit("/", 1)[-1])
            for r in store.select(CONCEPTS_WITH_CLAIMS).dicts()
        ]
        summary = build_summary(store, seed_corpus, concepts)
    return summary, cited_works(summary, load_sources(seed_corpus).works), citable


def oracle(items: list[dict[str, object]], style: str, folder: Path, cited: list[str]) -> list[str]:
    """`pandoc --citeproc` over the CSL-JSON alone, every item cited in the order given:
    the summary's order of first citation, since two works of one author and year that
    nothing else tells apart (IVAR, n.d.) take their 'a' and 'b' in that order."""
    (folder / "items.json").write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    (folder / "list.md").write_text(" ".join(f"[@{key}]" for key in cited), encoding="utf-8")
    done = subprocess.run(
        ["pandoc", "--citeproc", f"--csl={style_path(style)}", "--bibliography=items.json", "list.md"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    return html_entries(done.stdout)


def test_the_summary_cites_every_citable_work(everything) -> None:
    _, works, citable = everything
    assert {w.key for w in works} == citable and len(citable) > 150


@pytest.mark.parametrize("style", STYLES)
def test_html_and_word_reference_lists_agree_with_pandoc(everything, style: str, tmp_path: Path) -> None:
    summary, works, _ = everything
    page = to_html(summary, works, style)
    by_key = {item["id"]: item for item in reference_items(works)}
    first_cited = dict.fromkeys(re.findall(r'href="#ref-([^"]+)"', page.split('id="refs"')[0]))
    assert first_cited.keys() == by_key.keys()
    expected = oracle(list(by_key.values()), style, tmp_path, list(first_cited))
    assert len(expected) == len(works)
    assert html_entries(page) == expected
    paragraphs = [p.text for p in docx.Document(io.BytesIO(to_docx(summary, works, style))).paragraphs]
    assert [" ".join(p.split()) for p in paragraphs[paragraphs.index("References") + 1 :]] == expected


def test_the_rendered_items_are_bib_exports_but_for_a_sole_author_et_al(everything) -> None:
    """The CSL-JSON rendered is `bib export`'s, except "Lewicki and others", which Debian's
    Pandoc 2.17 would print as "Lewickiothers." in APA's list (jgm/citeproc#102)."""
    _, works, _ = everything
    changed = {
        item["id"]: item["author"]
        for item, work in zip(reference_items(works), works, strict=True)
        if item != to_csl(work)
    }
    assert changed["lewicki1998"] == [{"literal": "Lewicki et al."}]
    assert all(len(names) == 1 and names[0]["literal"].endswith(" et al.") for names in changed.values())
