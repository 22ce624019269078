"""`partnergraph verify --texts DIR`: every quote is the reviewed document's own words.

Quotes are compared with whitespace folded (the texts are extracted from PDFs, so
line breaks fall anywhere) and nothing else: no case folding, no fixing of
hyphenation or typos. A document's text is found in DIR by the file name its YAML
declares, or by its SHA-256 when the file was renamed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .build import Sources, load_sources
from .corpus import Claim, DocumentAnnotations
from .errors import PartnergraphError
from .names import plural
from .project import Project

_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class QuoteMiss:
    document: str
    claim: Claim
    found_prefix: str

    def __str__(self) -> str:
        where = f"{self.claim.origin.path} line {self.claim.line_of('quote')}"
        head = fold(self.claim.quote)
        hint = (
            f"the text matches up to «{self.found_prefix[-40:]}» and then differs"
            if self.found_prefix
            else "not even its first words occur in the text"
        )
        return f"{where}: claim {self.claim.id}: quote «{head[:80]}» is not in the text — {hint}"


@dataclass
class VerifyReport:
    checked: dict[str, int] = field(default_factory=dict)
    misses: list[QuoteMiss] = field(default_factory=list)
    no_text: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.misses and not self.no_text

    def lines(self) -> list[str]:
        out = [str(miss) for miss in self.misses]
        out += [f"{doc}: no text found to check its quotes against" for doc in self.no_text]
        total = sum(self.checked.values())
        out.append(
            f"{total - len(self.misses)} of {total} quotes verified in "
            f"{plural(len(self.checked), 'document text')}"
            + (f"; {plural(len(self.no_text), 'document')} without a text" if self.no_text else "")
        )
        return out


def longest_found_prefix(quote: str, text: str) -> str:
    """The longest start of the quote that occurs in the text (by word), as a hint."""
    words = quote.split(" ")
    low, high = 0, len(words)
    while low < high:
        mid = (low + high + 1) // 2
        if " ".join(words[:mid]) in text:
            low = mid
        else:
            high = mid - 1
    return " ".join(words[:low])


def find_text(doc: DocumentAnnotations, texts: Path, by_hash: dict[str, Path]) -> Path | None:
    if doc.text_file and (texts / doc.text_file).is_file():
        return texts / doc.text_file
    if doc.text_sha256:
        return by_hash.get(doc.text_sha256.lower())
    return None


def chosen_documents(sources: Sources, document: str | None) -> list[DocumentAnnotations]:
    """All reviewed documents, or the one asked for; a key that names none is an error, with the keys."""
    documents = sources.corpus.documents
    if document is None:
        return list(documents)
    chosen = [doc for doc in documents if doc.document == document]
    if not chosen:
        keys = ", ".join(sorted(doc.document for doc in documents))
        raise PartnergraphError(f"no reviewed document '{document}' in the corpus (reviewed: {keys})")
    return chosen


def document_texts(
    project: Project, texts: Path, document: str | None = None
) -> tuple[Sources, list[tuple[DocumentAnnotations, Path | None]]]:
    """The loaded sources, and each reviewed document (or only `document`) with its text in DIR (or None)."""
    if not texts.is_dir():
        raise PartnergraphError(f"{texts} is not a directory of document texts")
    sources = load_sources(project)
    chosen = chosen_documents(sources, document)
    by_hash = {
        hashlib.sha256(path.read_bytes()).hexdigest(): path
        for path in sorted(texts.iterdir())
        if path.is_file()
    }
    return sources, [(doc, find_text(doc, texts, by_hash)) for doc in chosen]


def verify_quotes(project: Project, texts: Path, document: str | None = None) -> VerifyReport:
    report = VerifyReport()
    for doc, path in document_texts(project, texts, document)[1]:
        if path is None:
            report.no_text.append(doc.document)
            continue
        text = fold(path.read_text(encoding="utf-8"))
        report.checked[doc.document] = len(doc.claims)
        for claim in doc.claims:
            quote = fold(claim.quote)
            if quote not in text:
                report.misses.append(QuoteMiss(doc.document, claim, longest_found_prefix(quote, text)))
    return report
