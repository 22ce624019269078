"""Citation finding, measured per reviewed document against its curated claims.

For each reviewed document of the corpus (read from corpus/documents, not a fixed
list), `find_citations` runs on its text; each author-year citation is mapped to a
cite key with the bibliography's key rules and `ids` variants (as `coverage` does).
The reference set is the works the document's curated claims name in `asserted_by`
and `via` (the document itself left out). Then, over distinct works:

* recall: reference works some found citation maps to;
* precision against the claims: found works (and unmatched citation forms) that the
  claims name — a work the text cites but no claim uses counts as wrong here, so this
  is a lower bound;
* precision against the bibliography: found citations that map to any entry, the
  rest being misreadings (or works the curators left out).

* secondary: of the works the claims cite `via` (a secondary citation), the share that a
  citation found with "as cited by/in" or "drawing on (the work of)" before it maps to.

Numbered citations carry no key; their count is reported beside. A note marker whose
note the text holds counts for the works that note cites (author-year, a reference with
initials, or a title), and the markers so tied are counted beside.

This is not a held-out measure: the finder's forms were written from these five texts
(the forms the issue lists, the undated, month-dated and multi-year forms the misses
showed, and the footnote layout of the Compass), so a sixth document is the real test;
tests/fixtures/notes holds a small held-out text written before the note rules ran on it.

    .venv/bin/python benchmarks/eval_citations.py [--seeds ../shared/seeds] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from partnergraph import Project
from partnergraph.citation_finder import find_citations
from partnergraph.citations import WorkResolver
from partnergraph.verify import document_texts

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class DocumentScore:
    document: str
    text_file: str
    reference: int
    found_works: int
    unmatched_forms: int
    recall: float
    precision_claims: float
    precision_bibliography: float
    numbered: int
    notes: int
    notes_tied: int = 0
    via: int = 0
    secondary_recall: float = 1.0
    missed: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


def evaluate(project: Project, texts: Path) -> list[DocumentScore]:
    sources, documents = document_texts(project, texts)
    resolver = WorkResolver(sources.works)
    scores = []
    for doc, path in documents:
        if path is None:
            continue
        reference = {k for c in doc.claims for k in (*c.asserted_by, *c.via)} - {doc.document}
        text = path.read_text(encoding="utf-8")
        found = find_citations(text)
        via = {k for c in doc.claims for k in c.via}
        works: set[str] = set()
        secondary: set[str] = set()
        unmatched: set[str] = set()
        for citation in (c for c in found if c.kind in ("author-year", "web")):
            key = resolver.in_context(text, citation)
            if key is None:
                unmatched.add(citation.label)
            elif key != doc.document:
                works.add(key)
                if citation.secondary:
                    secondary.add(key)
        tied = [resolver.keys(c) for c in found if c.kind == "note"]
        works |= {k for keys in tied for k in keys} - {doc.document}
        predicted = len(works) + len(unmatched)
        scores.append(
            DocumentScore(
                document=doc.document,
                text_file=path.name,
                reference=len(reference),
                found_works=len(works),
                unmatched_forms=len(unmatched),
                recall=_ratio(len(reference & works), len(reference)),
                precision_claims=_ratio(len(reference & works), predicted),
                precision_bibliography=_ratio(len(works), predicted),
                numbered=sum(c.kind == "numbered" for c in found),
                notes=sum(c.kind == "note" for c in found),
                notes_tied=sum(bool(keys) for keys in tied),
                via=len(via),
                secondary_recall=_ratio(len(via & secondary), len(via)),
                missed=sorted(reference - works),
                unmatched=sorted(unmatched),
            )
        )
    return sorted(scores, key=lambda s: s.text_file)


def table(scores: list[DocumentScore]) -> str:
    lines = [
        "| text | document | works | recall | precision (claims) | precision (bib) | via: secondary "
        "| numbered | notes (tied to a work) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {s.text_file[:3]} | {s.document} | {s.reference} | {s.recall:.3f} | {s.precision_claims:.3f} "
        f"| {s.precision_bibliography:.3f} | {s.via}: {s.secondary_recall:.3f} | {s.numbered} "
        f"| {s.notes} ({s.notes_tied}) |"
        for s in scores
    ]
    for s in scores:
        if s.missed:
            lines.append(f"{s.document} missed: {', '.join(s.missed[:8])}")
        if s.unmatched:
            lines.append(f"{s.document} unmatched forms: {'; '.join(s.unmatched[:8])}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.seeds.is_dir():
        print(f"no reviewed texts at {args.seeds}", file=sys.stderr)
        return 2
    scores = evaluate(Project.locate(ROOT), args.seeds)
    print(json.dumps([asdict(s) for s in scores], indent=1) if args.json else table(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
