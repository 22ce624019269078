"""corpus/agreement/resolutions.yaml: how each disagreement with the second coder was resolved.

A resolution names the unit and concept, both codings as they were when it was decided,
the decision and its reason, and the change the corpus needs when the second coder was
right. Checked against the disagreements the corpus has now: one without a resolution,
or a resolution recorded for other codings than the pair has now, is reported; one whose
change has since been made to the corpus is counted as applied.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from coding_comparison import NONE, CorpusSide, Disagreement, Renames, shown_path, yaml_items

from partnergraph.errors import InputError, SourceProblem, did_you_mean
from partnergraph.yaml_source import LineDict

DECISIONS = {
    "corpus": "the corpus coding stands; the second coder's does not",
    "second": "the second coder is right: the corpus should change (say how in `change`)",
    "both": "both codings are acceptable readings of the passage",
}
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
    shown = shown_path(path, root)
    found: list[Resolution] = []
    seen: dict[tuple[str, str], int] = {}
    for item in yaml_items(path, root, "resolutions", problems):

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
    out += [f"  unresolved: {d}" for d in check.unresolved]
    out += [f"  {line}" for line in check.stale]
    return out
