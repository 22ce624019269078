"""`partnergraph anchor --texts DIR`: locate every quote in its text and keep the place.

A quote is found exactly as `verify` finds it (whitespace folded, first occurrence), by
`quote_location.FoldedText`, so the two commands can never disagree about where, or
whether, a quote is in a text. The text is read as stored (no newline translation):
W3C Web Annotation's TextPositionSelector counts code points of the text itself.
The prefix and suffix are a few words of the folded text on either side, the same
normalisation the TextQuoteSelector's `exact` (the quote) has.

A text with form feeds (pdftotext's page breaks) is paged: a quote's page is one more
than the form feeds before it. No other page marker is trusted: the seed texts carry
page numbers in the flow, but interleaved with footnote numbers and out of order.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .anchor_files import RERUN, Anchor, DocumentAnchors, anchors_dir, dump_anchors, load_anchors, quote_hash
from .build import write_atomically
from .corpus import DocumentAnnotations
from .errors import InputError, SourceProblem
from .names import plural
from .project import Project
from .quote_location import FoldedText
from .verify import QuoteMiss, document_texts, fold, longest_found_prefix

CONTEXT_WORDS = 5
"""Words of prefix and suffix: enough to tell apart the repeats of a short quote."""
_WORD = re.compile(r"\S+")
_WINDOW = 600
"""Characters searched on either side for those words; a longer "word" is cut there."""


def _prefix(folded: str, at: int) -> str:
    lo = max(0, at - _WINDOW)
    starts = [m.start() for m in _WORD.finditer(folded, lo, at)]
    return folded[starts[-CONTEXT_WORDS] if len(starts) >= CONTEXT_WORDS else lo : at] if starts else ""


def _suffix(folded: str, end: int) -> str:
    ends = [m.end() for m in _WORD.finditer(folded, end, min(len(folded), end + _WINDOW))]
    return folded[end : ends[min(len(ends), CONTEXT_WORDS) - 1]] if ends else ""


@dataclass
class LocatedText:
    """One text, folded once, with its page breaks, for many quotes."""

    raw: str
    folded: FoldedText = field(init=False)
    page_breaks: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.folded = FoldedText.of(self.raw)
        self.page_breaks = [m.start() for m in re.finditer("\f", self.raw)]

    def anchor(self, quote: str) -> Anchor | None:
        span = self.folded.locate(quote)
        if span is None:
            return None
        at = bisect.bisect_left(self.folded.origin, span.start)
        end = at + len(fold(quote))
        page = bisect.bisect_right(self.page_breaks, span.start) + 1 if self.page_breaks else None
        text = self.folded.folded
        return Anchor(span.start, span.end, _prefix(text, at), _suffix(text, end), quote_hash(quote), page)


def read_text(path: Path) -> str:
    """The text as stored: bytes decoded, "\\r\\n" kept, so offsets count what a reader holds."""
    return path.read_bytes().decode("utf-8")


def anchor_document(doc: DocumentAnnotations, path: Path) -> tuple[DocumentAnchors, list[QuoteMiss]]:
    data = path.read_bytes()
    located = LocatedText(data.decode("utf-8"))
    anchors: dict[str, Anchor] = {}
    misses: list[QuoteMiss] = []
    for claim in doc.claims:
        anchor = located.anchor(claim.quote)
        if anchor is None:
            misses.append(
                QuoteMiss(doc.document, claim, longest_found_prefix(fold(claim.quote), located.folded.folded))
            )
        else:
            anchors[claim.id] = anchor
    return DocumentAnchors(doc.document, path.name, hashlib.sha256(data).hexdigest(), anchors), misses


@dataclass
class AnchorReport:
    written: dict[str, int] = field(default_factory=dict)
    no_text: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{path}: {plural(count, 'anchor')}" for path, count in self.written.items()]
        out += [
            f"{doc}: no text found in the folder; its anchors were left as they were" for doc in self.no_text
        ]
        return out


def _unanchorable(doc: DocumentAnnotations, anchors: DocumentAnchors) -> list[SourceProblem]:
    """A document whose file does not declare the text's SHA-256 could never use its anchors."""
    if doc.text_sha256 and anchors.fits(doc):
        return []
    declared = f"declares sha256 {doc.text_sha256}" if doc.text_sha256 else "declares no text sha256"
    return [
        SourceProblem(
            doc.origin.path,
            doc.origin.line,
            f"document {doc.document} {declared}, "
            f"but its text {anchors.text_file} has sha256 {anchors.sha256}",
            f"write 'sha256: \"{anchors.sha256}\"' under 'text:' if this is the text that was reviewed",
        )
    ]


