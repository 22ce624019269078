"""`partnergraph lint --texts DIR`: quotes that are verbatim but do not read as evidence.

`verify` proves each quote is the document's own words; it cannot tell a quote that
carries its finding from one spliced across a heading, a survey-table row read as a
sentence, a bullet list quoted for one of its factors, or a lone word. A researcher
reading `evidence trust` meets all of these, so each is a rule here, reported with the
claim's file and line and the fix. Rules that need the layout locate the quote in the
text (quote_location.py) and ask what the lines it spans are (text_layout.py).

A curator who has looked at a finding and keeps the quote says so on the claim:
`lint: [long-quote]` with a `note:` giving the reason; an excuse without a note, or
one for a rule that no longer fires, is itself an error, so excuses cannot pile up
unexplained. "No word of its concept's labels" is for review only: a paraphrase is
often right, but each should be looked at.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import pairwise
from pathlib import Path

from .concept_matcher import stems
from .corpus import LINT_RULES, Claim, Concept, DocumentAnnotations
from .factor_names import FactorNames
from .names import plural
from .project import Project
from .quote_location import FoldedText, QuoteSpan
from .text_layout import LineKind, cell_tabs, classify, is_figures_row
from .verify import document_texts, fold

LONG_QUOTE = 400
"""Characters (whitespace folded) above which a quote is too long to carry one finding.
Measured on the seed corpus before the second pass: median 122, 90th percentile 274,
95th 341, 97th 403; 49 of 1,618 quotes were longer, and those were the spliced lists
and multi-sentence passages. 400 characters is two long sentences (about 65 words)."""
SHORT_QUOTE_WORDS = 2
"""A quote of this many words or fewer names a factor without the finding about it:
fine as a table cell, which is all the table says, not in prose."""

REVIEW_ONLY = {"no-label-word"}
NOT_EXCUSABLE = ("excuse-without-note", "stale-excuse", "not-in-text", "no-text")
RULES = (*LINT_RULES, *NOT_EXCUSABLE)
FIXES = {
    "unbalanced-marks": "trim the quote to whole quoted words, or extend it to the closing mark",
    "spans-heading": "quote only the words before or after the heading",
    "spans-table-row": "quote one cell, and give each cell's factor its own claim",
    "spans-list": "quote the item that names this factor; give the other items their own claims",
    "long-quote": "trim it to the sentence that carries the finding",
    "short-quote": "quote the sentence that says what the document finds about it",
    "no-label-word": "check the concept; if the quote paraphrases it, add the wording as an alt label, "
    "or excuse it with lint: [no-label-word] and a note",
    "excuse-without-note": "add a note: giving the reason the quote is kept, or fix the quote and drop lint:",
    "stale-excuse": "remove it from lint:",
    "not-in-text": "run partnergraph verify and correct the quote",
    "no-text": "give the text's file name or sha256 under 'text:' (see docs/schema.md)",
}
"""The fix each rule's finding proposes, with the rule's name: what `lint:` excuses."""
_TABLE_SECTION = re.compile(r"\b(?:appendix|table)\b", re.IGNORECASE)
_SINGLE_OPEN, _SINGLE_CLOSE = "‘", "’"


@dataclass(frozen=True)
class Finding:
    rule: str
    path: str
    line: int
    claim: str
    concept: str
    message: str

    @property
    def fix(self) -> str:
        return FIXES[self.rule]

    @property
    def review(self) -> bool:
        return self.rule in REVIEW_ONLY

    def __str__(self) -> str:
        tag = f"{self.rule}, for review" if self.review else self.rule
        who = f"claim {self.claim} ({self.concept}): " if self.claim else ""
        return f"{self.path}:{self.line}: {who}[{tag}] {self.message} — fix: {self.fix}"


@dataclass
class DocumentLint:
    document: str
    path: str
    claims: int = 0
    findings: list[Finding] = field(default_factory=list)
    excused: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if not f.review]


@dataclass
class LintReport:
    documents: list[DocumentLint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(doc.errors for doc in self.documents)

    def counts(self) -> dict[str, int]:
        return _counts([f for doc in self.documents for f in doc.findings])

    def summary(self) -> str:
        findings = [f for doc in self.documents for f in doc.findings]
        claims = sum(doc.claims for doc in self.documents)
        excused = sum(doc.excused for doc in self.documents)
        return f"lint: {plural(len(self.documents), 'document')}, {_tally(findings, claims, excused)}"

    def lines(self) -> list[str]:
        out = []
        for doc in self.documents:
            out.append(f"{doc.document} ({doc.path}): {_tally(doc.findings, doc.claims, doc.excused)}")
            out += [f"  {finding}" for finding in doc.findings]
        out.append(self.summary())
        return out

    def as_json(self) -> str:
        documents = [
            {
                "document": doc.document,
                "file": doc.path,
                "claims": doc.claims,
                "excused": doc.excused,
                "findings": [asdict(f) | {"fix": f.fix, "review": f.review} for f in doc.findings],
            }
            for doc in self.documents
        ]
        return json.dumps(
            {"ok": self.ok, "counts": self.counts(), "documents": documents}, indent=2, ensure_ascii=False
        )


def _counts(findings: list[Finding]) -> dict[str, int]:
    found = Counter(f.rule for f in findings)
    return {rule: found[rule] for rule in RULES if found[rule]}


def _tally(findings: list[Finding], claims: int, excused: int) -> str:
    """'1,618 claims: 12 errors (long-quote 9, short-quote 3); 201 for review (...); 4 excused'."""
    counts = _counts(findings)
    errors = {r: n for r, n in counts.items() if r not in REVIEW_ONLY}
    review = {r: n for r, n in counts.items() if r in REVIEW_ONLY}

    def listed(part: dict[str, int]) -> str:
        return f" ({', '.join(f'{r} {n}' for r, n in part.items())})" if part else ""

    noun = "claim" if claims == 1 else "claims"
    return (
        f"{claims:,} {noun}: {plural(sum(errors.values()), 'error')}{listed(errors)}; "
        f"{sum(review.values())} for review{listed(review)}; {excused} excused"
    )


def unbalanced_marks(quote: str) -> list[str]:
    """What does not pair up among the quote's quotation marks and brackets. Each kind
    is paired on its own, so marks that cross ('“(a” b)') pass; a ’ between letters or
    after a plural's s is an apostrophe (don’t, partners’), a ) after a lone list number
    or letter ('a) ...') closes nothing."""
    problems: list[str] = []
    if quote.count('"') % 2:
        problems.append(f'an odd number of " ({quote.count(chr(34))})')
    for opener, closer in (("“", "”"), ("(", ")"), ("[", "]")):
        depth = 0
        for at, char in enumerate(quote):
            if char == opener:
                depth += 1
            elif char == closer and depth:
                depth -= 1
            elif char == closer and not (closer == ")" and re.search(r"(?:^|\s)\w{1,3}$", quote[:at])):
                problems.append(f"a {closer} with no {opener} before it")
        if depth:
            problems.append(f"{plural(depth, opener)} never closed")
    problems += _unbalanced_single(quote)
    return problems


def _unbalanced_single(quote: str) -> list[str]:
    """Single quotation marks, told apart from apostrophes by the letters around them."""
    depth, problems = 0, []
    for at, char in enumerate(quote):
        before = quote[at - 1] if at else " "
        after = quote[at + 1] if at + 1 < len(quote) else " "
        if char not in (_SINGLE_OPEN, _SINGLE_CLOSE, "'"):
            continue
        if (before.isalnum() or before in ")]") and after.isalpha():
            continue  # don’t, Labour’s, (LGA)’s
        opens = char == _SINGLE_OPEN or (char == "'" and not before.isalnum() and not after.isspace())
        if opens:
            depth += 1
        elif depth:
            depth -= 1
        elif before not in "sS" and not after.isdigit():
            problems.append(f"a {char} closing no opening mark")
    if depth:
        problems.append(f"{plural(depth, 'single quotation mark')} never closed")
    return problems


class QuoteLinter:
    """The rules over one corpus: the concepts' names and their kin, read once."""

    def __init__(self, concepts: tuple[Concept, ...]) -> None:
        self.concepts = {c.slug: c for c in concepts}
        self.factors = FactorNames(concepts)

    def lint_document(self, doc: DocumentAnnotations, text: FoldedText | None) -> DocumentLint:
        result = DocumentLint(doc.document, doc.origin.path, len(doc.claims))
        kinds = classify([text.line(i) for i in range(len(text.lines))]) if text else []
        if text is None:
            message = "no text found in --texts: its quotes' layout cannot be checked"
            result.findings.append(Finding("no-text", doc.origin.path, doc.origin.line, "", "", message))
        for claim in doc.claims:
            span = text.locate(claim.quote) if text else None
            fired = self.claim_findings(claim, text, kinds, span)
            if text is not None and span is None:
                fired.append(("not-in-text", "the quote is not in the text"))
            result.findings += self._excuse(doc, claim, fired, result, checked=text is not None)
        result.findings.sort(key=lambda f: (f.line, f.rule))
        return result

    @staticmethod
    def _excuse(
        doc: DocumentAnnotations,
        claim: Claim,
        fired: list[tuple[str, str]],
        result: DocumentLint,
        checked: bool,
    ) -> list[Finding]:
        """The findings left once the claim's excuses are applied, plus the excuses'
        own faults: no note, or a rule that did not fire."""
        found = [(rule, claim.line_of("quote"), message) for rule, message in fired if rule not in claim.lint]
        result.excused += len(fired) - len(found)
        if claim.lint and not claim.note:
            found.append(
                (
                    "excuse-without-note",
                    claim.line_of("lint"),
                    f"excuses {', '.join(claim.lint)} without a note",
                )
            )
        layout = {"spans-heading", "spans-table-row", "spans-list"}
        stale = [r for r in claim.lint if r not in {f[0] for f in fired} and (checked or r not in layout)]
        if stale:
            message = f"excuses {', '.join(stale)}, which finds nothing in this quote any more"
            found.append(("stale-excuse", claim.line_of("lint"), message))
        return [
            Finding(rule, doc.origin.path, line, claim.id, claim.concept, msg) for rule, line, msg in found
        ]

    def claim_findings(
        self, claim: Claim, text: FoldedText | None, kinds: list[LineKind], span: QuoteSpan | None
    ) -> list[tuple[str, str]]:
        """(rule, message) for each rule the claim's quote breaks."""
        quote = fold(claim.quote)
        fired: list[tuple[str, str]] = []
        if marks := unbalanced_marks(quote):
            fired.append(("unbalanced-marks", "; ".join(marks) + f" in «{_head(quote)}»"))
        if len(quote) > LONG_QUOTE:
            fired.append(("long-quote", f"the quote is {len(quote)} characters (limit {LONG_QUOTE})"))
        if len(quote.split()) <= SHORT_QUOTE_WORDS and not self._in_table(claim, kinds, span):
            fired.append(("short-quote", f"«{quote}» is a bare name outside a table"))
        if text is not None and span is not None:
            fired += self._layout(claim, text, kinds, span)
        if not set(stems(quote)) & self._label_stems(claim.concept):
            label = self.concepts[claim.concept].label if claim.concept in self.concepts else claim.concept
            fired.append(
                ("no-label-word", f"«{_head(quote)}» shares no word with '{label}' or its alt labels")
            )
        return fired

    def _label_stems(self, slug: str) -> set[str]:
        return {s for name in self.factors.labels.get(slug, ()) for s in stems(name)}

    @staticmethod
    def _in_table(claim: Claim, kinds: list[LineKind], span: QuoteSpan | None) -> bool:
        if claim.section and _TABLE_SECTION.search(claim.section):
            return True
        return span is not None and kinds[span.first_line] == LineKind.TABLE

    def _layout(
        self, claim: Claim, text: FoldedText, kinds: list[LineKind], span: QuoteSpan
    ) -> list[tuple[str, str]]:
        """The layout rules: what the lines the quote spans are."""
        fired = []
        lines = range(span.first_line, span.last_line + 1)
        several = span.last_line > span.first_line
        headings = [text.line(i).strip() for i in lines if kinds[i] == LineKind.HEADING]
        if several and headings:
            fired.append(("spans-heading", f"the quote runs across the heading «{headings[0]}»"))
        if self._crosses_table(text, kinds, span):
            fired.append(("spans-table-row", "the quote runs across table cells or rows"))
        other = self._other_factor(claim, text, kinds, span)
        if other:
            fired.append(("spans-list", f"the quote runs across list items, one naming {other}"))
        return fired

    @staticmethod
    def _crosses_table(text: FoldedText, kinds: list[LineKind], span: QuoteSpan) -> bool:
        """A tab between two cells inside the quote, two table rows, or a row of figures
        read on from its label (a flattened survey table)."""
        lines = range(span.first_line, span.last_line + 1)
        for i in lines:
            start = text.lines[i][0]
            if any(span.start < start + at < span.end - 1 for at in cell_tabs(text.line(i))):
                return True
        rows = [i for i in lines if kinds[i] == LineKind.TABLE]
        return len(rows) > 1 or (len(lines) > 1 and any(is_figures_row(text.line(i)) for i in rows))

    def _other_factor(self, claim: Claim, text: FoldedText, kinds: list[LineKind], span: QuoteSpan) -> str:
        """The first other concept a list item inside the quote names ('' if none): a
        quote of several items is wrong only when they are about other factors."""
        cuts = [
            text.lines[i][0]
            for i in range(span.first_line + 1, span.last_line + 1)
            if kinds[i] in (LineKind.ITEM, LineKind.MARKER)
        ]
        if not cuts:
            return ""
        bounds = [span.start, *cuts, span.end]
        for start, end in pairwise(bounds):
            segment = text.raw[start:end]
            if self.factors.names_own(segment, claim.concept):
                continue
            if other := self.factors.other_factor(segment, claim.concept):
                return f"'{other.label}' («{_head(fold(segment), 50)}»)"
        return ""


def _head(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def lint_quotes(project: Project, texts: Path, document: str | None = None) -> LintReport:
    sources, chosen = document_texts(project, texts, document)
    linter = QuoteLinter(sources.corpus.concepts)
    report = LintReport()
    for doc, path in chosen:
        text = FoldedText.of(path.read_text(encoding="utf-8")) if path else None
        report.documents.append(linter.lint_document(doc, text))
    return report
