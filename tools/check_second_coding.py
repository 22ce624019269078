"""Check corpus/agreement/second-coding.yaml against the blind sheet and the vocabulary.

Every unit of corpus/agreement/blind-sheet.yaml must appear once, in order; every code must name a slug of
corpus/concepts.yaml and a valid polarity. Exits 1 and lists the problems otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
POLARITIES = {"enables", "hinders", "neutral", "mixed"}


def load(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check(coding_path: Path, sheet_path: Path, concepts_path: Path, partial: bool = False) -> list[str]:
    """Return a list of problems (empty when the coding file is valid)."""
    sheet = [u["unit"] for u in load(sheet_path)["units"]]
    slugs = {c["slug"] for c in load(concepts_path)["concepts"]}
    units = load(coding_path).get("units") or []
    problems: list[str] = []
    coded = [u.get("unit") for u in units]
    expected = sheet[: len(coded)] if partial else sheet
    if coded != expected:
        missing = [u for u in expected if u not in coded]
        extra = [u for u in coded if u not in expected]
        problems.append(f"units differ from the sheet's order; missing {missing}, unexpected {extra}")
    for entry in units:
        name = entry.get("unit")
        codes = entry.get("codes")
        if codes is None:
            problems.append(f"{name}: no 'codes' list (write 'codes: []' with a note)")
            continue
        if not codes and not entry.get("note"):
            problems.append(f"{name}: empty codes need a note saying why")
        seen: set[str] = set()
        for code in codes:
            slug, polarity = code.get("concept"), code.get("polarity")
            if slug not in slugs:
                problems.append(f"{name}: unknown concept {slug!r}")
            if polarity not in POLARITIES:
                problems.append(f"{name}: invalid polarity {polarity!r} for {slug}")
            if slug in seen:
                problems.append(f"{name}: concept {slug} coded twice")
            seen.add(slug)
        extra_keys = set(entry) - {"unit", "codes", "note"}
        if extra_keys:
            problems.append(f"{name}: unexpected keys {sorted(extra_keys)}")
    return problems


def main(argv: list[str]) -> int:
    partial = "--partial" in argv
    agreement = ROOT / "corpus" / "agreement"
    coding_path = agreement / "second-coding.yaml"
    problems = check(
        coding_path, agreement / "blind-sheet.yaml", ROOT / "corpus" / "concepts.yaml", partial=partial
    )
    for problem in problems:
        print(f"{coding_path.relative_to(ROOT)}: {problem}")
    if problems:
        return 1
    units = load(coding_path)["units"]
    n_codes = sum(len(u["codes"]) for u in units)
    n_notes = sum(1 for u in units if u.get("note"))
    print(
        f"ok: {len(units)} units, {n_codes} codes ({n_codes / len(units):.2f} per unit), {n_notes} with notes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
