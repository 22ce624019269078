"""`partnergraph ingest FILE --key KEY`: the mechanical part of adding a reviewed document.

The tool reads; the curator decides. Ingest stores the text (so every quote can be
verified against it), a stub bibliography entry that states only what the text shows,
the works of its reference list (a work already in the bibliography is reused, so no
work is counted twice), and drafts of the claims for `review`. It writes nothing into
`corpus/documents/`, so the graph does not change until a curator accepts a draft.
A key ingested before is refused unless `force` is given; `reingest` says what that
replaces and what it keeps.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .bibexport import export_bibtex
from .bibliography import Work, load_bibliography
from .corpus import Origin, load_corpus
from .drafts import Draft, DraftsFile, Option, drafts_file, dump_drafts, fold
from .errors import PartnergraphError, SourceProblem
from .project import Project
from .reingest import (
    INGESTED_BIB,
    Previous,
    carry_decisions,
    find_previous,
    ingested_bib,
    publish,
    refusal,
    replaceable,
    without_entries,
)
from .text_extraction import extract_text

if TYPE_CHECKING:
    from .citation_finder import FoundCitation
    from .reference_parser import ParsedReference

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_BRACES = re.compile(r"[{}]")
_UNSTATED_STUB = ("author", "year", "publisher")


@dataclass
class IngestReport:
    key: str
    text_path: Path
    characters: int
    citations: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    references: int = 0
    reused: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    unresolved: list[int] = field(default_factory=list)
    minimal: list[str] = field(default_factory=list)
    drafts: int = 0
    drafts_path: Path | None = None
    previous: Previous | None = None
    """The earlier ingest that --force replaced, if any."""
    text_changed: bool = False
    removed: list[str] = field(default_factory=list)
    decisions_kept: int = 0
    decisions_before: int = 0

    def lines(self, project: Project) -> list[str]:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.by_kind.items())) or "none"
        out = [
            f"text: {project.relative(self.text_path)} ({self.characters:,} characters)",
            f"citations: {self.citations} ({kinds})",
            f"references: {self.references} read; {len(self.reused)} already in the bibliography "
            f"({shortened(self.reused)}), {len(self.added)} added to bibliography/{INGESTED_BIB}",
        ]
        if self.minimal:
            out.append(
                f"cited but in no reference list: {len(self.minimal)} minimal entries (author and year) added"
                f" ({shortened(self.minimal)})"
            )
        if self.unresolved:
            numbers = ", ".join(str(n) for n in self.unresolved)
            out.append(f"unresolved endnotes (placeholder works): {numbers}")
        out.append(f"drafts: {self.drafts} claims in {project.relative(self.drafts_path or Path())}")
        if self.previous is not None:
            out += self.replaced_lines()
        out.append(f"next: partnergraph review {self.key}")
        return out

    def replaced_lines(self) -> list[str]:
        """What --force replaced and, above all, what it kept."""
        previous = self.previous
        assert previous is not None
        out = [
            "re-ingested (--force): text " + ("changed" if self.text_changed else "unchanged")
            + f"; {len(self.removed)} {'entry' if len(self.removed) == 1 else 'entries'} of the earlier"
            + " ingest replaced"
            + (f" ({shortened(self.removed)})" if self.removed else "")
        ]  # fmt: skip
        if previous.stub_completed:
            out.append(f"kept your completed entry '{self.key}' in bibliography/{INGESTED_BIB}")
        if self.decisions_before:
            out.append(
                f"review decisions: {self.decisions_kept} kept (sentence unchanged),"
                f" {self.decisions_before - self.decisions_kept} reset to pending"
            )
        if previous.accepted_path is not None:
            kept = f"kept corpus/documents/{self.key}.yaml ({previous.accepted} accepted claim"
            out.append(kept + ("s" if previous.accepted != 1 else "") + "): ingest never deletes claims")
            if self.text_changed:
                out.append(
                    "warning: the text changed, so quotes of accepted claims may no longer verify"
                    f" — run partnergraph verify --texts texts --document {self.key}"
                )
        return out


def shortened(keys: list[str], shown: int = 5) -> str:
    """A few keys and how many more: a 93-entry reference list would fill the screen."""
    if not keys:
        return "none"
    more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
    return ", ".join(keys[:shown]) + more


def first_heading(text: str) -> str | None:
    match = _HEADING.search(text)
    return match.group(1).strip() if match else None


def _bib_value(value: str) -> str:
    """Text read from a document, made safe as a BibTeX value (braces would unbalance it)."""
    return _BRACES.sub("", fold(value))


def _work(key: str, entry_type: str, fields: dict[str, str]) -> Work:
    values = {name: _bib_value(value) for name, value in fields.items() if value}
    return Work(key, entry_type, values, Origin(f"bibliography/{INGESTED_BIB}", 0), values)


def stub_entry(key: str, text: str) -> Work:
    """Only the title can be read from a text with confidence, and only from its heading;
    the rest is listed as unstated for the curator to supply, never guessed."""
    title = first_heading(text)
    fields = {"title": title or "", "pg-supplied": "title" if title else ""}
    fields["pg-unstated"] = ", ".join(_UNSTATED_STUB if title else ("title", *_UNSTATED_STUB))
    fields["note"] = f"Stub written by partnergraph ingest {__version__}; complete it from the document."
    return _work(key, "misc", fields)


def reference_entry(ref: ParsedReference, key: str) -> Work:
    fields = {
        "author": " and ".join(ref.authors),
        "year": ref.year or "",
        "title": ref.title or "",
        "journal"
        if ref.entry_type == "article"
        else "booktitle"
        if ref.container
        else "journal": ref.container or "",
        "volume": ref.volume or "",
        "number": ref.issue or "",
        "pages": ref.pages or "",
        "doi": ref.doi or "",
        "url": ref.url or "",
        "publisher": getattr(ref, "publisher", None) or "",
        "address": getattr(ref, "place", None) or "",
    }
    if ref.number is not None:
        fields["pg-endnote"] = str(ref.number)
    return _work(key, ref.entry_type or "misc", fields)


def placeholder_entry(document: str, number: int, raw: str) -> Work:
    """An endnote whose reference cannot be read still names one work of its own, so two
    such endnotes are never counted as one work (nor as the reviewed document)."""
    fields = {
        "pg-endnote": str(number),
        "pg-unresolved": "true",
        "pg-unstated": "author, year, title",
        "note": f"Endnote {number} of {document}, not identified: {raw[:200]}",
    }
    return _work(f"{document}-note{number}", "misc", fields)


def placeholder_for(document: str, number: int, raw: str, taken: set[str], added: list[Work]) -> str:
    """The placeholder's key; one kept from an earlier ingest (a claim uses it) is reused."""
    work = placeholder_entry(document, number, raw)
    if work.key not in taken:
        added.append(work)
        taken.add(work.key)
    return work.key


