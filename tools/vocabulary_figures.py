"""The vocabulary review's figures, measured on the corpus as it is now.

docs/vocabulary-review.md gives them as they were when the review was made; the corpus
moves on (claims are added, re-coded, removed), and the figures that flag a concept for
review move with it: run this again before the next review, or after a pass, to see which
concepts have come to carry one claim or none, which labels two concepts share or nearly
share, which counterpart pairs are unbalanced, and which claims go against their concept's
class. It reads the corpus only.

    python tools/vocabulary_figures.py [--project DIR]
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

from partnergraph import Project
from partnergraph.concept_matcher import stems
from partnergraph.corpus import Concept, Corpus, load_corpus

ROOT = Path(__file__).resolve().parents[1]
SIMILAR_RATIO = 0.9
"""Two names this alike letter by letter (difflib) are flagged: 'flexibility' / 'inflexibility'."""
SHARED_STEMS = 0.5
"""Two names of two or more stems sharing this share of their stems are flagged."""
AGAINST_CLASS = {"SuccessFactor": "hinders", "Barrier": "enables", "Risk": "enables"}
"""The polarity that goes against a class: a success factor whose absence is reported
belongs on its barrier counterpart where there is one (docs/annotation.md)."""


def _normal(name: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", name.casefold()).split())


def _names(concept: Concept) -> list[str]:
    return [concept.label, *concept.alt]


def shared_names(concepts: tuple[Concept, ...]) -> dict[str, list[str]]:
    """Each name (normalised) that two or more concepts carry, with their slugs."""
    owners: defaultdict[str, list[str]] = defaultdict(list)
    for concept in concepts:
        for name in dict.fromkeys(_normal(n) for n in _names(concept)):
            owners[name].append(concept.slug)
    return {name: slugs for name, slugs in sorted(owners.items()) if len(slugs) > 1}


def _likeness(one: tuple[str, frozenset[str]], other: tuple[str, frozenset[str]]) -> str | None:
    """Why two different names, each (normalised name, stems), look alike, or None."""
    (x, a), (y, b) = one, other
    if a and a == b:
        return "same stems"
    if min(len(a), len(b)) >= 2 and (a < b or b < a):
        return "one contains the other"
    if min(len(a), len(b)) >= 2 and len(a & b) / len(a | b) >= SHARED_STEMS:
        return "shared stems"
    letters = difflib.SequenceMatcher(None, x, y)
    bounds = (letters.real_quick_ratio, letters.quick_ratio, letters.ratio)  # cheapest first
    return "spelt alike" if all(bound() >= SIMILAR_RATIO for bound in bounds) else None


def similar_pairs(concepts: tuple[Concept, ...]) -> list[tuple[str, str, str]]:
    """(slug, slug, reason with the two names) for each pair whose names look alike but differ."""
    names = {c.slug: [(n, (_normal(n), frozenset(stems(n)))) for n in _names(c)] for c in concepts}
    pairs = []
    for first, second in itertools.combinations(concepts, 2):
        for (one, a), (other, b) in itertools.product(names[first.slug], names[second.slug]):
            why = a[0] != b[0] and _likeness(a, b)
            if why:
                pairs.append((first.slug, second.slug, f"{why}: '{one}' / '{other}'"))
                break
    return pairs


def figures(corpus: Corpus) -> list[str]:
    """The report, one line each."""
    concepts = corpus.concepts
    by_slug = {c.slug: c for c in concepts}
    uses = Counter(claim.concept for _, claim in corpus.claims)
    classes = Counter(c.cls for c in concepts)
    zero = [c.slug for c in concepts if not uses[c.slug]]
    one = [c.slug for c in concepts if uses[c.slug] == 1]
    shared = shared_names(concepts)
    similar = similar_pairs(concepts)
    pairs = [(c.slug, c.counterpart) for c in concepts if c.counterpart in by_slug]
    both_used = [(a, b) for a, b in pairs if uses[a] and uses[b]]
    opposed = [
        (c.slug, by_slug[c.counterpart].cls)
        for c in concepts
        if c.counterpart in by_slug and {c.cls, by_slug[c.counterpart].cls} != {"SuccessFactor", "Barrier"}
    ]
    against = [
        f"  {claim.concept} [{by_slug[claim.concept].cls}] {doc.document} {claim.id} {claim.polarity}"
        for doc, claim in corpus.claims
        if claim.concept in by_slug and AGAINST_CLASS.get(by_slug[claim.concept].cls) == claim.polarity
    ]
    return [
        f"concepts: {len(concepts)} ({', '.join(f'{k} {n}' for k, n in classes.most_common())})",
        f"claims: {len(corpus.claims)}",
        f"concepts with no claim: {len(zero)}: {', '.join(zero)}",
        f"concepts with one claim: {len(one)}: {', '.join(one)}",
        f"names two concepts share: {len(shared)}",
        *(f"  '{name}': {', '.join(slugs)}" for name, slugs in shared.items()),
        f"similar names: {len(similar)} pairs",
        *(f"  {a} ~ {b}: {why}" for a, b, why in similar),
        f"counterpart pairs: {len(pairs)}; both sides used: {len(both_used)}",
        f"counterparts not a success factor and a barrier: {len(opposed)}",
        *(f"  {a} ({uses[a]}) <-> {b} ({uses[b]})" for a, b in pairs),
        *(f"  {slug}: its counterpart is a {cls}" for slug, cls in opposed),
        f"claims against their concept's class: {len(against)}",
        *against,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="the project folder (default: this repository)"
    )
    args = parser.parse_args(argv)
    problems: list = []
    corpus = load_corpus(Project.locate(args.project.resolve()), problems)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print("\n".join(figures(corpus)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
