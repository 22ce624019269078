"""The corpus's coding and the second coder's, unit by unit, and the figures comparing them.

Read by tools/agreement.py (which prints them) and tools/coding_resolutions.py (which
checks the recorded resolutions against the disagreements found here). The second coding
and the sample are read with their line numbers, so each mistake names its line.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kappa import kappa, share  # noqa: E402

from partnergraph.corpus import POLARITIES, Claim, Corpus, load_corpus  # noqa: E402
from partnergraph.errors import InputError, SourceProblem, did_you_mean  # noqa: E402
from partnergraph.project import Project  # noqa: E402
from partnergraph.verify import fold  # noqa: E402
from partnergraph.yaml_source import LineDict, load_yaml  # noqa: E402

AGREEMENT = Path("corpus") / "agreement"
NONE = "none"
"""The coding of a concept a coder did not code on a passage, in disagreements and resolutions."""
ADDED_MIN_WORDS = 5
"""A claim outside the key counts for a passage when its quote is the passage (as the
sample groups claims by quote), or lies inside it and is of this many words (a claim
split out of the sentence, say). A short quote ("trust", "lack of commitment") lies
inside passages it was never read in: in a table of factors the same words stand in
many rows, one claim each."""


Coding = dict[str, dict[str, str]]
"""unit → concept → polarity."""


@dataclass(frozen=True)
class Unit:
    unit: str
    document: str
    section: str | None
    quote: str
    claims: tuple[str, ...]


@dataclass(frozen=True)
class CodedClaim:
    """A claim as the first coding had it: all that the comparison reads of a claim."""

    id: str
    concept: str
    polarity: str


@dataclass
class CorpusSide:
    """The corpus's coding of each unit, and how the corpus moved since sampling."""

    coding: Coding
    claims: dict[str, list[Claim] | list[CodedClaim]]
    removed: list[tuple[str, str]] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    mixed: list[tuple[str, str]] = field(default_factory=list)