def _content(work: Work) -> tuple[str, tuple[tuple[str, str], ...]]:
    """An entry's type and fields but its note: equal content is one work, whatever its key
    (the entry an earlier ingest of the same text wrote and a claim still uses)."""
    return work.entry_type, tuple(sorted((k, v) for k, v in work.fields.items() if k != "note"))


def _readable(ref: ParsedReference) -> bool:
    return bool(ref.authors and (ref.year or ref.title))


def resolve_references(
    document: str, refs: list[ParsedReference], works: list[Work]
) -> tuple[dict[int, str], dict[tuple[str, str], str], list[Work], list[str], list[int]]:
    """Each reference as a cite key: the known work it matches, else a new entry.

    Returns the keys by endnote number and by (first surname, year), the new entries, the
    reused keys and the numbers left unresolved."""
    from .reference_parser import bibtex_key, match_work

    taken = {w.key for w in works} | {v for w in works for v in w.variant_keys} | {document}
    by_number: dict[int, str] = {}
    by_name: dict[tuple[str, str], str] = {}
    added: list[Work] = []
    reused: list[str] = []
    unresolved: list[int] = []
    same_content = {_content(w): w.key for w in works}
    for ref in refs:
        if not _readable(ref):
            if ref.number is not None:
                by_number[ref.number] = placeholder_for(document, ref.number, ref.raw, taken, added)
                unresolved.append(ref.number)
            continue
        known = match_work(ref, works)
        entry = reference_entry(ref, "") if known is None else None
        if known is not None or (entry is not None and _content(entry) in same_content):
            key = known.key if known is not None else same_content[_content(entry)]
            reused.append(key)
        else:
            key = bibtex_key(ref, taken)
            taken.add(key)
            added.append(reference_entry(ref, key))
        if ref.number is not None:
            by_number[ref.number] = key
        if ref.authors and ref.year:
            by_name.setdefault((surname(ref.authors[0]), ref.year), key)
    return by_number, by_name, added, reused, unresolved


