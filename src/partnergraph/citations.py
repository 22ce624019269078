"""`partnergraph coverage --texts DIR`: are all a document's citations in the graph?

Annotation by hand misses things. This takes the citations `citation_finder` finds in
a reviewed document's text and compares the author-year ones with the works the
document's claims assert or cite via, so a curator sees which citations no claim uses
yet and which match no bibliography entry at all.

Matching goes through the cite-key convention of the bibliography: the first
author's surname in lowercase ASCII letters, the year and its letter (`cairns2006`,
`charitiescommission2009a`), looked up among entry keys and their `ids` variants —
so a misspelling is matched when the bibliography records it. Numbered citations and
note markers carry no name to match: they are counted, resolved through the text's
reference list when one can be read, and otherwise reported as citations the tool
cannot read, so a text cited only by number never passes as "0 citations".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Work
from .citation_finder import FoundCitation, find_citations, key_stem, note_bodies
from .project import Project
from .reference_parser import find_references, match_work
from .verify import document_texts

__all__ = ["CoverageReport", "DocumentCoverage", "citation_coverage", "find_citations", "key_stem"]


@dataclass
class DocumentCoverage:
    document: str
    citations: int = 0
    resolved: dict[str, set[str]] = field(default_factory=dict)
    unresolved: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    numbered: int = 0
    notes: int = 0
    listed_numbers: set[int] = field(default_factory=set)
    unread_numbers: set[int] = field(default_factory=set)
    note_bodies: set[int] = field(default_factory=set)
    unread_notes: set[int] = field(default_factory=set)
    notes_with_text: int = 0

    @property
    def unused(self) -> set[str]:
        """Works the text cites that no claim of this document asserts or cites via."""
        return set(self.resolved) - self.used

    @property
    def unreadable(self) -> bool:
        """Numbers no reference list read has an entry for, or markers whose note is not in the text."""
        return bool(self.unread_numbers or self.unread_notes)

    def number_lines(self) -> list[str]:
        out = []
        if self.numbered and not self.listed_numbers:
            out.append(
                f"  {self.numbered} numbered citations, no reference list read: they cannot be matched"
            )
        elif self.numbered:
            out.append(
                f"  {self.numbered} numbered citations; the reference list read gives "
                f"{len(self.listed_numbers)} numbered entries"
                + (
                    f"; none for {_number_word(self.unread_numbers)} {_numbers(self.unread_numbers)}"
                    if self.unread_numbers
                    else ""
                )
            )
        if self.notes:
            out.append(
                f"  {self.notes} note markers, {self.notes_with_text} with their note in the text"
                + (f"; no note text for {_numbers(self.unread_notes)}" if self.unread_notes else "")
            )
        return out


def _number_word(numbers: set[int]) -> str:
    return "number" if len(numbers) == 1 else "numbers"


def _numbers(numbers: set[int]) -> str:
    shown = ", ".join(map(str, sorted(numbers)[:20]))
    return shown + (f" and {len(numbers) - 20} more" if len(numbers) > 20 else "")


@dataclass
class CoverageReport:
    documents: list[DocumentCoverage] = field(default_factory=list)
    no_text: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """What `--strict` asks: every citation found matches an entry or a read reference."""
        return not any(doc.unresolved or doc.unreadable for doc in self.documents)

    def lines(self) -> list[str]:
        out = [
            "citations found in each text: author-year ones matched to the bibliography by cite key "
            "and ids; numbered citations and note markers counted and looked up in the text's reference list:"
        ]
        for doc in self.documents:
            out.append(
                f"{doc.document}: {doc.citations} citations of {len(doc.resolved)} works in the "
                f"bibliography, {len(doc.resolved) - len(doc.unused)} of them used by claims; "
                f"{len(doc.unresolved)} citation forms match no entry"
            )
            out += doc.number_lines()
            for key in sorted(doc.unused):
                forms = "; ".join(sorted(doc.resolved[key])[:3])
                out.append(f"  cited but no claim uses it: {key}  ({forms})")
            for form, count in sorted(doc.unresolved.items()):
                out.append(f"  no bibliography entry matches: «{form}» ×{count}")
        out += [f"{doc}: no text found" for doc in self.no_text]
        return out


_TITLE_WORD = re.compile(r"(\d{4}|-nd)-?[a-z]+$")


def key_index(works: list[Work]) -> dict[str, str]:
    """Cite keys a citation may produce → the entry's key: the keys, their `ids`, and the key
    without its title word (`rowe2006abusive` → `rowe2006`, `fieldsintrust-nd-working` →
    `fieldsintrust-nd`) when no other entry shares that stem."""
    index = {w.key: w.key for w in works}
    for w in works:
        for variant in w.variant_keys:
            index.setdefault(variant, w.key)
    stems: dict[str, list[str]] = {}
    for w in works:
        stems.setdefault(_TITLE_WORD.sub(r"\1", w.key), []).append(w.key)
    for stem, keys in stems.items():
        if len(keys) == 1:
            index.setdefault(stem, keys[0])
    return index


def listed_works(text: str, works: list[Work]) -> dict[int, tuple[str | None, str]]:
    """Each numbered entry of the text's reference or endnote list → the bibliography entry it
    matches (None when none does) and the entry's opening words, for the report."""
    return {
        ref.number: (
            work.key if (work := match_work(ref, works)) else None,
            re.sub(r"^\W*\d+\W*", "", " ".join(ref.raw.split()))[:50],
        )
        for ref in find_references(text)
        if ref.number is not None
    }


