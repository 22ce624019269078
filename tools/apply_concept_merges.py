"""Carry out the vocabulary review's merges: claims move to the kept concept, then the old goes.

The review (docs/vocabulary-review.md) decides which concepts are near-duplicates; the
decision is written in corpus/concept-merges.yaml, and nothing else changes until this
tool is run, so document reviewers can go on editing claims meanwhile:

    merges:                       # old slug: kept slug
      mistrust: lack-of-trust
    retire:                       # concepts no source names: dropped once no claim uses them
      - social-exchange-theory

Claims are rewritten line by line — only the `concept:` (and `context: partnership_type:`)
lines that name an old slug — so quotes, comments and layout stay byte for byte as their
curators wrote them. Each file is read again just before it is written, since other people
may be editing it, and the new text is parsed back and compared with the old before it
replaces it. The merged and retired concepts are removed from corpus/concepts.yaml last.
Run again, it finds the merges done and changes nothing.

A plan that would leave the corpus broken is refused before anything is written: an unknown
kept slug, a kept concept that does not carry the old label as an alternative label (so
`evidence OLD-LABEL` would stop finding it), a concept whose `broader` or `counterpart`
still names a removed one, a retired concept that a claim still uses.

    python tools/apply_concept_merges.py            # dry run: what would change, file:line
    python tools/apply_concept_merges.py --apply    # write
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from partnergraph.corpus import Concept, load_concepts
from partnergraph.errors import SourceProblem
from partnergraph.yaml_source import LineDict, load_yaml

ROOT = Path(__file__).resolve().parents[1]
MERGES_FILE = "corpus/concept-merges.yaml"
CONCEPTS_FILE = "corpus/concepts.yaml"
DOCUMENTS_DIR = "corpus/documents"
PLAN_KEYS = ("merges", "retire")
SLUG_LINE = r"^(\s*(?:-\s+)?{key}:\s*)(['\"]?){slug}\2(\s*(?:#.*)?)$"


class PlanRefused(Exception):
    """The plan or the corpus has mistakes; each names its file, line and fix."""

    def __init__(self, problems: list[SourceProblem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems
        self.written: list[str] = []


@dataclass
class Plan:
    """What the review decided: old slug → kept slug, and slugs to drop outright."""

    merges: dict[str, str] = field(default_factory=dict)
    retire: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def removed(self) -> list[str]:
        return [*self.merges, *self.retire]


@dataclass(frozen=True)
class LineChange:
    path: str
    line: int
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.old.strip()}  ->  {self.new.strip()}"


def _parsed(text: str, shown_as: str) -> object:
    data, problems = load_yaml(text, shown_as)
    if problems:
        raise PlanRefused(problems)
    return data


def read_plan(text: str, shown_as: str = MERGES_FILE) -> Plan:
    data = _parsed(text, shown_as)
    if data is None:
        return Plan()
    if not isinstance(data, LineDict):
        raise PlanRefused([SourceProblem(shown_as, 1, "not a mapping", "write 'merges:' and 'retire:'")])
    problems = [
        SourceProblem(shown_as, data.line_of(k), f"unknown key '{k}'", "use 'merges:' or 'retire:'")
        for k in data
        if k not in PLAN_KEYS
    ]
    merges, retire = data.get("merges") or LineDict(), data.get("retire") or []
    if not isinstance(merges, LineDict) or not all(isinstance(v, str) for v in merges.values()):
        fix = "write one 'old-slug: kept-slug' per line"
        problems.append(
            SourceProblem(shown_as, data.line_of("merges"), "merges is not a mapping of slugs", fix)
        )
        merges = LineDict()
    if not isinstance(retire, list) or not all(isinstance(s, str) for s in retire):
        fix = "write one '- slug' per line"
        problems.append(SourceProblem(shown_as, data.line_of("retire"), "retire is not a list of slugs", fix))
        retire = []
    if problems:
        raise PlanRefused(problems)
    lines = {old: merges.line_of(old) for old in merges} | {s: data.line_of("retire") for s in retire}
    return Plan(dict(merges), list(retire), lines)


def check_plan(plan: Plan, concepts: list[Concept], shown_as: str = MERGES_FILE) -> list[SourceProblem]:
    """Mistakes of the plan against the vocabulary; claims are checked per document."""
    known = {c.slug: c for c in concepts}
    removed = set(plan.removed)
    problems: list[SourceProblem] = []

    def refuse(slug: str, message: str, fix: str) -> None:
        problems.append(SourceProblem(shown_as, plan.lines.get(slug), message, fix))

    for old, kept in plan.merges.items():
        if kept not in known:
            refuse(old, f"'{old}' would merge into '{kept}', which is not a concept", "correct the kept slug")
        elif kept in removed:
            message = f"'{old}' would merge into '{kept}', which is itself removed"
            refuse(old, message, f"merge '{old}' into the concept '{kept}' goes to")
        elif old in known and _label_missing(known[old], known[kept]):
            label, origin = known[old].label, known[kept].origin
            message = f"'{kept}' does not carry '{label}', the label of '{old}', as an alt label"
            fix = f"add it to the alt list of '{kept}', so that `evidence '{label}'` still finds the claims"
            problems.append(SourceProblem(origin.path, origin.line, message, fix))
    for s in (c for c in concepts if c.slug not in removed):
        for link, target in [*(("broader", b) for b in s.broader), ("counterpart", s.counterpart)]:
            if target in removed:
                kept = plan.merges.get(target)
                fix = f"point it at '{kept}'" if kept else "remove the link"
                message = f"concept '{s.slug}' names '{target}' as its {link}, which is removed"
                problems.append(SourceProblem(s.origin.path, s.origin.line, message, fix))
    return problems


def done_before(plan: Plan, concepts: list[Concept], shown_as: str = MERGES_FILE) -> list[str]:
    """Slugs of the plan that concepts.yaml no longer has: the plan stays in the repository as
    the record of the review, so a second run finds its merges done, which is no mistake; a
    misspelt slug looks the same, so each is named."""
    known = {c.slug for c in concepts}
    return [
        f"note: {shown_as} line {plan.lines[slug]}: '{slug}' is no concept of {CONCEPTS_FILE}: "
        "taken as merged or retired before (if misspelt, correct it)"
        for slug in plan.removed
        if slug not in known
    ]


def _label_missing(old: Concept, kept: Concept) -> bool:
    return old.label.casefold() not in {a.casefold() for a in (kept.label, *kept.alt)}


def _slug_references(data: object) -> list[tuple[str, int, str]]:
    """(key, line, slug) of each claim's concept and context partnership type."""
    found: list[tuple[str, int, str]] = []
    claims = data.get("claims") if isinstance(data, LineDict) else None
    for claim in claims if isinstance(claims, list) else []:
        if not isinstance(claim, LineDict):
            continue
        if isinstance(claim.get("concept"), str):
            found.append(("concept", claim.line_of("concept"), claim["concept"]))
        context = claim.get("context")
        if isinstance(context, LineDict) and isinstance(context.get("partnership_type"), str):
            found.append(
                ("partnership_type", context.line_of("partnership_type"), context["partnership_type"])
            )
    return found