def surname(author: str) -> str:
    name = author.split(",")[0] if "," in author else (author.split() or [""])[-1]
    return fold(name).lower()


def as_reference(citation: FoundCitation) -> ParsedReference:
    """An author–year citation as the reference it points to: surnames and year only."""
    from .reference_parser import ParsedReference

    return ParsedReference(
        start=citation.start, end=citation.end, raw=citation.text, number=None, authors=citation.surnames,
        year=citation.year, title=None, container=None, volume=None, issue=None, pages=None, doi=None,
        url=None, entry_type="misc",
    )  # fmt: skip


def citation_keys(
    citation: FoundCitation,
    by_number: dict[int, str],
    by_name: dict[tuple[str, str], str],
    works: list[Work],
) -> list[str]:
    """The cite keys a citation stands for: a note marker by what its note cites, else by
    number; a web address by the entry's url; author–year by the document's own reference
    list first, then the bibliography's keys and spellings."""
    from .citations import WorkResolver

    if citation.kind == "web":
        return WorkResolver(works).keys(citation)
    if citation.kind == "note" and (citation.cites or citation.note_text):
        cited = [k for c in citation.cites for k in citation_keys(c, by_number, by_name, works)]
        cited += WorkResolver(works).titled(citation.note_text)
        if cited:
            return list(dict.fromkeys(cited))
    if citation.numbers:
        return [by_number[n] for n in citation.numbers if n in by_number]
    if citation.surnames and citation.year:
        key = by_name.get((citation.surnames[0].lower(), citation.year))
        if key:
            return [key]
    known = {w.key for w in works} | {v for w in works for v in w.variant_keys}
    canonical = {v: w.key for w in works for v in w.variant_keys}
    for candidate in getattr(citation, "keys", ()):
        if candidate in known:
            return [canonical.get(candidate, candidate)]
    if citation.surnames and citation.year:
        from .reference_parser import match_work

        work = match_work(as_reference(citation), works)
        if work is not None:
            return [work.key]
    return []


def minimal_works(
    document: str, citations: list[FoundCitation], keys_of: dict[int, list[str]], taken: set[str]
) -> tuple[dict[int, list[str]], list[Work]]:
    """An author–year citation that neither the reference list nor the bibliography
    explains still names a work: it becomes a minimal entry (author and year, all the
    text states) instead of falling back to the reviewed document, which would count
    its finding as the document's own."""
    from .reference_parser import bibtex_key

    made: dict[tuple[tuple[str, ...], str], str] = {}
    added: list[Work] = []
    for index, c in enumerate(citations):
        if keys_of[index] or c.kind != "author-year" or not c.surnames or not c.year:
            continue
        name = (c.surnames, c.year)
        if name not in made:
            key = made[name] = bibtex_key(as_reference(c), taken)
            taken.add(key)
            note = f"Cited in {document} as «{c.text}»; not in its reference list."
            fields = {"author": " and ".join(c.surnames), "year": c.year, "pg-minimal": "true", "note": note}
            added.append(_work(key, "misc", fields))
        keys_of[index] = [made[name]]
    return keys_of, added


def bib_with(before: str, works: list[Work]) -> str:
    head = before or "% Works added by `partnergraph ingest`: check each against its source.\n"
    return head.rstrip("\n") + "\n\n" + export_bibtex(works)