def _miss_problem(miss: QuoteMiss) -> SourceProblem:
    path, line = miss.claim.origin.path, miss.claim.line_of("quote")
    message = str(miss).removeprefix(f"{path} line {line}: ")
    return SourceProblem(
        path, line, message, "correct the quote (`partnergraph verify` shows where it differs)"
    )


def write_anchors(project: Project, texts: Path, document: str | None = None) -> AnchorReport:
    """Anchor every quote of each document (or one) whose text is in `texts`; a quote not
    in its text, or a text that is not the declared one, stops it before anything is written."""
    _sources, found = document_texts(project, texts, document)
    report = AnchorReport()
    results: list[DocumentAnchors] = []
    problems: list[SourceProblem] = []
    for doc, path in found:
        if path is None:
            report.no_text.append(doc.document)
            continue
        anchors, misses = anchor_document(doc, path)
        problems += [_miss_problem(miss) for miss in misses]
        problems += _unanchorable(doc, anchors)
        results.append(anchors)
    if problems:
        raise InputError(problems)
    folder = anchors_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    for anchors in results:
        path = folder / f"{anchors.document}.yaml"
        write_atomically(path, dump_anchors(anchors).encode("utf-8"))
        report.written[project.relative(path)] = len(anchors.anchors)
    return report


def _adjoins(located: LocatedText, anchor: Anchor) -> bool:
    folded = located.folded
    at = bisect.bisect_left(folded.origin, anchor.start)
    stop = bisect.bisect_left(folded.origin, anchor.end)
    text = folded.folded
    return (
        text[max(0, at - len(anchor.prefix)) : at] == anchor.prefix
        and text[stop : stop + len(anchor.suffix)] == anchor.suffix
    )


def stale_anchors(project: Project, texts: Path, document: str | None = None) -> list[SourceProblem]:
    """Anchors the build would leave out, or that no longer point at their quote, each at
    its line in the anchor file. A claim never anchored is not stale: the build counts it."""
    problems: list[SourceProblem] = []
    sources, found = document_texts(project, texts, document)
    every = load_anchors(project, problems)
    reviewed = {doc.document for doc in sources.corpus.documents}
    for key, orphan in sorted(every.items()):
        if key not in reviewed and document is None:
            message = f"anchors of '{key}', which is no reviewed document"
            problems.append(SourceProblem(orphan.path, orphan.line, message, "delete the file"))
    for doc, path in found:
        anchors = every.get(doc.document)
        where = anchors.path if anchors else project.relative(anchors_dir(project) / f"{doc.document}.yaml")
        if anchors is None:  # never anchored: the build says how many claims lack an anchor
            continue
        if not anchors.fits(doc):
            message = (
                f"anchors were measured on text sha256 {anchors.sha256}, not the declared {doc.text_sha256}"
            )
            problems.append(SourceProblem(where, anchors.line, message, RERUN))
            continue
        located = LocatedText(read_text(path)) if path is not None else None
        for claim in doc.claims:
            anchor = anchors.anchors.get(claim.id)
            if anchor is None:  # a claim added since: not wrong, only not anchored yet
                continue
            if anchors.usable(doc, claim) is None:
                problems.append(
                    SourceProblem(where, anchor.line, f"claim {claim.id}'s quote was edited", RERUN)
                )
            elif located is not None and (
                fold(located.raw[anchor.start : anchor.end]) != fold(claim.quote)
                or not _adjoins(located, anchor)
            ):
                message = f"claim {claim.id}: the text at {anchor.start}-{anchor.end} is not its quote"
                problems.append(SourceProblem(where, anchor.line, message, RERUN))
        known = {c.id for c in doc.claims}
        for claim_id, anchor in anchors.anchors.items():
            if claim_id not in known:
                message = f"anchor {claim_id}: the document has no such claim"
                problems.append(SourceProblem(where, anchor.line, message, RERUN))
    return sorted(problems)
