"""The evidence for one concept: its claims, and a profile that says how much they weigh.

Researchers ask "what does the literature say about trust, and where exactly?" The
answer is every claim about the concept (grouped by polarity, each with a short
citation, the quote and where it was read) and a profile: how many distinct works,
reviewed documents and kinds of evidence stand behind it, whether they agree, which
works are known only second-hand, and the years they span.

Claims are listed strongest first, grouped by the work that asserts them: works
whose strongest claim is an empirical study or a review come before those known
through testimony, analysis or guidance (`KIND_STRENGTH`), and among equals the newest
work comes first, because a reader weighing the evidence asks first what is known
now; undated works come last, as their place in time is unknown.

The profile ends in a confidence grade inspired by GRADE-CERQual's *adequacy*
(how much evidence) and *coherence* (how consistent it is). The grade is a rule over
counts, not an appraisal of the studies: partnergraph has not read them, only what
the reviewed documents say about them, and the grade says so. The rules are
`ADEQUACY_RULES`, `COHERENCE_RULES` and `grade()` below, and docs/evidence.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from .concepts import ConceptRef, find_concept
from .names import WorkName, optional_text, plural, short_citation, work_names
from .project import Project
from .queries import find_query, run_query
from .stores import Store

POLARITY_ORDER = ("enables", "hinders", "mixed", "neutral")
KIND_NAMES = {
    "EmpiricalStudy": "empirical study",
    "Review": "review",
    "PracticeGuidance": "practice guidance",
    "ParticipantTestimony": "participant testimony",
    "TheoryEvidence": "theory",
    "AuthorAnalysis": "author analysis",
}
KIND_STRENGTH = (
    "empirical study",
    "review",
    "participant testimony",
    "author analysis",
    "practice guidance",
    "theory",
)
"""Kinds of evidence, strongest first: what a study observed before what someone advises."""


def kind_rank(kind: str | None) -> int:
    """A kind's place in `KIND_STRENGTH`; an unstated kind ranks last."""
    return KIND_STRENGTH.index(kind) if kind in KIND_STRENGTH else len(KIND_STRENGTH)


@dataclass
class Citation:
    key: str
    authors: str | None
    year: str | None
    name: str | None = None
    """The work's short citation from `names.work_names` ('Wallace, 2010')."""

    def short(self, pages: str | None = None) -> str:
        """'Cairns et al., 2006, p. 24': what a reader needs to find the passage."""
        text = self.name or short_citation(self.authors, self.year, None, self.key)
        return f"{text}, p. {pages}" if pages else text


@dataclass
class EvidenceClaim:
    claim_id: str
    polarity: str
    works: list[Citation]
    via: list[str]
    quote: str
    reviewed_in: str
    section: str | None
    pages: str | None
    kind: str | None
    reviewed_in_name: str = ""
    """The reviewed document's short citation ('Wallace, 2010'); `reviewed_in` is its key."""
    via_names: list[str] = field(default_factory=list)
    """Short citations of the `via` works, in the same order."""

    def citation(self) -> str:
        """The short citation of every asserting work, pages where there is one work."""
        pages = self.pages if len(self.works) == 1 else None
        text = "; ".join(w.short(pages) for w in self.works)
        via = self.via_names or self.via
        return f"{text} (as cited in {', '.join(via)})" if via else text


@dataclass
class WorkGroup:
    """The claims one work (or one set of co-asserting works) makes, strongest first."""

    works: list[Citation]
    claims: list[EvidenceClaim]

    def heading(self) -> str:
        return "; ".join(w.short() for w in self.works)

    def newest_year(self) -> int | None:
        years = [int(w.year[:4]) for w in self.works if w.year and w.year[:4].isdigit()]
        return max(years) if years else None

    def rank(self) -> tuple[int, int, str]:
        """Strongest kind first, then newest first, undated last, then by name."""
        year = self.newest_year()
        return (min(kind_rank(c.kind) for c in self.claims), -year if year else 1, self.heading())