def _with_slugs_replaced(data: object, merges: dict[str, str]) -> object:
    expected = copy.deepcopy(data)
    for claim in expected.get("claims") or [] if isinstance(expected, dict) else []:
        if isinstance(claim, dict):
            if isinstance(claim.get("concept"), str):
                claim["concept"] = merges.get(claim["concept"], claim["concept"])
            context = claim.get("context")
            if isinstance(context, dict) and isinstance(context.get("partnership_type"), str):
                context["partnership_type"] = merges.get(
                    context["partnership_type"], context["partnership_type"]
                )
    return expected


def rewrite_document(text: str, plan: Plan, shown_as: str) -> tuple[str, list[LineChange]]:
    """The document with each old slug replaced on its own line, and the changes made.

    Refused when a retired concept is still used, or a line is not the plain `key: slug`
    this can rewrite safely (a flow mapping, say)."""
    data = _parsed(text, shown_as)
    lines = _lines(text)
    changes: list[LineChange] = []
    problems: list[SourceProblem] = []
    for key, line, slug in _slug_references(data):
        if slug in plan.retire:
            fix = f"re-code or remove the claim, or take '{slug}' out of 'retire:' in {MERGES_FILE}"
            problems.append(
                SourceProblem(shown_as, line, f"a claim is about '{slug}', which is retired", fix)
            )
        if slug not in plan.merges:
            continue
        pattern = re.compile(SLUG_LINE.format(key=key, slug=re.escape(slug)))
        before = lines[line - 1]
        body = _body(before)
        match = pattern.match(body)
        if not match:
            message = f"cannot rewrite '{slug}' on a line written as {body.strip()!r}"
            fix = f"write it as '{key}: {slug}' on a line of its own, or change it by hand"
            problems.append(SourceProblem(shown_as, line, message, fix))
            continue
        after = f"{match[1]}{match[2]}{plan.merges[slug]}{match[2]}{match[3]}{before[len(body) :]}"
        lines[line - 1] = after
        changes.append(LineChange(shown_as, line, body, _body(after)))
    if problems:
        raise PlanRefused(problems)
    new_text = "".join(lines)
    if changes and _parsed(new_text, shown_as) != _with_slugs_replaced(data, plan.merges):
        message = "rewriting changed more than the concept slugs"
        raise PlanRefused([SourceProblem(shown_as, None, message, "apply the merge to this file by hand")])
    return new_text, changes


