"""Write a synthetic project shaped like the seed corpus, at any size, for benchmarks.

Real quotes cannot be generated, so the text is filler; the shape is what matters:
concepts in classes with counterparts, works, reviewed documents, claims with
secondary citations and every polarity.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml

CLASSES = ["SuccessFactor", "Barrier", "Theory", "PartnershipType", "Benefit", "Driver", "SupportNeed"]
POLARITIES = ["enables", "hinders", "neutral", "mixed"]
KINDS = ["empirical-study", "review", "practice-guidance", "participant-testimony", "theory"]


def write_project(
    root: Path, claims: int, concepts: int, works: int, documents: int, seed: int = 7, cover: bool = False
) -> None:
    """`cover` makes the first claims name every concept and work in turn, so that each
    is in the graph (the evidence graph has exactly concepts + works + documents nodes)."""
    rng = random.Random(seed)
    (root / "corpus" / "documents").mkdir(parents=True, exist_ok=True)
    (root / "bibliography").mkdir(parents=True, exist_ok=True)
    concept_list = []
    for i in range(concepts):
        cls = CLASSES[i % len(CLASSES)]
        entry = {"slug": f"concept-{i}", "class": cls, "label": f"Concept {i}", "alt": [f"wording {i}"]}
        if cls == "Barrier" and i >= 1 and CLASSES[(i - 1) % len(CLASSES)] == "SuccessFactor":
            entry["counterpart"] = f"concept-{i - 1}"
        concept_list.append(entry)
    (root / "corpus" / "concepts.yaml").write_text(yaml.safe_dump({"concepts": concept_list}))
    bib = []
    for i in range(works):
        bib.append(
            f"@article{{work{i},\n  author = {{Author{i}, A.}},\n  title = {{Title {i}}},\n"
            f"  journal = {{Journal {i % 17}}},\n  year = {{{1990 + i % 30}}},\n}}\n"
        )
    for d in range(documents):
        bib.append(f"@techreport{{doc{d},\n  title = {{Reviewed document {d}}},\n  year = {{2010}},\n}}\n")
    (root / "bibliography" / "works.bib").write_text("\n".join(bib))
    per_doc = claims // documents
    for d in range(documents):
        items = []
        for c in range(per_doc):
            n = d * per_doc + c
            concept = n if cover and n < concepts else rng.randrange(concepts)
            work = n if cover and n < works else rng.randrange(works)
            claim = {
                "id": f"c{c:05d}",
                "concept": f"concept-{concept}",
                "polarity": rng.choice(POLARITIES),
                "asserted_by": [f"work{work}"],
                "quote": f"filler quote {d}-{c} " + "words " * rng.randrange(3, 30),
                "section": f"Section {c % 9}",
                "pages": str(rng.randrange(1, 300)),
                "kind": rng.choice(KINDS),
            }
            if c % 10 == 0:
                claim["via"] = [f"work{rng.randrange(works)}"]
            items.append(claim)
        doc = {"document": f"doc{d}", "claims": items}
        (root / "corpus" / "documents" / f"doc{d}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--concepts", type=int, default=250)
    parser.add_argument("--works", type=int, default=500)
    parser.add_argument("--documents", type=int, default=5)
    args = parser.parse_args()
    write_project(args.root, args.claims, args.concepts, args.works, args.documents)


if __name__ == "__main__":
    main()