def group_by_work(claims: list[EvidenceClaim]) -> list[WorkGroup]:
    """Claims under the works that assert them, the strongest works first (module docstring)."""
    groups: dict[tuple[str, ...], WorkGroup] = {}
    for claim in claims:
        key = tuple(w.key for w in claim.works)
        groups.setdefault(key, WorkGroup(claim.works, [])).claims.append(claim)
    for group in groups.values():
        group.claims.sort(key=lambda c: (kind_rank(c.kind), c.reviewed_in_name, c.claim_id))
    return sorted(groups.values(), key=WorkGroup.rank)


@dataclass
class Profile:
    works: int
    reviewed_documents: int
    evidence_kinds: dict[str, int]
    polarity: dict[str, int]
    secondary_only: list[str]
    years: tuple[int, int] | None
    adequacy: str
    coherence: str
    grade: str
    reasons: list[str] = field(default_factory=list)
    secondary_only_names: list[str] = field(default_factory=list)
    """Short citations of the `secondary_only` works, in the same order."""


@dataclass
class Evidence:
    concept: ConceptRef
    claims: list[EvidenceClaim]
    profile: Profile

    def by_polarity(self) -> dict[str, list[EvidenceClaim]]:
        groups: dict[str, list[EvidenceClaim]] = {p: [] for p in POLARITY_ORDER}
        for claim in self.claims:
            groups[claim.polarity].append(claim)
        return {p: c for p, c in groups.items() if c}

    def by_polarity_and_work(self) -> dict[str, list[WorkGroup]]:
        """What a reader scans: each polarity's claims under their works, strongest first."""
        return {p: group_by_work(claims) for p, claims in self.by_polarity().items()}

    def as_dict(self) -> dict[str, object]:
        return {
            "concept": asdict(self.concept),
            "profile": asdict(self.profile),
            "claims": [asdict(c) | {"citation": c.citation()} for c in self.claims],
        }


def collect_evidence(
    store: Store, project: Project, concept: str | ConceptRef, *, empty_category_ok: bool = False
) -> Evidence:
    """Every claim about the concept (as typed, or already found), ordered by polarity, then
    work strength (module docstring). A category no claim is about is an error naming its
    concepts, unless `empty_category_ok`."""
    if isinstance(concept, ConceptRef):
        ref = concept
    else:
        ref = find_concept(store, concept, empty_category_ok=empty_category_ok)
    rows = run_query(store, find_query("claims-about-concept", project), {"concept": ref.iri}).dicts()
    keys = {str(row[v]) for row in rows for v in ("citeKey", "reviewedIn", "via") if row[v] is not None}
    names = work_names(store, keys)
    claims: dict[str, EvidenceClaim] = {}
    for row in rows:
        claim_iri = str(row["claim"])
        claim = claims.get(claim_iri)
        if claim is None:
            claim = claims[claim_iri] = EvidenceClaim(
                claim_id=f"{row['reviewedIn']}-{row['claimId']}",
                polarity=_local(row["polarity"]).lower(),
                works=[],
                via=[],
                quote=str(row["quote"]),
                reviewed_in=str(row["reviewedIn"]),
                section=optional_text(row["section"]),
                pages=optional_text(row["pages"]),
                kind=KIND_NAMES.get(_local(row["kind"])) if row["kind"] else None,
                reviewed_in_name=_name(names, str(row["reviewedIn"])),
            )
        key = str(row["citeKey"])
        if key not in [w.key for w in claim.works]:
            authors, year = optional_text(row["authors"]), optional_text(row["year"])
            claim.works.append(Citation(key, authors, year, _name(names, key)))
        if row["via"] and str(row["via"]) not in claim.via:
            claim.via.append(str(row["via"]))
            claim.via_names.append(_name(names, str(row["via"])))
    ordered = [
        claim
        for polarity in POLARITY_ORDER
        for group in group_by_work([c for c in claims.values() if c.polarity == polarity])
        for claim in group.claims
    ]
    return Evidence(ref, ordered, profile(ordered))


