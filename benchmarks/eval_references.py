"""Reference-list parsing and matching, measured on the dissertation's bibliography.

The wallace2010 text's "Bibliography" section is parsed with `find_references`; each
parsed entry is paired with the curated BibTeX entry of the same first author
(surname spelled exactly) and year, several such entries told apart by title. Then:

* per-field accuracy (author surnames, year, title, container, volume, pages, DOI)
  over the pairs whose curated entry has the field;
* `match_work` precision and recall against the pairing, and its false matches when
  the true entry is removed from the bibliography (a match then is always wrong).

    .venv/bin/python benchmarks/eval_references.py [--seeds ../shared/seeds] [--json]

refextract (INSPIRE's parser, PyPI `refextract` 1.1.7) is compared in a throwaway venv,
not a dependency: `python -m venv /tmp/refx && /tmp/refx/bin/pip install refextract`,
then dump `refextract.extract_references_from_string(SECTION, is_only_references=True)`
for the text between the "Bibliography" heading and "Appendix 1 -" to JSON and pass it
with `--refextract FILE`. Its records are scored by the same pairing and fields.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from partnergraph.bib_matching import first_surname, match_work, work_surname
from partnergraph.bibcheck import title_key
from partnergraph.bibliography import Work, load_bib_file
from partnergraph.citations import key_stem
from partnergraph.reference_parser import ParsedReference, _authors, find_references

ROOT = Path(__file__).resolve().parent.parent
DISSERTATION = "002_cc4cc6e4e2478cf6.txt"
FIELDS = ("author", "year", "title", "container", "volume", "pages", "doi")


def load_works() -> list[Work]:
    problems: list = []
    works = []
    for path in sorted((ROOT / "bibliography").glob("*.bib")):
        works += load_bib_file(path.read_text(encoding="utf-8"), str(path), problems)
    return works


def gold_pair(ref: ParsedReference, works: list[Work]) -> Work | None:
    """The curated entry this reference describes: exact surname and year; among several,
    the one whose title agrees. Independent of match_work's tolerance for misspellings."""
    same = [
        w
        for w in works
        if (w.get("year") or "")[:4] == ref.year and work_surname(w) == first_surname(ref) and w.get("title")
    ]
    if len(same) > 1:
        same = [w for w in same if title_key(w.get("title")) == title_key(ref.title)]
    return same[0] if len(same) == 1 else None


def _norm(value: str | None) -> str:
    value = re.sub(r"^Retrieved from\s+", "", value or "", flags=re.IGNORECASE)
    return re.sub(r"[^a-z0-9]", "", value.lower().replace("\u2013", "-"))


def _surnames(authors: tuple[str, ...] | str) -> list[str]:
    """Surnames as keys spell them; a braced (corporate) BibTeX author is one name."""
    if isinstance(authors, str) and authors.startswith("{"):
        authors = (authors.strip("{}"),)
    names = authors if isinstance(authors, tuple) else tuple(re.split(r"\s+and\s+", authors))
    return [key_stem(n.split(",")[0] if "," in n else n) for n in names if n and n != "others"]


def field_values(ref: ParsedReference, work: Work) -> dict[str, tuple[object, object] | None]:
    """(parsed, curated) per field; None where the curated entry lacks the field."""
    containers = [work.get(f) for f in ("journal", "booktitle", "publisher", "howpublished", "institution")]
    container = next((c for c in containers if c), None)
    pairs: dict[str, tuple[object, object] | None] = {
        "author": (_surnames(ref.authors), _surnames(work.raw_fields.get("author") or ""))
        if work.get("author")
        else None,
        "year": (ref.year, (work.get("year") or "")[:4]) if work.get("year") else None,
        "title": (_norm(ref.title), _norm(work.get("title"))) if work.get("title") else None,
        "container": (
            (_norm(ref.container), _norm(container), {_norm(c) for c in containers if c})
            if container
            else None
        ),
        "volume": (ref.volume, work.get("volume")) if work.get("volume") else None,
        "pages": (_norm(ref.pages), _norm(work.get("pages"))) if work.get("pages") else None,
        "doi": ((ref.doi or "").lower().rstrip("."), (work.get("doi") or "").lower().rstrip("."))
        if work.get("doi")
        else None,
    }
    return pairs


def _right(name: str, pair: tuple) -> bool:
    if name == "container":
        return pair[0] in pair[2]
    return pair[0] == pair[1]