def document_coverage(doc_key: str, used: set[str], text: str, works: list[Work]) -> DocumentCoverage:
    cover = DocumentCoverage(doc_key, used=used)
    index = key_index(works)
    numbered: list[FoundCitation] = []
    for citation in find_citations(text):
        if citation.kind != "author-year":
            numbered.append(citation)
            continue
        key = next((index[c] for c in citation.keys if c in index), None)
        if key == doc_key:
            continue
        cover.citations += 1
        if key is None:
            cover.unresolved[citation.label] = cover.unresolved.get(citation.label, 0) + 1
        else:
            cover.resolved.setdefault(key, set()).add(citation.label)
    if numbered:
        _count_numbers(cover, numbered, text, works)
    return cover


def _count_numbers(
    cover: DocumentCoverage, numbered: list[FoundCitation], text: str, works: list[Work]
) -> None:
    """Numbered citations go through the reference list to the bibliography; notes are only
    checked for their text, since a note may hold a remark rather than a reference."""
    listed = listed_works(text, works)
    cover.numbered = sum(c.kind == "numbered" for c in numbered)
    cover.notes = len(numbered) - cover.numbered
    cover.listed_numbers = set(listed)
    cover.note_bodies = note_bodies(text)
    for n in (n for c in numbered if c.kind == "numbered" for n in c.numbers):
        if n not in listed:
            cover.unread_numbers.add(n)
            continue
        cover.citations += 1
        key, head = listed[n]
        if key is None:
            cover.unresolved[f"[{n}] {head}"] = cover.unresolved.get(f"[{n}] {head}", 0) + 1
        else:
            cover.resolved.setdefault(key, set()).add(f"[{n}]")
    notes = [c.numbers for c in numbered if c.kind == "note"]
    cover.notes_with_text = sum(set(n) <= cover.note_bodies for n in notes)
    cover.unread_notes = {n for numbers in notes for n in numbers} - cover.note_bodies


def citation_coverage(project: Project, texts: Path, document: str | None = None) -> CoverageReport:
    sources, documents = document_texts(project, texts, document)
    report = CoverageReport()
    for doc, path in documents:
        if path is None:
            report.no_text.append(doc.document)
            continue
        used = {key for claim in doc.claims for key in (*claim.asserted_by, *claim.via)}
        report.documents.append(
            document_coverage(doc.document, used, path.read_text(encoding="utf-8"), sources.works)
        )
    return report