def ingest(project: Project, source: Path, key: str, force: bool = False) -> IngestReport:
    """Without `force` a key ingested before is refused; with it, what the earlier ingest
    wrote is replaced in one step (see `reingest`), and the curator's work is kept."""
    from .bibliography import CITE_KEY
    from .citation_finder import find_citations
    from .drafting import ConceptSuggester, propose_kind, propose_polarity, sentences
    from .reference_parser import find_references

    if not CITE_KEY.fullmatch(key) or "/" in key:
        raise PartnergraphError(f"--key '{key}' cannot be a cite key (no spaces or any of <>\"{{}}|^`\\#?/%)")
    problems: list[SourceProblem] = []
    works = load_bibliography(project, problems)
    corpus = load_corpus(project, problems)
    if problems:
        raise PartnergraphError(
            f"the project has errors ({problems[0]}); run partnergraph build and fix them"
        )
    previous = find_previous(project, key, works, corpus)
    if previous.exists and not force:
        raise refusal(previous)
    text = extract_text(source)
    text_path = project.root / "texts" / f"{key}.txt"
    data = text.encode("utf-8")
    report = IngestReport(key, text_path, len(text))
    bib_path = ingested_bib(project)
    bib_before = bib_path.read_text(encoding="utf-8") if bib_path.is_file() else ""
    if previous.exists:
        report.previous = previous
        report.text_changed = previous.text is None or previous.text.read_bytes() != data
        report.removed = sorted(replaceable(project, previous, corpus))
        bib_before = without_entries(bib_before, set(report.removed))
        works = [w for w in works if w.key not in report.removed]
        if previous.stub_completed:
            works = [w for w in works if w.key != key]  # still the document, not a reference

    refs = find_references(text)
    body_end = min((r.start for r in refs), default=len(text))
    by_number, by_name, added, reused, unresolved = resolve_references(key, refs, works)
    report.references, report.reused, report.unresolved = len(refs), sorted(set(reused)), list(unresolved)
    citations = [c for c in find_citations(text) if c.start < body_end]
    report.citations = len(citations)
    for c in citations:
        report.by_kind[c.kind] = report.by_kind.get(c.kind, 0) + 1

    for number in sorted({n for c in citations for n in c.numbers} - set(by_number)):
        # Cited by number, but the list read has no such entry: still a work of its own.
        taken_keys = {w.key for w in works} | {w.key for w in added}
        raw = "no entry with this number was found"
        by_number[number] = placeholder_for(key, number, raw, taken_keys, added)
        report.unresolved.append(number)
    keys_of = {i: citation_keys(c, by_number, by_name, works) for i, c in enumerate(citations)}
    taken = {w.key for w in works} | {v for w in works for v in w.variant_keys} | {w.key for w in added}
    keys_of, minimal = minimal_works(key, citations, keys_of, taken | {key})
    added += minimal
    report.minimal = [w.key for w in minimal]
    classes = {c.slug: c.cls for c in corpus.concepts}
    matcher = ConceptSuggester.from_corpus(corpus)  # learns from the curated claims, if any
    drafts: list[Draft] = []
    for sentence in sentences(text):
        if sentence.start >= body_end:
            break
        ranked = matcher.rank(sentence.text, 3)
        if not ranked:
            continue
        asserted: list[str] = []
        notes: list[int] = []
        for index, c in enumerate(citations):
            if sentence.start <= c.start < sentence.end:
                asserted += [k for k in keys_of[index] if k not in asserted]
                notes += [n for n in c.numbers if n not in notes]
        options = tuple(
            Option(r.slug, r.score, tuple(r.matched), propose_polarity(sentence.text, classes[r.slug]))
            for r in ranked
        )
        drafts.append(
            Draft(
                f"d{len(drafts) + 1:03d}",
                sentence.start,
                sentence.end,
                fold(sentence.text),
                sentence.section,
                options,
                propose_kind(sentence.text),
                tuple(asserted),
                notes=tuple(notes),
            )
        )
    stub = [] if previous.stub_completed else [stub_entry(key, text)]
    report.added = [w.key for w in added]
    sha = hashlib.sha256(data).hexdigest()
    made_by = f"partnergraph ingest {__version__}"
    path = drafts_file(project, key)
    carried, report.decisions_kept = carry_decisions(previous.drafts, tuple(drafts))
    if previous.drafts is not None:
        report.decisions_before = sum(1 for d in previous.drafts.drafts if d.decision is not None)
    still_own = [k for k in previous.drafts.works_added if k not in report.removed] if previous.drafts else []
    own = tuple(dict.fromkeys([*still_own, *report.added]))  # --force may still replace them later
    drafts_out = DraftsFile(key, text_path.name, sha, made_by, carried, own)
    publish({
        text_path: data,
        bib_path: bib_with(bib_before, [*stub, *added]).encode("utf-8"),
        path: dump_drafts(drafts_out).encode("utf-8"),
    })  # fmt: skip
    report.drafts, report.drafts_path = len(drafts), path
    return report
