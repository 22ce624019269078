"""Agreement between the corpus and a second, blind coding of a sample of its passages.

The sample (tools/second_coding_sample.py) is a set of units, each a quoted passage of a
reviewed document; the second coder read each passage in its text and coded it with one
or more concepts of the vocabulary, each with a polarity. A passage carries several
codes, so concept agreement is measured as NVivo's coding comparison does: one yes/no
decision per unit and concept ("is concept c coded on this passage?"), Cohen's kappa
over the 2x2 table of those decisions summed over every concept of the vocabulary. Most
concepts are coded by neither coder on most passages; those agreements are real (neither
saw "funding" in a passage on trust) but they lift the percentage agreement to nearly
100%, so kappa is also given over the concepts either coder used. Polarity is compared
only where both coded the concept: Cohen's kappa over the four polarities.

The corpus side is the corpus as it is now: the claims the sample key names, found by
id, and claims added since on the same passage (a claim split out of it, say). A claim
since removed, or moved to another passage, is counted and left out, so the figures
never silently compare against a coding that is no longer there.

    python tools/agreement.py                     # per-document table
    python tools/agreement.py --format markdown   # the table for docs/annotation.md
    python tools/agreement.py --disagreements     # each disagreement, to resolve
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from partnergraph.corpus import POLARITIES, Claim, Corpus, load_corpus  # noqa: E402
from partnergraph.errors import InputError, SourceProblem, did_you_mean  # noqa: E402
from partnergraph.project import Project  # noqa: E402
from partnergraph.verify import fold  # noqa: E402
from partnergraph.yaml_source import LineDict, load_yaml  # noqa: E402

AGREEMENT = Path("corpus") / "agreement"
NONE = "none"
"""The coding of a concept a coder did not code on a passage, in disagreements and resolutions."""
DECISIONS = {
    "corpus": "the corpus coding stands; the second coder's does not",
    "second": "the second coder is right: the corpus should change (say how in `change`)",
    "both": "both codings are acceptable readings of the passage",
}
ADDED_MIN_WORDS = 5
"""A claim outside the key counts for a passage when its quote is the passage (as the
sample groups claims by quote), or lies inside it and is of this many words (a claim
split out of the sentence, say). A short quote ("trust", "lack of commitment") lies
inside passages it was never read in: in a table of factors the same words stand in
many rows, one claim each."""


def kappa(counts: Mapping[tuple[str, str], int]) -> float | None:
    """Cohen's kappa of a table of (first coder's category, second's) → count; None when
    chance agreement is total (both coders put everything in one category), where kappa
    is undefined."""
    total = sum(counts.values())
    first: Counter[str] = Counter()
    second: Counter[str] = Counter()
    for (a, b), n in counts.items():
        first[a] += n
        second[b] += n
    expected = sum(first[c] * second[c] for c in first)  # × total² too, kept in whole numbers
    if total == 0 or expected == total * total:
        return None
    observed = sum(n for (a, b), n in counts.items() if a == b)
    return (observed * total - expected) / (total * total - expected)


def share(counts: Mapping[tuple[str, str], int]) -> float | None:
    """The share of decisions on which the two coders agree."""
    total = sum(counts.values())
    return sum(n for (a, b), n in counts.items() if a == b) / total if total else None


Coding = dict[str, dict[str, str]]
"""unit → concept → polarity."""


@dataclass(frozen=True)
class Unit:
    unit: str
    document: str
    section: str | None
    quote: str
    claims: tuple[str, ...]


@dataclass
class CorpusSide:
    """The corpus's current coding of each unit, and how the corpus moved since sampling."""

    coding: Coding
    claims: dict[str, list[Claim]]
    removed: list[tuple[str, str]] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    mixed: list[tuple[str, str]] = field(default_factory=list)


def _shown(path: Path, root: Path) -> str:
    """A path as messages name it: from the project root when it lies there."""
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _items(path: Path, root: Path, key: str, problems: list[SourceProblem]) -> list[LineDict]:
    shown = _shown(path, root)
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
    claims = {item["unit"]: tuple(item.get("claims") or ()) for item in _items(key, root, "units", problems)}
    units = [
        Unit(item["unit"], item["document"], item.get("section"), item["quote"], claims.get(item["unit"], ()))
        for item in _items(sheet, root, "units", problems)
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
) -> Coding:
    """The second coder's file, every mistake named at its line: a unit not in the sample,
    a concept not in the vocabulary, a polarity not among the four, a concept coded twice.
    Slugs are read through the vocabulary review's `renames`."""
    renames = renames or Renames()
    known = vocabulary | set(renames.merges) | renames.retired
    codes: dict[str, dict[str, list[str]]] = {}
    problems: list[SourceProblem] = []
    shown = _shown(path, root)
    sampled = {u.unit for u in units}
    written: dict[str, set[str]] = {}
    for item in _items(path, root, "units", problems):
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
            else:
                written[unit].add(concept)
                codes[unit].setdefault(renames.kept(concept), []).append(polarity)
    if problems:
        raise InputError(problems)
    return {unit: {c: one_polarity(ps) for c, ps in found.items()} for unit, found in codes.items()}


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


