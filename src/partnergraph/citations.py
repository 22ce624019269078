"""`partnergraph coverage --texts DIR`: are all a document's citations in the graph?

Annotation by hand misses things. This finds the author-year citations in a reviewed
document's text ("Cairns et al, 2006: 24", "Huxham and Vangen (2000)", "Mattessich
et al's (2001)") and compares them with the works the document's claims assert or
cite via, so a curator sees which citations no claim uses yet and which match no
bibliography entry at all.

Matching goes through the cite-key convention of the bibliography: the first
author's surname in lowercase ASCII letters, the year and its letter (`cairns2006`,
`charitiescommission2009a`), looked up among entry keys and their `ids` variants —
so a misspelling is matched when the bibliography records it. Numbered footnotes are
not author-year citations and are not found; the report says what it looked for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Work
from .project import Project
from .verify import document_texts, fold

_WORD = r"[A-Z][\w'’\-]*"
_NAME = rf"{_WORD}(?:\s+(?:of|for|and\s+Local|de|van|von)?\s*{_WORD})*"
_AUTHORS = rf"{_NAME}(?:\s*(?:,\s*(?:&|and\b)?|&|\band\b)\s*{_NAME})*(?:\s+et\.?\s+al\.?)?"
_CITATION = re.compile(
    rf"(?P<authors>{_AUTHORS})(?:['’]s)?\s*,?\s*\(?\s*(?P<year>(?:19|20)\d\d[a-z]?)\b(?!\s*[-–]\s*\d)"
)
# Capitalised words that open sentences or name months, never an author.
_NOT_AUTHORS = {
    "see",
    "in",
    "as",
    "for",
    "the",
    "also",
    "and",
    "by",
    "from",
    "since",
    "during",
    "between",
    "until",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "spring",
    "summer",
    "autumn",
    "winter",
    "table",
    "figure",
    "appendix",
    "chapter",
    "section",
    "page",
    "year",
    "years",
    "act",
    "however",
    "this",
    "these",
    "although",
    "both",
    "conversely",
    "furthermore",
    "moreover",
    "therefore",
    "whereas",
    "thus",
    "similarly",
    "finally",
    "firstly",
    "secondly",
    "additionally",
    "indeed",
    "while",
    "uk",
}


def key_stem(name: str) -> str:
    """A name as cite keys spell it: ASCII letters only, lowercase (`Rugkåsa` → `rugkasa`)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", ascii_name.lower())


@dataclass(frozen=True)
class Citation:
    text: str
    year: str
    candidates: tuple[str, ...]


def find_citations(text: str) -> list[Citation]:
    """Author-year citations in a text, each with the cite keys it may stand for.

    The first author is whatever precedes the first `and`, `&`, comma or `et al`;
    since a sentence may run into the name ("See Cairns et al"), every tail of its
    words is a candidate, longest first. A key naming the first two surnames
    (`huxhamvangen1996`) comes before them, and the whole name up to a comma before
    that split, for corporate authors with "and" in their names.
    """
    found = []
    for match in _CITATION.finditer(fold(text)):
        authors = match["authors"]
        # Drop sentence openers that run into the name: "Furthermore, Rummery", "See Cairns".
        while (opener := re.match(r"(\w+)[,\s]+", authors)) and key_stem(opener[1]) in _NOT_AUTHORS:
            authors = authors[opener.end() :]
        names = [n for n in re.split(r"\s*(?:,|&|\bet\.?\s+al\.?)\s*", authors) if n]
        corporate = re.sub(r"['’]s$", "", names[0]).split()
        first = re.split(r"\s+and\s+", names[0])[0]
        words = re.sub(r"['’]s$", "", first).split()
        if not words or key_stem(words[0]) in _NOT_AUTHORS:
            continue
        year = match["year"]
        # Two authors also give `huxhamvangen1996`, telling apart two works of one first author and year;
        # a corporate author with "and" in its name ("Improvement and Development Agency") is one name.
        second = names[1] if len(names) > 1 else names[0].partition(" and ")[2]
        pair = [key_stem(words[-1] + second.split()[-1]) + year] if second.split() else []
        whole = [key_stem("".join(corporate)) + year]
        tails = [key_stem("".join(words[i:])) + year for i in range(len(words))]
        candidates = tuple(dict.fromkeys(pair + whole + tails))
        found.append(Citation(f"{authors}, {year}", year, candidates))
    return found


@dataclass
class DocumentCoverage:
    document: str
    citations: int = 0
    resolved: dict[str, set[str]] = field(default_factory=dict)
    unresolved: dict[str, int] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    @property
    def unused(self) -> set[str]:
        """Works the text cites that no claim of this document asserts or cites via."""
        return set(self.resolved) - self.used


@dataclass
class CoverageReport:
    documents: list[DocumentCoverage] = field(default_factory=list)
    no_text: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            "author-year citations found in each text, matched to the bibliography by cite key "
            "and ids (numbered footnotes are not counted):"
        ]
        for doc in self.documents:
            out.append(
                f"{doc.document}: {doc.citations} citations of {len(doc.resolved)} works in the "
                f"bibliography, {len(doc.resolved) - len(doc.unused)} of them used by claims; "
                f"{len(doc.unresolved)} citation forms match no entry"
            )
            for key in sorted(doc.unused):
                forms = "; ".join(sorted(doc.resolved[key])[:3])
                out.append(f"  cited but no claim uses it: {key}  ({forms})")
            for form, count in sorted(doc.unresolved.items()):
                out.append(f"  no bibliography entry matches: «{form}» ×{count}")
        out += [f"{doc}: no text found" for doc in self.no_text]
        return out


def key_index(works: list[Work]) -> dict[str, str]:
    index = {w.key: w.key for w in works}
    for w in works:
        for variant in w.variant_keys:
            index.setdefault(variant, w.key)
    return index


def citation_coverage(project: Project, texts: Path) -> CoverageReport:
    sources, documents = document_texts(project, texts)
    index = key_index(sources.works)
    report = CoverageReport()
    for doc, path in documents:
        if path is None:
            report.no_text.append(doc.document)
            continue
        cover = DocumentCoverage(doc.document)
        for claim in doc.claims:
            cover.used |= set(claim.asserted_by) | set(claim.via)
        for citation in find_citations(path.read_text(encoding="utf-8")):
            key = next((index[c] for c in citation.candidates if c in index), None)
            if key == doc.document:
                continue
            cover.citations += 1
            if key is None:
                cover.unresolved[citation.text] = cover.unresolved.get(citation.text, 0) + 1
            else:
                cover.resolved.setdefault(key, set()).add(citation.text)
        report.documents.append(cover)
    return report