@dataclass
class Evaluation:
    entries: int = 0
    paired: int = 0
    seconds: float = 0.0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    wrong: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    matched: int = 0
    matched_right: int = 0
    false_when_absent: int = 0
    unpaired: list[str] = field(default_factory=list)
    false_examples: list[str] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.right[name] / self.total[name] if self.total[name] else 0.0

    def summary(self) -> dict:
        return {
            "entries": self.entries,
            "paired_with_curated": self.paired,
            "parse_seconds": round(self.seconds, 4),
            "accuracy": {f: round(self.accuracy(f), 3) for f in FIELDS},
            "support": self.total,
            "match_precision": round(self.matched_right / self.matched, 3) if self.matched else 0.0,
            "match_recall": round(self.matched_right / self.paired, 3) if self.paired else 0.0,
            "false_matches_when_entry_absent": self.false_when_absent,
            "false_match_examples": self.false_examples,
            "unpaired": self.unpaired,
            "wrong_examples": {f: v[:3] for f, v in self.wrong.items() if v},
        }


def evaluate(text: str, works: list[Work], refs: list[ParsedReference] | None = None) -> Evaluation:
    """Score `find_references` on the text, or another parser's references if given."""
    started = time.perf_counter()
    refs = find_references(text) if refs is None else refs
    result = Evaluation(entries=len(refs), seconds=time.perf_counter() - started)
    for ref in refs:
        gold = gold_pair(ref, works)
        if gold is None:
            result.unpaired.append(ref.raw[:70])
            continue
        result.paired += 1
        for name, pair in field_values(ref, gold).items():
            if pair is None:
                continue
            result.total[name] += 1
            if _right(name, pair):
                result.right[name] += 1
            else:
                result.wrong[name].append(f"{gold.key}: parsed {pair[0]!r}, curated {pair[1]!r}")
        found = match_work(ref, works)
        if found is not None:
            result.matched += 1
            result.matched_right += found.key == gold.key
        wrong = match_work(ref, [w for w in works if w.key != gold.key])
        if wrong is not None:
            result.false_when_absent += 1
            result.false_examples.append(f"{gold.key} -> {wrong.key}")
    return result


def from_refextract(records: list[dict]) -> list[ParsedReference]:
    """refextract's records (``extract_references_from_string`` output, dumped as JSON by
    a separate venv) as ParsedReferences; its author string goes through our name
    splitter, so its author score is an upper bound. Records without a year (URL lines
    it split off as references of their own) cannot be paired and are dropped."""
    refs = []
    for record in records:
        years = record.get("year") or []
        if not years:
            continue
        first = {name: (values or [None])[0] for name, values in record.items()}
        authors = _authors(first["author"]) if first.get("author") else ()
        refs.append(
            ParsedReference(
                start=0, end=0, raw=" ".join(record.get("raw_ref", [])), number=None, authors=authors,
                year=years[0][:4], title=first.get("title"),
                container=first.get("journal_title") or first.get("publisher"),
                volume=first.get("journal_volume"), issue=None, pages=first.get("journal_page"),
                doi=first.get("doi"), url=first.get("url"), entry_type="misc",
            )
        )  # fmt: skip
    return refs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--refextract", type=Path, help="also score refextract's output (JSON) on the same list, as a ratio"
    )
    args = parser.parse_args(argv)
    path = args.seeds / DISSERTATION
    if not path.is_file():
        print(f"no {path}: pass --seeds DIR holding the reviewed texts", file=sys.stderr)
        return 2
    text, works = path.read_text(encoding="utf-8"), load_works()
    summary = evaluate(text, works).summary()
    if args.refextract:
        records = json.loads(args.refextract.read_text(encoding="utf-8"))
        other = evaluate(text, works, from_refextract(records)).summary()
        summary["refextract"] = {f: other["accuracy"][f] for f in FIELDS}
        summary["refextract"]["paired_with_curated"] = other["paired_with_curated"]
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"{summary['entries']} entries parsed, {summary['paired_with_curated']} paired with curated BibTeX")
    for name in FIELDS:
        print(f"  {name:<9} {summary['accuracy'][name]:.3f}  (of {summary['support'][name]})")
    print(f"match_work: precision {summary['match_precision']}, recall {summary['match_recall']}, "
          f"{summary['false_matches_when_entry_absent']} false matches, true entry removed")  # fmt: skip
    if "refextract" in summary:
        print(f"refextract, same list ({summary['refextract']['paired_with_curated']} paired): " + ", ".join(
            f"{f} {summary['refextract'][f]:.3f}" for f in FIELDS))  # fmt: skip
    for name, examples in summary["wrong_examples"].items():
        for example in examples:
            print(f"  wrong {name}: {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