def shown_path(path: Path, root: Path) -> str:
    """A path as messages name it: from the project root when it lies there."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def yaml_items(path: Path, root: Path, key: str, problems: list[SourceProblem]) -> list[LineDict]:
    shown = shown_path(path, root)
    data, found = load_yaml(path.read_text(encoding="utf-8"), shown)
    problems += found
    items = data.get(key) if isinstance(data, dict) else None
    if not found and not isinstance(items, list):
        problems.append(
            SourceProblem(shown, 1, f"expected a top-level '{key}:' list", "see docs/annotation.md")
        )
    return [item for item in items or [] if isinstance(item, LineDict)]


def read_units(sheet: Path, key: Path, root: Path) -> list[Unit]:
    """The sampled units: the passage from the blind sheet, the claims from the key."""
    problems: list[SourceProblem] = []
    claims = {
        item["unit"]: tuple(item.get("claims") or ()) for item in yaml_items(key, root, "units", problems)
    }
    units = [
        Unit(item["unit"], item["document"], item.get("section"), item["quote"], claims.get(item["unit"], ()))
        for item in yaml_items(sheet, root, "units", problems)
    ]
    if problems:
        raise InputError(problems)
    return units


def _codes_passage(claim: Claim, passage: str) -> bool:
    quote = fold(claim.quote)
    return quote in passage or passage in quote


def one_polarity(polarities: Iterable[str]) -> str:
    """One polarity for a concept coded several times on one passage (by several claims, or
    by codes the vocabulary review merged into one concept): theirs when they agree, else
    `mixed` (the passage reads the concept both ways)."""
    found = set(polarities)
    return found.pop() if len(found) == 1 else "mixed"


def corpus_side(units: list[Unit], corpus: Corpus) -> CorpusSide:
    by_document = {doc.document: doc for doc in corpus.documents}
    side = CorpusSide({}, {})
    for unit in units:
        doc = by_document.get(unit.document)
        by_id = {c.id: c for c in doc.claims} if doc else {}
        passage = fold(unit.quote)
        chosen: list[Claim] = []
        for claim_id in unit.claims:
            claim = by_id.get(claim_id)
            if claim is None:
                side.removed.append((unit.unit, claim_id))
            elif not _codes_passage(claim, passage):
                side.moved.append((unit.unit, claim_id))
            else:
                chosen.append(claim)
        for claim in by_id.values():
            if claim.id in unit.claims or fold(claim.quote) not in passage:
                continue
            if fold(claim.quote) == passage or len(claim.quote.split()) >= ADDED_MIN_WORDS:
                side.added.append((unit.unit, claim.id))
                chosen.append(claim)
        side.claims[unit.unit] = chosen
        concepts: dict[str, list[Claim]] = {}
        for claim in chosen:
            concepts.setdefault(claim.concept, []).append(claim)
        side.coding[unit.unit] = {
            concept: one_polarity(c.polarity for c in claims) for concept, claims in concepts.items()
        }
        side.mixed += [
            (unit.unit, c) for c, claims in concepts.items() if len({x.polarity for x in claims}) > 1
        ]
    return side


FIRST_CODING = AGREEMENT / "first-coding.yaml"
"""The corpus's coding of the sampled passages when the sample was drawn. The agreement is
between two independent codings; once the disagreements are resolved and the corpus is
corrected, comparing the second coding with the corrected corpus would count the
resolution as agreement. So the figures and the resolutions are read against this
snapshot, and the current corpus only tells which corrections have been made."""


def freeze(side: CorpusSide) -> str:
    """The snapshot file of `side`: per unit, the claims of the first coding."""
    lines = [
        "# The corpus's coding of the sampled passages when the sample was drawn (written by",
        "# tools/agreement.py --freeze); the agreement figures compare the second coding with this.",
        "units:",
    ]
    for unit, claims in side.claims.items():
        lines.append(f"- unit: {unit}")
        lines.append("  claims:" if claims else "  claims: []")
        lines += [f"  - {{id: {c.id}, concept: {c.concept}, polarity: {c.polarity}}}" for c in claims]
    return "\n".join(lines) + "\n"


def frozen_side(path: Path, root: Path, units: list[Unit]) -> CorpusSide:
    """The first coding as `freeze` wrote it, for the units of `units`."""
    problems: list[SourceProblem] = []
    written = {
        item.get("unit"): item.get("claims") or [] for item in yaml_items(path, root, "units", problems)
    }
    if problems:
        raise InputError(problems)
    side = CorpusSide({}, {})
    for unit in units:
        claims = [
            CodedClaim(str(c["id"]), str(c["concept"]), str(c["polarity"]))
            for c in written.get(unit.unit, [])
        ]
        side.claims[unit.unit] = claims
        concepts: dict[str, list[str]] = {}
        for claim in claims:
            concepts.setdefault(claim.concept, []).append(claim.polarity)
        side.coding[unit.unit] = {c: one_polarity(ps) for c, ps in concepts.items()}
    return side


MERGES = Path("corpus") / "concept-merges.yaml"


@dataclass(frozen=True)
class Renames:
    """The vocabulary review's decisions (corpus/concept-merges.yaml, see
    tools/apply_concept_merges.py): the second coding was made against the vocabulary as it
    was, and is kept as coded, so its merged slugs are read as the kept ones and its retired
    ones are still accepted."""

    merges: dict[str, str] = field(default_factory=dict)
    retired: frozenset[str] = frozenset()

    def kept(self, slug: str) -> str:
        seen = {slug}
        while slug in self.merges and self.merges[slug] not in seen:
            slug = self.merges[slug]
            seen.add(slug)
        return slug


def read_renames(root: Path) -> Renames:
    path = root / MERGES
    if not path.exists():
        return Renames()
    data, problems = load_yaml(path.read_text(encoding="utf-8"), str(MERGES))
    if problems:
        raise InputError(problems)
    data = data if isinstance(data, dict) else {}
    merges, retired = data.get("merges") or {}, data.get("retire") or []
    return Renames({str(k): str(v) for k, v in dict(merges).items()}, frozenset(map(str, retired)))


def read_second_coding(
    path: Path, root: Path, units: list[Unit], vocabulary: set[str], renames: Renames | None = None
) -> tuple[Coding, list[tuple[str, str]]]:
    """The second coder's file, every mistake named at its line: a unit not in the sample,
    a concept not in the vocabulary, a polarity not among the four, a concept coded twice.
    Slugs are read through the vocabulary review's `renames`; the codes of a concept it has
    retired from the vocabulary are set apart (unit, concept), since neither coder can
    code a concept the vocabulary no longer has."""
    renames = renames or Renames()
    retired: list[tuple[str, str]] = []
    known = vocabulary | set(renames.merges) | renames.retired
    codes: dict[str, dict[str, list[str]]] = {}
    problems: list[SourceProblem] = []
    shown = shown_path(path, root)
    sampled = {u.unit for u in units}
    written: dict[str, set[str]] = {}
    for item in yaml_items(path, root, "units", problems):
        unit = item.get("unit")
        if unit not in sampled:
            fix = did_you_mean(str(unit), sampled, "the blind sheet")
            problems.append(SourceProblem(shown, item.line, f"unit '{unit}' is not in the sample", fix))
            continue
        if unit in written:
            problems.append(SourceProblem(shown, item.line, f"unit '{unit}' is coded twice", "merge the two"))
            continue
        written[unit] = set()
        codes[unit] = {}
        for code in item.get("codes") or []:
            line = code.line if isinstance(code, LineDict) else item.line
            concept, polarity = (
                (code.get("concept"), code.get("polarity")) if isinstance(code, dict) else (None, None)
            )
            if concept not in known:
                fix = did_you_mean(str(concept), known, "corpus/concepts.yaml")
                problems.append(SourceProblem(shown, line, f"{unit}: '{concept}' is not a concept", fix))
            elif polarity not in POLARITIES:
                fix = f"write one of {', '.join(POLARITIES)}"
                problems.append(
                    SourceProblem(shown, line, f"{unit}: polarity '{polarity}' of {concept}", fix)
                )
            elif concept in written[unit]:
                problems.append(
                    SourceProblem(shown, line, f"{unit}: {concept} is coded twice", "keep one code")
                )
            elif concept in renames.retired and concept not in vocabulary:
                retired.append((unit, concept))
            else:
                written[unit].add(concept)
                codes[unit].setdefault(renames.kept(concept), []).append(polarity)
    if problems:
        raise InputError(problems)
    return {unit: {c: one_polarity(ps) for c, ps in found.items()} for unit, found in codes.items()}, retired


@dataclass(frozen=True)
class Agreement:
    """The figures for one document, or for the whole sample."""

    scope: str
    units: int
    claims: int
    both: int
    corpus_only: int
    second_only: int
    vocabulary: int
    used: int
    polarities: Counter[tuple[str, str]]

    def decisions(self, concepts: int) -> Counter[tuple[str, str]]:
        """The unit × concept yes/no table over `concepts` concepts."""
        neither = self.units * concepts - self.both - self.corpus_only - self.second_only
        return Counter(
            {
                ("y", "y"): self.both,
                ("y", "n"): self.corpus_only,
                ("n", "y"): self.second_only,
                ("n", "n"): neither,
            }
        )

    @property
    def kappa_vocabulary(self) -> float | None:
        return kappa(self.decisions(self.vocabulary))

    @property
    def share_vocabulary(self) -> float | None:
        return share(self.decisions(self.vocabulary))

    @property
    def kappa_used(self) -> float | None:
        return kappa(self.decisions(self.used))

    @property
    def kappa_polarity(self) -> float | None:
        return kappa(self.polarities)

    @property
    def share_polarity(self) -> float | None:
        return share(self.polarities)


def agreement(scope: str, units: list[Unit], first: Coding, second: Coding, vocabulary: int) -> Agreement:
    pairs = [(u.unit, c) for u in units for c in sorted(set(first[u.unit]) | set(second[u.unit]))]
    both = [(u, c) for u, c in pairs if c in first[u] and c in second[u]]
    return Agreement(
        scope=scope,
        units=len(units),
        claims=sum(len(u.claims) for u in units),
        both=len(both),
        corpus_only=sum(c not in second[u] for u, c in pairs),
        second_only=sum(c not in first[u] for u, c in pairs),
        vocabulary=vocabulary,
        used=len({c for _, c in pairs}),
        polarities=Counter((first[u][c], second[u][c]) for u, c in both),
    )


@dataclass(frozen=True)
class Disagreement:
    unit: Unit
    concept: str
    corpus: str
    second: str
    claims: tuple[str, ...]

    def __str__(self) -> str:
        claims = f" ({', '.join(self.claims)})" if self.claims else ""
        where = f"{self.unit.unit} {self.unit.document}"
        return f"{where}: {self.concept}: corpus {self.corpus}{claims}, second {self.second}"


def disagreements(units: list[Unit], side: CorpusSide, second: Coding) -> list[Disagreement]:
    """Every (unit, concept) the two codings differ on: coded by one coder only, or with
    another polarity."""
    found = []
    for unit in units:
        first = side.coding[unit.unit]
        for concept in sorted(set(first) | set(second[unit.unit])):
            a, b = first.get(concept, NONE), second[unit.unit].get(concept, NONE)
            if a != b:
                ids = tuple(c.id for c in side.claims[unit.unit] if c.concept == concept)
                found.append(Disagreement(unit, concept, a, b, ids))
    return found


@dataclass
class Comparison:
    units: list[Unit]
    side: CorpusSide
    second: Coding
    rows: list[Agreement]
    uncoded: list[str]
    retired: list[tuple[str, str]] = field(default_factory=list)
    """The second coder's codes of concepts retired from the vocabulary since, left out."""
    current: CorpusSide | None = None
    """The corpus as it is now, when the figures are read from the first coding's snapshot."""