def compare(root: Path, second_path: Path | None = None) -> Comparison:
    """The corpus under `root` against the second coding, per document and pooled."""
    problems: list[SourceProblem] = []
    corpus = load_corpus(Project.locate(root), problems)
    if problems:
        raise InputError(problems)
    units = read_units(root / AGREEMENT / "blind-sheet.yaml", root / AGREEMENT / "sample-key.yaml", root)
    vocabulary = {c.slug for c in corpus.concepts}
    second_path = second_path or root / AGREEMENT / "second-coding.yaml"
    second = read_second_coding(second_path, root, units, vocabulary, read_renames(root))
    uncoded = [u.unit for u in units if u.unit not in second]
    coded = [u for u in units if u.unit in second]
    side = corpus_side(coded, corpus)
    documents = sorted({u.document for u in coded})
    rows = [
        agreement(d, [u for u in coded if u.document == d], side.coding, second, len(vocabulary))
        for d in documents
    ]
    rows.append(agreement("all documents", coded, side.coding, second, len(vocabulary)))
    return Comparison(coded, side, second, rows, uncoded)


def _figure(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


COLUMNS = (
    "document", "units", "claims sampled", "both / corpus only / second only", "% agree", "κ concept",
    "κ concept (used)", "pairs both coded", "% polarity", "κ polarity",
)  # fmt: skip


def cells(row: Agreement) -> list[str]:
    return [
        row.scope,
        str(row.units),
        str(row.claims),
        f"{row.both} / {row.corpus_only} / {row.second_only}",
        _percent(row.share_vocabulary),
        _figure(row.kappa_vocabulary),
        _figure(row.kappa_used),
        str(row.both),
        _percent(row.share_polarity),
        _figure(row.kappa_polarity),
    ]


def markdown(rows: list[Agreement]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(" --- " for _ in COLUMNS) + "|"]
    for row in rows:
        bold = row.scope == "all documents"
        lines.append("| " + " | ".join(f"**{c}**" if bold else c for c in cells(row)) + " |")
    return "\n".join(lines)


def plain(rows: list[Agreement]) -> str:
    table = [list(COLUMNS), *(cells(row) for row in rows)]
    widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table)


def changes(comparison: Comparison) -> list[str]:
    """How the corpus moved on the sampled passages since the sample was drawn."""
    side = comparison.side
    out = [
        f"{len(side.removed)} claims of the key no longer in the corpus (changed since sampling)"
        + (": " + ", ".join(f"{u} {c}" for u, c in side.removed) if side.removed else ""),
        f"{len(side.moved)} claims of the key now quote another passage (left out)"
        + (": " + ", ".join(f"{u} {c}" for u, c in side.moved) if side.moved else ""),
        f"{len(side.added)} claims outside the key quoting part of a sampled passage (counted)"
        + (": " + ", ".join(f"{u} {c}" for u, c in side.added) if side.added else ""),
    ]
    if side.mixed:
        out.append(f"{len(side.mixed)} concepts coded with two polarities on one passage, compared as mixed")
    if comparison.uncoded:
        out.append(
            f"{len(comparison.uncoded)} units not in the second coding: {', '.join(comparison.uncoded)}"
        )
    return out


def disagreement_lines(found: list[Disagreement]) -> list[str]:
    out = []
    for d in found:
        claims = f" ({', '.join(d.claims)})" if d.claims else ""
        out.append(
            f"{d.unit.unit} {d.unit.document}: {d.concept}: corpus {d.corpus}{claims}, second {d.second}"
        )
    return out


RESOLUTION_KEYS = ("unit", "concept", "corpus", "second", "decision", "reason", "change")


@dataclass(frozen=True)
class Resolution:
    unit: str
    concept: str
    corpus: str
    second: str
    decision: str
    reason: str
    change: str | None
    line: int


