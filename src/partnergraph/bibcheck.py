"""`partnergraph bib check`: what a careful reference manager would flag.

Entries never cited, citations without entries, probable duplicates (the same work
under two keys, e.g. a misspelt author) and missing fields. Minimal entries (only
author and year known, `pg-minimal = {true}`) are counted, not flagged: the texts
do not say more about them, and nothing may be invented.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from .bibliography import Work, split_list
from .build import Sources
from .citation_finder import key_stem
from .errors import SourceProblem
from .references import check_references, cited_keys
from .verify import chosen_documents

REQUIRED = {
    "article": ("author", "title", "journal", "year"),
    "book": ("title", "publisher", "year"),
    "incollection": ("author", "title", "booktitle", "year"),
    "inbook": ("title", "year"),
    "techreport": ("title", "institution"),
    "report": ("title", "institution"),
    "mastersthesis": ("author", "title", "school", "year"),
    "phdthesis": ("author", "title", "school", "year"),
    "inproceedings": ("author", "title", "booktitle", "year"),
    "online": ("title", "url"),
    "misc": ("title",),
}


def _surname(work: Work) -> str:
    """The first author's surname; a corporate author (braced in BibTeX) is compared whole."""
    raw = (work.raw_fields.get("author") or "").strip()
    if raw.startswith("{") and raw.endswith("}"):
        return key_stem(work.get("author") or "")
    author = (work.get("author") or work.get("editor") or work.get("institution") or "").split(" and ")[0]
    name = author.split(",")[0].strip().split(" ")[-1] if "," not in author else author.split(",")[0]
    return key_stem(name)


def title_key(title: str | None) -> str:
    """A title as compared for sameness: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", (title or "").lower())


def _title_key(work: Work) -> str:
    return title_key(work.get("title"))


def probable_duplicates(works: list[Work]) -> list[tuple[Work, Work, str]]:
    """Pairs sharing a title, or a year and a surname within one letter of each other."""
    pairs: list[tuple[Work, Work, str]] = []
    by_title: dict[str, list[Work]] = defaultdict(list)
    for w in works:
        if _title_key(w):
            by_title[_title_key(w)].append(w)
    for group in by_title.values():
        pairs += [(a, b, "same title") for i, a in enumerate(group) for b in group[i + 1 :]]
    by_year: dict[str, list[Work]] = defaultdict(list)
    for w in works:
        by_year[w.get("year") or ""].append(w)
    seen = {(a.key, b.key) for a, b, _ in pairs}
    for year, group in by_year.items():
        if not year:
            continue
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if (a.key, b.key) in seen or not (_surname(a) and _surname(b)):
                    continue
                if _similar(_surname(a), _surname(b)) and not (_title_key(a) and _title_key(b)):
                    pairs.append((a, b, f"authors '{_surname(a)}'/'{_surname(b)}' and year {year}"))
    return [(a, b, why) for a, b, why in pairs if not _kept_apart(a, b)]


def _kept_apart(a: Work, b: Work) -> bool:
    """A curator has looked at the pair and listed one in the other's `pg-distinct`."""
    return b.key in split_list(a.get("pg-distinct")) or a.key in split_list(b.get("pg-distinct"))


def _similar(a: str, b: str) -> bool:
    """Equal, or one edit apart (Snavely / Snaveley)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass
class BibReport:
    works: int = 0
    minimal: int = 0
    uncited: list[Work] = field(default_factory=list)
    unresolved: list[SourceProblem] = field(default_factory=list)
    duplicates: list[tuple[Work, Work, str]] = field(default_factory=list)
    missing: list[tuple[Work, list[str]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.unresolved or self.duplicates or self.missing)

    def lines(self) -> list[str]:
        out = [f"citation without entry: {p}" for p in self.unresolved]
        out += [
            f"{a.origin.path} line {a.origin.line}: '{a.key}' and '{b.key}' look like one work "
            f"({why}) — merge them and keep the other key in 'ids'"
            for a, b, why in self.duplicates
        ]
        out += [
            f"{w.origin.path} line {w.origin.line}: '{w.key}' (@{w.entry_type}) lacks "
            f"{', '.join(fields)} — add them if a text states them, or set pg-minimal"
            for w, fields in self.missing
        ]
        out += [f"never cited: {w.key} ({w.origin.path} line {w.origin.line})" for w in self.uncited]
        out.append(
            f"{self.works} works: {len(self.uncited)} never cited, {self.minimal} minimal, "
            f"{len(self.duplicates)} probable duplicate pairs, {len(self.missing)} with missing "
            f"fields, {len(self.unresolved)} citations without entries"
        )
        return out


def check_bibliography(sources: Sources, document: str | None = None) -> BibReport:
    """`sources` must load (its references resolve); this reports the softer problems.

    With `document`, only the works that document's claims cite (and the document
    itself) are checked: "never cited" says nothing about one document, so it is left
    out, and a duplicate pair is kept when either of its works is the document's.
    """
    works = sources.works
    cited = cited_keys(sources.corpus)
    unresolved = check_references(sources.corpus, works)
    duplicates = probable_duplicates(works)
    uncited = [w for w in works if w.key not in cited]
    if document is not None:
        doc = chosen_documents(sources, document)[0]
        own = {doc.document} | {k for c in doc.claims for k in (*(c.asserted_by or ()), *c.via)}
        works = [w for w in works if w.key in own]
        unresolved = [p for p in unresolved if p.path == doc.origin.path]
        duplicates = [(a, b, why) for a, b, why in duplicates if a.key in own or b.key in own]
        uncited = []
    report = BibReport(works=len(works), minimal=sum(w.minimal for w in works))
    report.unresolved, report.duplicates, report.uncited = unresolved, duplicates, uncited
    for w in works:
        if w.minimal:
            continue
        needed = REQUIRED.get(w.entry_type, ("title",))
        unstated = set(split_list(w.get("pg-unstated")))
        lacking = [
            f for f in needed if not w.get(f) and not (f == "year" and w.get("date")) and f not in unstated
        ]
        if lacking:
            report.missing.append((w, lacking))
    return report