def remove_concepts(
    text: str, slugs: list[str], shown_as: str = CONCEPTS_FILE
) -> tuple[str, list[LineChange]]:
    """concepts.yaml without the entries of the slugs: each entry runs from its `- slug:`
    line to the next line indented no deeper than its dash (the next entry, or a comment)."""
    problems: list[SourceProblem] = []
    concepts = load_concepts(text, shown_as, problems)
    if problems:
        raise PlanRefused(problems)
    lines = _lines(text)
    drop: set[int] = set()
    changes: list[LineChange] = []
    for concept in (c for c in concepts if c.slug in slugs):
        first = start = concept.origin.line - 1
        dash = _indent(lines[start])
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > dash):
            end += 1
        while end == len(lines) and start > 0 and not lines[start - 1].strip():
            start -= 1  # the last entry goes with the blank lines that set it apart
        drop.update(range(start, end))
        removed = f"(entry of lines {start + 1}-{end} removed)"
        changes.append(LineChange(shown_as, first + 1, _body(lines[first]), removed))
    new_text = "".join(line for i, line in enumerate(lines) if i not in drop)
    left = load_concepts(new_text, shown_as, problems)
    if problems or [c.slug for c in left] != [c.slug for c in concepts if c.slug not in slugs]:
        fix = "remove the merged concepts by hand"
        raise PlanRefused(problems or [SourceProblem(shown_as, None, "removing entries changed others", fix)])
    return new_text, changes


def _lines(text: str) -> list[str]:
    """Lines with their breaks. str.splitlines breaks where YAML does (NEL, U+2028 and U+2029
    too) and at control characters YAML does not allow, so the parser's line numbers hold."""
    return text.splitlines(keepends=True)


def _body(line: str) -> str:
    return line.splitlines()[0] if line.strip("\r\n\x85\u2028\u2029") else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    os.replace(temporary, path)


def _mentions_elsewhere(root: Path, plan: Plan) -> list[str]:
    """Other corpus files (the second coding, drafts ...) naming a removed slug: not rewritten,
    since what they record is for their owners to update."""
    skip = {root / CONCEPTS_FILE, root / MERGES_FILE}
    words = {slug: re.compile(rf"(?<![a-z0-9-]){re.escape(slug)}(?![a-z0-9-])") for slug in plan.removed}
    notes: list[str] = []
    for path in sorted((root / "corpus").rglob("*.yaml")):
        if path in skip or path.parent == root / DOCUMENTS_DIR:
            continue
        for number, line in enumerate(_lines(path.read_text(encoding="utf-8")), 1):
            notes += [
                f"note: {path.relative_to(root)}:{number} names '{slug}': update it by hand if it must follow"
                for slug, word in words.items()
                if word.search(line)
            ]
    return notes


def run(root: Path, apply: bool) -> list[str]:
    """The report lines; writes only with `apply`. Raises PlanRefused on any mistake."""
    plan_path = root / MERGES_FILE
    plan = read_plan(plan_path.read_text(encoding="utf-8")) if plan_path.exists() else Plan()
    problems: list[SourceProblem] = []
    concepts = load_concepts((root / CONCEPTS_FILE).read_text(encoding="utf-8"), CONCEPTS_FILE, problems)
    problems += check_plan(plan, concepts)
    documents = sorted((root / DOCUMENTS_DIR).glob("*.yaml"))
    changes: list[LineChange] = []
    for path in documents:
        try:
            changes += rewrite_document(path.read_text(encoding="utf-8"), plan, _shown(root, path))[1]
        except PlanRefused as refused:
            problems += refused.problems
    if problems:
        raise PlanRefused(problems)
    _, removals = remove_concepts((root / CONCEPTS_FILE).read_text(encoding="utf-8"), plan.removed)
    if apply:
        _write_all(root, documents, plan)
    verb = "changed" if apply else "would change"
    summary = (
        f"{len(changes)} claim lines in {len({c.path for c in changes})} files {verb}; "
        f"{len(removals)} concepts {'removed' if apply else 'would be removed'} "
        f"(the plan: {len(plan.merges)} merges, {len(plan.retire)} retirements)"
    )
    tail = [summary] if apply else [summary, "dry run: nothing written; run with --apply to write"]
    notes = [*done_before(plan, concepts), *_mentions_elsewhere(root, plan)]
    return [*map(str, changes), *map(str, removals), *notes, *tail]


def _write_all(root: Path, documents: list[Path], plan: Plan) -> None:
    """Each file is planned again from what is on disk the moment before it is written: a
    reviewer may have saved it since the check."""
    written: list[str] = []
    try:
        for path in [*documents, root / CONCEPTS_FILE]:
            current = path.read_text(encoding="utf-8")
            if path.parent == root / DOCUMENTS_DIR:
                new_text = rewrite_document(current, plan, _shown(root, path))[0]
            else:
                new_text = remove_concepts(current, plan.removed)[0]
            if new_text != current:
                _write_atomically(path, new_text)
                written.append(_shown(root, path))
    except PlanRefused as refused:
        refused.written = written
        raise


def _shown(root: Path, path: Path) -> str:
    return str(path.relative_to(root))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the project folder (default: this repository)"
    )
    parser.add_argument("--apply", action="store_true", help="write the changes (default: list them)")
    args = parser.parse_args(argv)
    try:
        report = run(args.project.resolve(), args.apply)
    except PlanRefused as refused:
        for problem in refused.problems:
            print(f"error: {problem}", file=sys.stderr)
        done = ", ".join(refused.written)
        print(f"stopped after writing {done}" if done else "nothing written", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
