"""`partnergraph coverage --texts DIR`: are all a document's citations in the graph?

Annotation by hand misses things. This takes the citations `citation_finder` finds in
a reviewed document's text and compares the author-year ones with the works the
document's claims assert or cite via, so a curator sees which citations no claim uses
yet and which match no bibliography entry at all.

Matching goes through the cite-key convention of the bibliography: the first
author's surname in lowercase ASCII letters, the year and its letter (`cairns2006`,
`charitiescommission2009a`), looked up among entry keys and their `ids` variants —
so a misspelling is matched when the bibliography records it. Numbered citations carry
no name to match: they are resolved through the text's reference list when one can be
read. A note marker counts for the works its own note cites, when the text holds the
note. What cannot be read is reported, so a text cited only by number never passes as
"0 citations".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .bib_matching import titles_agree, work_surname
from .bibliography import Work
from .citation_finder import FoundCitation, find_citations, key_stem, note_bodies
from .corpus import DocumentAnnotations
from .coverage_reviews import ReviewedCitation, load_coverage_reviews
from .errors import SourceProblem
from .project import Project
from .reference_parser import find_references, match_work
from .verify import document_texts

__all__ = [
    "CoverageReport",
    "DocumentCoverage",
    "WorkResolver",
    "citation_coverage",
    "find_citations",
    "key_stem",
]


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
    notes_tied: int = 0
    reviewed: dict[str, ReviewedCitation] = field(default_factory=dict)
    stale: list[SourceProblem] = field(default_factory=list)

    @property
    def unused(self) -> set[str]:
        """Works the text cites that no claim of this document asserts or cites via."""
        return set(self.resolved) - self.used

    @property
    def unreviewed(self) -> set[str]:
        """Unused works no one has yet recorded as carrying no finding: the gaps left."""
        return self.unused - set(self.reviewed)

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
                + (f", {self.notes_tied} tied to a work" if self.notes_tied else "")
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
        """What `--strict` asks: every citation found matches an entry or a read reference, and
        every work cited is used by a claim or recorded, up to date, as carrying no finding."""
        return not any(
            doc.unresolved or doc.unreadable or doc.unreviewed or doc.stale for doc in self.documents
        )

    def lines(self) -> list[str]:
        out = [
            "citations found in each text: author-year ones matched to the bibliography by cite key "
            "and ids (or by the title they close); numbered citations looked up in the text's reference "
            "list, note markers in their notes:"
        ]
        for doc in self.documents:
            reviewed = len(doc.unused) - len(doc.unreviewed)
            out.append(
                f"{doc.document}: {doc.citations} citations of {len(doc.resolved)} works in the "
                f"bibliography, {len(doc.resolved) - len(doc.unused)} of them used by claims"
                + (f", {reviewed} reviewed as carrying no finding" if reviewed else "")
                + f"; {len(doc.unresolved)} citation forms match no entry"
            )
            out += doc.number_lines()
            for key in sorted(doc.unused):
                forms = "; ".join(sorted(doc.resolved[key])[:3])
                entry = doc.reviewed.get(key)
                if entry is None:
                    out.append(f"  cited but no claim uses it: {key}  ({forms})")
                else:
                    out.append(f"  reviewed: no finding — {entry.reason}: {key}  ({forms})")
            out += [f"  {problem}" for problem in doc.stale]
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


_MIN_TITLE_WORDS = 3
_YEARS = re.compile(r"\b(?:19|20)\d\d\b")


def _author_count(work: Work) -> int:
    raw = (work.raw_fields.get("author") or "").strip()
    if not raw or (raw.startswith("{") and raw.endswith("}")):
        return 1
    return len(re.split(r"\s+and\s+", raw))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _address(url: str | None) -> str:
    """A web address compared for sameness: no scheme, no "www.", no closing slash."""
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", (url or "").strip().lower()).rstrip("/") if url else ""


class WorkResolver:
    """Citations found in a text → the bibliography's cite keys, one rule set for coverage,
    the evaluation and ingest."""

    def __init__(self, works: list[Work]) -> None:
        self.works = works
        self.index = key_index(works)
        self.by_key = {w.key: w for w in works}
        self.titles = [
            (w, _words(w.get("title") or ""))
            for w in works
            if len(_words(w.get("title") or "")) >= _MIN_TITLE_WORDS
        ]

    def keys(self, citation: FoundCitation) -> list[str]:
        if citation.kind == "author-year":
            key = self.author_year(citation)
            return [key] if key else []
        if citation.kind == "web":
            return [w.key for w in self.works if _address(w.get("url")) == _address(citation.text)]
        if citation.kind == "note":
            found = [k for c in citation.cites for k in self.keys(c)]
            return list(dict.fromkeys(found + self.titled(citation.note_text)))
        return []

    def author_year(self, citation: FoundCitation) -> str | None:
        """The entry its keys name; but one author named alone ("Vangen, 2012") is not a
        work of two ("Vangen and Huxham, 2012") when the bibliography has a single-author
        work of that name and year."""
        key = next((self.index[k] for k in citation.keys if k in self.index), None)
        if (
            key is None
            or citation.et_al
            or len(citation.surnames) != 1
            or _author_count(self.by_key[key]) == 1
        ):
            return key
        surname, year = key_stem(citation.surnames[0]), (citation.year or "")[:4]
        sole = [
            w
            for w in self.works
            if _author_count(w) == 1 and work_surname(w) == surname and (w.get("year") or "")[:4] == year
        ]
        return sole[0].key if len(sole) == 1 else key

    def in_context(self, text: str, citation: FoundCitation) -> str | None:
        """The work a web address or author-year citation names; failing that, the work whose
        title leads the reference
        it closes ("Working in Partnership: a snapshot …, Lucy Stewart, ACOSVO (2013)"), read
        from the start of its line, or else of the line before: resource lists and notes put
        the title first, and a long title wraps."""
        if citation.kind != "author-year":
            return next(iter(self.keys(citation)), None)
        key = self.author_year(citation) or self._last_author(citation)
        if key is not None:
            return key
        line_start = text.rfind("\n", 0, citation.start) + 1
        for start in (line_start, text.rfind("\n", 0, max(line_start - 1, 0)) + 1):
            titled = self.titled(text[start : citation.end])
            if titled:
                return titled[0] if len(titled) == 1 else None
        return None

    def _last_author(self, citation: FoundCitation) -> str | None:
        """In a title-first reference ("Working in Partnership, IOD PARC (2005)") the author is
        the name just before the year. Only a name of two or more words is read so, since the
        last of a list of people ("Glasby, Dickinson, & Peck, 2006") is not the first author."""
        last = citation.surnames[-1].split() if len(citation.surnames) > 1 else []
        key = key_stem("".join(last)) + (citation.year or "-nd")
        return self.index.get(key) if len(last) > 1 else None

    def titled(self, text: str) -> list[str]:
        """Works a note names by title ("Good practice guide: Working in partnership. Big
        Lottery Fund"): a title of three or more words agreeing with words of the note, and
        a dated work's year printed in it. Where titles overlap the longest wins, and two
        of one length name no work, since the note cannot tell which."""
        words, years = _words(text), set(_YEARS.findall(text))
        hits: list[tuple[int, int, str]] = []
        for work, title in self.titles:
            year = (work.get("year") or "")[:4]
            if year and year not in years:
                continue
            for i in (i for i, word in enumerate(words) if word == title[0]):
                window = words[i : i + len(title)]
                if len(window) == len(title) and titles_agree(" ".join(window), " ".join(title)):
                    hits.append((i, i + len(title), work.key))
        kept = []
        for start, end, key in hits:
            rivals = [h for h in hits if h[0] < end and start < h[1] and h[2] != key]
            if all(end - start > h[1] - h[0] for h in rivals):
                kept.append(key)
        return list(dict.fromkeys(kept))


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
    resolver = WorkResolver(works)
    numbered: list[FoundCitation] = []
    for citation in find_citations(text):
        if citation.kind in ("numbered", "note"):
            numbered.append(citation)
            continue
        key = resolver.in_context(text, citation)
        if key == doc_key:
            continue
        cover.citations += 1
        if key is None:
            cover.unresolved[citation.label] = cover.unresolved.get(citation.label, 0) + 1
        else:
            cover.resolved.setdefault(key, set()).add(citation.label)
    if numbered:
        _count_numbers(cover, numbered, text, resolver)
    return cover


def _count_numbers(
    cover: DocumentCoverage, numbered: list[FoundCitation], text: str, resolver: WorkResolver
) -> None:
    """Numbered citations go through the reference list to the bibliography. A note marker
    counts as a citation of the works its note cites; a note citing none is only checked for
    its text, since a note may hold a remark rather than a reference."""
    works = resolver.works
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
    for note in (c for c in numbered if c.kind == "note"):
        keys = [k for k in resolver.keys(note) if k != cover.document]
        cover.notes_tied += bool(keys)
        cover.citations += len(keys)
        for key in keys:
            cover.resolved.setdefault(key, set()).add(note.label)
    notes = [c.numbers for c in numbered if c.kind == "note"]
    cover.notes_with_text = sum(set(n) <= cover.note_bodies for n in notes)
    cover.unread_notes = {n for numbers in notes for n in numbers} - cover.note_bodies


def citation_coverage(project: Project, texts: Path, document: str | None = None) -> CoverageReport:
    """Each document's citations, read against its claims and its coverage file
    (`corpus/coverage/<document>.yaml`, see `coverage_reviews`)."""
    sources, documents = document_texts(project, texts, document)
    reviews = load_coverage_reviews(
        project,
        {doc.document for doc in sources.corpus.documents},
        {w.key: set(w.variant_keys) for w in sources.works},
    )
    report = CoverageReport()
    for doc, path in documents:
        if path is None:
            report.no_text.append(doc.document)
            continue
        used = {key for claim in doc.claims for key in (*claim.asserted_by, *claim.via)}
        cover = document_coverage(doc.document, used, path.read_text(encoding="utf-8"), sources.works)
        cover.reviewed = reviews.get(doc.document, {})
        cover.stale = stale_reviews(doc, cover)
        report.documents.append(cover)
    return report


def stale_reviews(doc: DocumentAnnotations, cover: DocumentCoverage) -> list[SourceProblem]:
    """Coverage entries the corpus has moved past: a claim now uses the work (the claim
    named, so the reviewer sees the finding someone did read in it), or the text as read
    no longer cites it."""
    stale = []
    for key, entry in sorted(cover.reviewed.items()):
        where = (entry.origin.path, entry.origin.line)
        user = next((c for c in doc.claims if key in (*c.asserted_by, *c.via)), None)
        if user is not None:
            stale.append(
                SourceProblem(
                    *where,
                    f"'{key}' is recorded as carrying no finding ({entry.reason}), but claim {user.id} "
                    f"({user.origin.path} line {user.origin.line}) uses it",
                    "remove the entry, or the claim if the work holds no finding",
                )
            )
        elif key not in cover.resolved:
            stale.append(
                SourceProblem(
                    *where,
                    f"'{key}' is not among the works found cited in the text of {doc.document}",
                    "remove the entry, or check its key against the citations `coverage` lists",
                )
            )
    return stale