def _name(names: dict[str, WorkName], key: str) -> str:
    return names[key].citation if key in names else key


def _local(term: object) -> str:
    return str(term).rsplit("#", 1)[-1]


# Adequacy: how much evidence, counted in distinct works and reviewed documents.
ADEQUACY_RULES = (
    ("substantial", "at least 3 distinct works, read in at least 2 reviewed documents"),
    ("moderate", "at least 2 distinct works, or 1 work read in 2 or more reviewed documents"),
    ("thin", "a single work in a single reviewed document"),
)
# Coherence: how consistently the directional (enabling or hindering) claims point one way.
COHERENCE_RULES = (
    ("consistent", "80% or more of enabling and hindering claims point the same way"),
    ("mostly consistent", "60% to 79% point the same way"),
    ("contested", "less than 60% point the same way"),
    ("not directional", "no claim says the concept enables or hinders"),
)
GRADES = ("high", "moderate", "low", "very low")


def grade(
    works: int, documents: int, polarity: dict[str, int], empirical: bool, first_hand: int
) -> tuple[str, str, str, list[str]]:
    """(adequacy, coherence, grade, reasons): the documented rules, applied to counts."""
    if works >= 3 and documents >= 2:
        adequacy = "substantial"
    elif works >= 2 or documents >= 2:
        adequacy = "moderate"
    else:
        adequacy = "thin"
    enabling, hindering = polarity.get("enables", 0), polarity.get("hinders", 0)
    directional = enabling + hindering
    if not directional:
        coherence = "not directional"
    else:
        share = max(enabling, hindering) / directional
        coherence = "consistent" if share >= 0.8 else "mostly consistent" if share >= 0.6 else "contested"
    reasons = [
        f"adequacy {adequacy}: {plural(works, 'distinct work')} in {plural(documents, 'reviewed document')}",
        f"coherence {coherence}: {plural(enabling, 'enabling claim')}, "
        f"{plural(hindering, 'hindering claim')}",
    ]
    level = {"substantial": 0, "moderate": 1, "thin": 2}[adequacy]
    level += {"consistent": 0, "not directional": 0, "mostly consistent": 1, "contested": 2}[coherence]
    if not empirical:
        level += 1
        reasons.append("no empirical study among the works: one grade lower")
    if first_hand == 0:
        level += 1
        reasons.append("every work is known only through a secondary citation: one grade lower")
    reasons.append(
        "a rule over counts of what the reviewed documents report, not an appraisal of the studies"
    )
    return adequacy, coherence, GRADES[min(level, len(GRADES) - 1)], reasons


def profile(claims: list[EvidenceClaim]) -> Profile:
    works = {w.key: w for c in claims for w in c.works}
    first_hand = {w.key for c in claims if not c.via for w in c.works}
    kinds: dict[str, int] = defaultdict(int)
    polarity: dict[str, int] = defaultdict(int)
    for c in claims:
        kinds[c.kind or "unstated"] += 1
        polarity[c.polarity] += 1
    names = {w.key: w.name or w.key for w in works.values()}
    years = sorted(int(w.year[:4]) for w in works.values() if w.year and w.year[:4].isdigit())
    documents = {c.reviewed_in for c in claims}
    adequacy, coherence, level, reasons = grade(
        len(works), len(documents), polarity, "empirical study" in kinds, len(first_hand)
    )
    return Profile(
        works=len(works),
        reviewed_documents=len(documents),
        evidence_kinds=dict(sorted(kinds.items(), key=lambda item: (kind_rank(item[0]), item[0]))),
        polarity={p: polarity[p] for p in POLARITY_ORDER if polarity.get(p)},
        secondary_only=sorted(set(works) - first_hand),
        years=(years[0], years[-1]) if years else None,
        adequacy=adequacy,
        coherence=coherence,
        grade=level,
        reasons=reasons,
        secondary_only_names=[names[key] for key in sorted(set(works) - first_hand)],
    )