def read_resolutions(path: Path, root: Path, renames: Renames | None = None) -> list[Resolution]:
    """The resolved disagreements, concepts read through the vocabulary review's `renames`;
    each mistake of form named at its line."""
    renames = renames or Renames()
    problems: list[SourceProblem] = []
    shown = _shown(path, root)
    found: list[Resolution] = []
    seen: dict[tuple[str, str], int] = {}
    for item in _items(path, root, "resolutions", problems):

        def problem(message: str, fix: str, key: str | None = None, item: LineDict = item) -> None:
            problems.append(SourceProblem(shown, item.line_of(key) if key else item.line, message, fix))

        for key in item:
            if key not in RESOLUTION_KEYS:
                problem(f"unknown field '{key}'", did_you_mean(str(key), RESOLUTION_KEYS, "the fields"), key)
        values = {k: str(item[k]).strip() if item.get(k) is not None else "" for k in RESOLUTION_KEYS}
        for key in ("unit", "concept", "corpus", "second", "decision", "reason"):
            if not values[key]:
                problem(f"missing '{key}'", f"add '{key}: ...'")
        if values["decision"] and values["decision"] not in DECISIONS:
            problem(f"decision '{values['decision']}'", f"write one of {', '.join(DECISIONS)}", "decision")
        if values["decision"] == "second" and not values["change"]:
            problem("the corpus should change, but 'change' does not say how", "add 'change: CLAIM: what'")
        values["concept"] = renames.kept(values["concept"])
        pair = (values["unit"], values["concept"])
        if pair in seen:
            problem(f"{pair[0]} {pair[1]} is resolved twice (first at line {seen[pair]})", "keep one")
        seen[pair] = item.line
        found.append(
            Resolution(*(values[k] for k in RESOLUTION_KEYS[:6]), values["change"] or None, item.line)
        )
    if problems:
        raise InputError(problems)
    return found


@dataclass
class ResolutionCheck:
    """The resolutions against the disagreements the corpus has now."""

    resolved: list[tuple[Disagreement, Resolution]]
    unresolved: list[Disagreement]
    applied: list[Resolution]
    stale: list[str]

    @property
    def ok(self) -> bool:
        return not self.unresolved and not self.stale


def check_resolutions(
    found: list[Disagreement], resolutions: list[Resolution], side: CorpusSide, shown: str
) -> ResolutionCheck:
    """Each disagreement with its resolution. A resolution whose pair no longer disagrees
    was applied when the corpus now codes what the decision said; otherwise (as when it
    was recorded for other codings than the pair has now) it is stale and named at its line."""
    by_pair = {(r.unit, r.concept): r for r in resolutions}
    check = ResolutionCheck([], [], [], [])
    for d in found:
        r = by_pair.pop((d.unit.unit, d.concept), None)
        if r is None:
            check.unresolved.append(d)
        elif (r.corpus, r.second) != (d.corpus, d.second):
            check.stale.append(
                f"{shown} line {r.line}: {r.unit} {r.concept} was resolved for corpus {r.corpus}, second "
                f"{r.second}; the codings are now corpus {d.corpus}, second {d.second} — resolve it again"
            )
        else:
            check.resolved.append((d, r))
    for r in by_pair.values():
        now = side.coding.get(r.unit, {}).get(r.concept, NONE)
        if r.decision == "second" and now == r.second:
            check.applied.append(r)
        else:
            check.stale.append(
                f"{shown} line {r.line}: {r.unit} {r.concept} is no longer a disagreement (corpus codes "
                f"{now}) — remove the resolution or correct its unit and concept"
            )
    return check


def resolution_lines(check: ResolutionCheck) -> list[str]:
    decided = Counter(r.decision for _, r in check.resolved)
    out = [
        f"{len(check.resolved)} disagreements resolved ("
        + ", ".join(f"{decided[d]} {d}" for d in DECISIONS)
        + f"), {len(check.unresolved)} unresolved, {len(check.applied)} resolutions applied to the corpus"
    ]
    out += [
        f"  corpus change needed: {r.unit} {r.concept}: {r.change}" for _, r in check.resolved if r.change
    ]
    out += [f"  unresolved: {line}" for line in disagreement_lines(check.unresolved)]
    out += [f"  {line}" for line in check.stale]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the project (corpus/ and corpus/agreement/)")
    parser.add_argument(
        "--second", type=Path, help="the second coding (default corpus/agreement/second-coding.yaml)"
    )
    parser.add_argument("--format", choices=("plain", "markdown"), default="plain")
    parser.add_argument("--disagreements", action="store_true", help="list each disagreement")
    parser.add_argument(
        "--resolutions", type=Path, help="default corpus/agreement/resolutions.yaml, when there"
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 on a disagreement not (or no longer) resolved"
    )
    args = parser.parse_args(argv)
    root = args.root.resolve()
    path = (args.resolutions or root / AGREEMENT / "resolutions.yaml").resolve()
    try:
        comparison = compare(root, args.second)
        resolutions = read_resolutions(path, root, read_renames(root)) if path.exists() else None
    except InputError as exc:
        print(
            f"{len(exc.problems)} problems found:",
            *(f"  {p}" for p in exc.problems),
            sep="\n",
            file=sys.stderr,
        )
        return 1
    print(markdown(comparison.rows) if args.format == "markdown" else plain(comparison.rows))
    for line in changes(comparison):
        print(line, file=sys.stderr)
    found = disagreements(comparison.units, comparison.side, comparison.second)
    if args.disagreements:
        print(f"\n{len(found)} disagreements:")
        print("\n".join(disagreement_lines(found)))
    if resolutions is None:
        return 1 if args.check and found else 0
    check = check_resolutions(found, resolutions, comparison.side, _shown(path, root))
    print("\n".join(resolution_lines(check)), file=sys.stderr)
    return 0 if check.ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
