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

The corpus side is the first coding: the corpus as it was when the sample was drawn,
kept in corpus/agreement/first-coding.yaml (`--freeze` writes it from the corpus). The
figures and the resolutions are read against it, since after the disagreements are
resolved and the corpus corrected, the corrected corpus would agree with the second
coder by construction. The corpus as it is now is read too: the claims the sample key
names, found by id, and claims outside the key on the same passage (a claim split out of
it, say); it tells which corrections the resolutions asked for are made, and how the
corpus moved on the sampled passages (`--current` compares with it instead). The reading
and the figures are in coding_comparison.py, the resolutions of the disagreements in
coding_resolutions.py, kappa itself in kappa.py; this is the command.

    python tools/agreement.py                     # per-document table
    python tools/agreement.py --format markdown   # the table for docs/annotation.md
    python tools/agreement.py --disagreements     # each disagreement, to resolve
    python tools/agreement.py --check             # exit 1 unless each one is resolved
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coding_comparison import (
    AGREEMENT,
    FIRST_CODING,
    NONE,
    ROOT,
    Agreement,
    Comparison,
    Disagreement,
    compare,
    disagreements,
    freeze,
    read_renames,
    shown_path,
)
from coding_resolutions import (
    Resolution,
    ResolutionCheck,
    check_resolutions,
    read_resolutions,
    resolution_lines,
)

from partnergraph.errors import InputError


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
    side = comparison.current or comparison.side
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
    if comparison.retired:
        out.append(
            f"{len(comparison.retired)} codes of the second coding name concepts retired since (left out): "
            + ", ".join(f"{u} {c}" for u, c in comparison.retired)
        )
    if comparison.uncoded:
        out.append(
            f"{len(comparison.uncoded)} units not in the second coding: {', '.join(comparison.uncoded)}"
        )
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
    parser.add_argument(
        "--current", action="store_true", help="compare with the corpus as it is now, not the first coding"
    )
    parser.add_argument("--freeze", action="store_true", help=f"write {FIRST_CODING} from the corpus")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    path = (args.resolutions or root / AGREEMENT / "resolutions.yaml").resolve()
    if args.freeze and (root / FIRST_CODING).exists():
        print(
            f"{FIRST_CODING} exists: the first coding is written once, when the sample is drawn",
            file=sys.stderr,
        )
        return 1
    try:
        comparison = compare(root, args.second, current_only=args.current or args.freeze)
        resolutions = read_resolutions(path, root, read_renames(root)) if path.exists() else None
    except InputError as exc:
        print(
            f"{len(exc.problems)} problems found:",
            *(f"  {p}" for p in exc.problems),
            sep="\n",
            file=sys.stderr,
        )
        return 1
    if args.freeze:
        (root / FIRST_CODING).write_text(freeze(comparison.side), encoding="utf-8")
        print(f"{FIRST_CODING} written: {len(comparison.units)} units", file=sys.stderr)
        return 0
    print(markdown(comparison.rows) if args.format == "markdown" else plain(comparison.rows))
    for line in changes(comparison):
        print(line, file=sys.stderr)
    found = disagreements(comparison.units, comparison.side, comparison.second)
    if args.disagreements:
        print(f"\n{len(found)} disagreements:")
        print("\n".join(map(str, found)))
    if resolutions is None:
        return 1 if args.check and found else 0
    check = check_resolutions(found, resolutions, comparison.side, shown_path(path, root))
    print("\n".join(resolution_lines(check)), file=sys.stderr)
    if comparison.current is not None and comparison.current is not comparison.side:
        print("\n".join(corrections(check, comparison)), file=sys.stderr)
    return 0 if check.ok or not args.check else 1


def corrections(check: ResolutionCheck, comparison: Comparison) -> list[str]:
    """Which of the corrections the resolutions decided for the second coder the current
    corpus has made: it now codes the pair as the second coder did, or, for a concept the
    corpus had missed, codes it at all (the resolution may settle on another polarity)."""
    asked = [(d, r) for d, r in check.resolved if r.decision == "second"]
    current = comparison.current.coding if comparison.current else {}

    def made(d: Disagreement, r: Resolution) -> bool:
        now = current.get(d.unit.unit, {}).get(d.concept, NONE)
        return now != NONE if d.corpus == NONE and r.second != NONE else now == r.second

    open_ = [(d, r) for d, r in asked if not made(d, r)]
    lines = [f"{len(asked) - len(open_)} of {len(asked)} corrections made in the current corpus"]
    lines += [f"  not yet: {r.unit} {r.concept}: {r.change or 'code ' + r.second}" for _, r in open_]
    return lines


if __name__ == "__main__":
    sys.exit(main())
