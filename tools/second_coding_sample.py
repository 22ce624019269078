"""Draw the stratified sample that a second coder codes blind, for the agreement check.

The unit of coding is a quoted passage of one reviewed document: the corpus often reads
several concepts in one sentence (one claim each), and a second coder shown the passage
must be free to find all of them, or others. So the sample is drawn over distinct quotes,
per document, until it covers at least a tenth of the document's claims and a tenth of its
distinct quotes (a seeded draw, so the sample can be drawn again and checked).

Two files are written: the blind sheet (what the second coder sees: document, text file,
section, quote; never the corpus's concept or polarity) and the key (which claims of the
corpus each unit stands for), kept apart so the sheet can be handed over alone.

    python tools/second_coding_sample.py            # writes corpus/agreement/*.yaml
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SHARE = 0.10
SEED = 17


def _units(claims: list[dict]) -> dict[str, list[dict]]:
    """Claims grouped by their quote (whitespace folded), in the order they are written."""
    units: dict[str, list[dict]] = {}
    for claim in claims:
        units.setdefault(" ".join(claim["quote"].split()), []).append(claim)
    return units


def draw(documents_dir: Path, share: float = SHARE, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """The blind sheet and the key, one entry per sampled unit, units numbered per run."""
    sheet: list[dict] = []
    key: list[dict] = []
    for path in sorted(documents_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims = data["claims"]
        units = _units(claims)
        quotes = list(units)
        random.Random(f"{seed}:{data['document']}").shuffle(quotes)
        need_claims = math.ceil(share * len(claims))
        need_units = math.ceil(share * len(units))
        chosen: list[str] = []
        covered = 0
        for quote in quotes:
            if covered >= need_claims and len(chosen) >= need_units:
                break
            chosen.append(quote)
            covered += len(units[quote])
        order = {quote: i for i, quote in enumerate(units)}
        for quote in sorted(chosen, key=order.__getitem__):
            first = units[quote][0]
            unit_id = f"u{len(sheet) + 1:03d}"
            sheet.append(
                {
                    "unit": unit_id,
                    "document": data["document"],
                    "text_file": data["text"]["file"],
                    "section": first.get("section"),
                    "quote": quote,
                }
            )
            key.append(
                {"unit": unit_id, "document": data["document"], "claims": [c["id"] for c in units[quote]]}
            )
    return sheet, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=Path, default=ROOT / "corpus" / "documents")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus" / "agreement")
    args = parser.parse_args(argv)
    sheet, key = draw(args.documents)
    args.out.mkdir(parents=True, exist_ok=True)
    header = "# Drawn by tools/second_coding_sample.py (seed {seed}, {share:.0%} per document); {what}\n"
    dump = {"sort_keys": False, "allow_unicode": True, "width": 100}
    (args.out / "blind-sheet.yaml").write_text(
        header.format(seed=SEED, share=SHARE, what="what the second coder sees.")
        + yaml.safe_dump({"units": sheet}, **dump),
        encoding="utf-8",
    )
    (args.out / "sample-key.yaml").write_text(
        header.format(seed=SEED, share=SHARE, what="the corpus claims each unit stands for.")
        + yaml.safe_dump({"units": key}, **dump),
        encoding="utf-8",
    )
    claims = sum(len(k["claims"]) for k in key)
    print(f"{len(sheet)} units covering {claims} claims written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