def compare(root: Path, second_path: Path | None = None, current_only: bool = False) -> Comparison:
    """The first coding (FIRST_CODING, or the corpus under `root` when there is no snapshot
    or `current_only`) against the second coding, per document and pooled."""
    problems: list[SourceProblem] = []
    corpus = load_corpus(Project.locate(root), problems)
    if problems:
        raise InputError(problems)
    units = read_units(root / AGREEMENT / "blind-sheet.yaml", root / AGREEMENT / "sample-key.yaml", root)
    vocabulary = {c.slug for c in corpus.concepts}
    second_path = second_path or root / AGREEMENT / "second-coding.yaml"
    second, retired = read_second_coding(second_path, root, units, vocabulary, read_renames(root))
    uncoded = [u.unit for u in units if u.unit not in second]
    coded = [u for u in units if u.unit in second]
    current = corpus_side(coded, corpus)
    snapshot = root / FIRST_CODING
    side = current if current_only or not snapshot.exists() else frozen_side(snapshot, root, coded)
    # A retired concept is set aside on the first coding's side too, as on the second's:
    # neither coder can code a concept the vocabulary no longer has.
    gone = read_renames(root).retired - vocabulary
    for unit, codes in side.coding.items():
        retired += [(unit, c) for c in codes if c in gone and (unit, c) not in retired]
        side.coding[unit] = {c: p for c, p in codes.items() if c not in gone}
    documents = sorted({u.document for u in coded})
    rows = [
        agreement(d, [u for u in coded if u.document == d], side.coding, second, len(vocabulary))
        for d in documents
    ]
    rows.append(agreement("all documents", coded, side.coding, second, len(vocabulary)))
    return Comparison(coded, side, second, rows, uncoded, retired, current)
